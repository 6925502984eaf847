"""Online tables: residents at home join an online table, see its video link and write
ideas like any table; its host uses the same table console."""

import pytest
from django.utils import timezone

from deliberation import services
from deliberation.models import Idea, Participant, Step, SummitTable
from tests.deliberation.factories import go_to_step, make_summit

pytestmark = pytest.mark.django_db

BASE = "/burgertop/burgertop-test/"
VIDEO = "https://video.diemen.example/burgertop/tafel-3"


@pytest.fixture
def setup():
    setup = make_summit(residents=3, seated=False)
    table = SummitTable.objects.get(number=3)
    table.video_url = VIDEO
    table.save(update_fields=["video_url"])
    return setup


def test_registered_resident_joins_online_and_sees_the_video_link(client, setup):
    client.force_login(setup.residents[0])
    page = client.get(BASE).content.decode()
    assert "Meld u eerst aan bij de balie" in page and "Online meedoen" in page
    response = client.post(BASE + "online/", follow=True)
    page = response.content.decode()
    assert "U doet online mee aan tafel 3." in page
    assert "U zit aan tafel 3." in page
    assert VIDEO in page and "Open de videoverbinding van uw tafel" in page
    participant = Participant.objects.get(user=setup.residents[0])
    assert participant.table.number == 3 and participant.checked_in_at is not None


def test_joining_twice_keeps_the_same_table(setup):
    now = timezone.now()
    first = services.participant_join_online(summit=setup.summit, by=setup.residents[0], now=now)
    again = services.participant_join_online(summit=setup.summit, by=setup.residents[0], now=now)
    assert first == again and first["video_url"] == VIDEO


def test_online_tables_fill_up_to_their_cap(client, setup):
    SummitTable.objects.filter(number=3).update(capacity=2)
    now = timezone.now()
    for user in setup.residents[:2]:
        services.participant_join_online(summit=setup.summit, by=user, now=now)
    client.force_login(setup.residents[2])
    response = client.post(BASE + "online/")
    assert response.status_code == 409
    assert "Alle online tafels zijn vol." in response.content.decode()
    assert Participant.objects.get(user=setup.residents[2]).checked_in_at is None


def test_someone_checked_in_at_the_hall_cannot_also_join_online(setup):
    Participant.objects.filter(user=setup.residents[0]).update(checked_in_at=timezone.now())
    with pytest.raises(services.CommandRefused, match="al aangemeld in de zaal"):
        services.participant_join_online(
            summit=setup.summit, by=setup.residents[0], now=timezone.now()
        )


def test_outsiders_cannot_join_online(client, setup):
    client.force_login(setup.outsider)
    assert client.post(BASE + "online/").status_code == 403
    assert client.get(BASE + "online/").status_code == 405


def test_online_participant_writes_ideas_the_online_host_sees(client, setup):
    host = setup.hosts[0]
    SummitTable.objects.filter(number=3).update(host=host)
    SummitTable.objects.filter(number=1).update(host=None)
    now = timezone.now()
    services.participant_join_online(summit=setup.summit, by=setup.residents[0], now=now)
    go_to_step(setup.summit, Step.Kind.TABLE_ROUND)
    services.idea_create(
        summit=setup.summit, by=setup.residents[0], text="Buurtapp voor oppas", now=now
    )
    assert Idea.objects.get().table.number == 3
    client.force_login(host)
    page = client.get(BASE + "tafel/").content.decode()
    assert "Buurtapp voor oppas" in page and VIDEO in page
    assert "Nieuw idee" in page


def test_home_page_leads_a_registered_resident_at_home_to_the_summit(client, setup):
    client.force_login(setup.residents[0])
    page = client.get("/").content.decode()
    assert BASE in page and "of doe online mee" in page
    client.force_login(setup.outsider)
    assert BASE not in client.get("/").content.decode()
