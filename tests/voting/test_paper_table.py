"""Paper ballots by table: a table host enters them only for the people seated at their
table who have not voted, picked from a short list they can search by name."""

import pytest

from deliberation.models import Participant, Summit, SummitTable
from samenspel.models import Role
from tests.factories import UserFactory
from voting import services
from voting.models import Eligibility, Method
from voting.services import VotingError, VotingForbidden

from .sealed import sealed_ballots

pytestmark = pytest.mark.django_db

SLUG = "burgertop-tafels"
SCOPE = f"summit:{SLUG}"


@pytest.fixture
def hall():
    """Two tables: Anna and Bram at table 1 (host Henk), Cees at table 2 (host Hanna);
    Dirk is eligible but not seated. An approval poll of the summit is open."""
    summit = Summit.objects.create(slug=SLUG, title="Burgertop met tafels")
    henk = UserFactory(roles=[(Role.TABLE_HOST, SCOPE)], display_name="Henk")
    hanna = UserFactory(roles=[(Role.TABLE_HOST, SCOPE)], display_name="Hanna")
    one = SummitTable.objects.create(summit=summit, number=1, host=henk)
    two = SummitTable.objects.create(summit=summit, number=2, host=hanna)
    anna, bram, cees, dirk = (
        UserFactory(display_name=name) for name in ("Anna Smit", "Bram de Wit", "Cees Bos", "Dirk")
    )
    for person, table in ((anna, one), (bram, one), (cees, two), (dirk, None)):
        Participant.objects.create(summit=summit, user=person, table=table)
    manager = UserFactory(roles=[(Role.FACILITATOR, SCOPE)])
    poll = services.poll_create(
        title="Welke thema's na de lunch?",
        method=Method.APPROVAL,
        options=[services.OptionSpec("Groen"), services.OptionSpec("Wonen")],
        eligible=[anna, bram, cees, dirk],
        context=f"{SCOPE}/step:3",
        by=manager,
    )
    poll = services.poll_open(poll=poll, by=manager)
    return {
        "poll": poll, "henk": henk, "hanna": hanna, "manager": manager,
        "anna": anna, "bram": bram, "cees": cees, "dirk": dirk,
    }


def voted(poll, person):
    return Eligibility.objects.get(poll=poll, participant=person).has_voted


def test_a_table_host_enters_the_paper_ballot_of_someone_at_their_table(hall):
    poll = hall["poll"]
    services.paper_ballot_cast(poll=poll, participant=hall["anna"], choice=["1"], by=hall["henk"])
    assert voted(poll, hall["anna"])
    assert [b.source for b in sealed_ballots(poll)] == ["paper"]


def test_the_host_of_another_table_is_refused_in_dutch_and_nothing_is_stored(hall):
    poll = hall["poll"]
    with pytest.raises(VotingForbidden, match="Anna Smit zit niet aan uw tafel"):
        services.paper_ballot_cast(
            poll=poll, participant=hall["anna"], choice=["1"], by=hall["hanna"]
        )
    # Nor for someone who sits at no table at all.
    with pytest.raises(VotingForbidden, match="zit niet aan uw tafel"):
        services.paper_ballot_cast(poll=poll, participant=hall["dirk"], choice=["1"], by=hall["henk"])
    assert not voted(poll, hall["anna"]) and not voted(poll, hall["dirk"])
    assert not sealed_ballots(poll)


def test_a_host_cannot_enter_a_paper_ballot_for_someone_who_voted_online(hall):
    poll = hall["poll"]
    services.ballot_cast(poll=poll, participant=hall["bram"], choice=["2"])
    with pytest.raises(VotingError, match="al online gestemd"):
        services.paper_ballot_cast(poll=poll, participant=hall["bram"], choice=["1"], by=hall["henk"])
    assert [b.content for b in sealed_ballots(poll)] == [["2"]]


def test_a_facilitator_may_enter_a_paper_ballot_for_anyone_eligible(hall):
    poll = hall["poll"]
    services.paper_ballot_cast(poll=poll, participant=hall["dirk"], choice=["2"], by=hall["manager"])
    assert voted(poll, hall["dirk"])


def test_the_wrong_table_host_gets_the_refusal_on_the_page(client, hall):
    poll = hall["poll"]
    client.force_login(hall["hanna"])
    response = client.post(
        f"/stemmen/{poll.pk}/papier/", {"participant": hall["anna"].pk, "option": ["1"]}
    )
    assert response.status_code == 400
    assert "Anna Smit zit niet aan uw tafel" in response.content.decode()
    assert not voted(poll, hall["anna"])


def test_the_picker_lists_only_the_hosts_own_table_members_who_have_not_voted(client, hall):
    poll = hall["poll"]
    services.ballot_cast(poll=poll, participant=hall["bram"], choice=["1"])
    client.force_login(hall["henk"])
    page = client.get(f"/stemmen/{poll.pk}/papier/").content.decode()
    assert "Anna Smit" in page
    assert "Bram de Wit" not in page  # voted already
    assert "Cees Bos" not in page and "Dirk" not in page  # not at Henk's table
    client.force_login(hall["hanna"])
    page = client.get(f"/stemmen/{poll.pk}/papier/").content.decode()
    assert "Cees Bos" in page and "Anna Smit" not in page


def test_the_picker_searches_by_name_and_keeps_long_lists_short(client, hall):
    poll = hall["poll"]
    many = [UserFactory(display_name=f"Inwoner {index:03d}") for index in range(45)]
    services.poll_eligible_add(poll=poll, participants=many)
    client.force_login(hall["manager"])
    page = client.get(f"/stemmen/{poll.pk}/papier/").content.decode()
    assert page.count('name="participant"') == 40
    assert "En nog 9 deelnemers; zoek op naam." in page
    found = client.get(f"/stemmen/{poll.pk}/papier/", {"zoek": "smit"}).content.decode()
    assert found.count('name="participant"') == 1 and "Anna Smit" in found
