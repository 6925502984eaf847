"""After casting: the ballot page shows the choice that was cast, once, and nothing on the
server keeps it with the voter; after closing a receipt says whether it was counted or
replaced by a later ballot."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from samenspel.models import Role
from tests.factories import UserFactory
from voting import services
from voting.models import Method, ReplacedReceipt
from voting.views import CAST_COOKIE

from .sealed import sealed_ballot

pytestmark = pytest.mark.django_db

TITLES = ["Speeltuin De Venser", "Bankjes Diemerpark", "Bloemenweide Arenapark"]


def open_poll(method=Method.IRV, voters=2):
    manager = UserFactory(roles=[Role.FACILITATOR])
    people = [UserFactory() for _ in range(voters)]
    poll = services.poll_create(
        title="Wat komt er in het park?",
        method=method,
        eligible=people,
        by=manager,
        options=[services.OptionSpec(title) for title in TITLES],
    )
    return services.poll_open(poll=poll, by=manager), manager, people


def test_the_ballot_page_shows_the_cast_ranking_once_right_after_casting(client):
    poll, _manager, (anna, _bram) = open_poll()
    client.force_login(anna)
    response = client.post(f"/stemmen/{poll.pk}/", {"rank": ["3", "1"], "revision": "0"}, follow=True)
    html = response.content.decode()
    assert "Dit hebt u gestemd" in html
    shown = html[html.index("Dit hebt u gestemd") :]
    # The places in order, and the option left out said to be left out.
    assert shown.index("Bloemenweide Arenapark") < shown.index("Speeltuin De Venser")
    assert "Niet gerangschikt: Bankjes Diemerpark" in shown
    assert sealed_ballot(poll).tracker in html
    assert "no-store" in response["Cache-Control"]
    # Once: the cookie that carried it is gone, and the page no longer shows it.
    assert client.cookies[CAST_COOKIE].value == ""
    again = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Dit hebt u gestemd" not in again and sealed_ballot(poll).tracker in again


def test_the_server_keeps_nothing_that_joins_the_voter_to_the_choice(client):
    poll, _manager, (anna, bram) = open_poll(method=Method.APPROVAL)
    client.force_login(anna)
    client.post(f"/stemmen/{poll.pk}/", {"option": ["3"], "revision": "0"})
    for session in Session.objects.all():
        assert "Bloemenweide" not in str(session.get_decoded())
    # Someone else signing in on the same browser before the page was shown sees nothing.
    client.force_login(bram)
    client.cookies[CAST_COOKIE]["path"] = f"/stemmen/{poll.pk}/"
    page = client.get(f"/stemmen/{poll.pk}/").content.decode()
    assert "Dit hebt u gestemd" not in page


def test_a_cast_of_each_shape_reads_back_in_words(client):
    poll, _manager, (anna, _bram) = open_poll(method=Method.YES_NO)
    client.force_login(anna)
    form = {"value-1": "yes", "value-2": "no", "value-3": "abstain", "revision": "0"}
    html = client.post(f"/stemmen/{poll.pk}/", form, follow=True).content.decode()
    shown = html[html.index("Dit hebt u gestemd") :]
    assert "Speeltuin De Venser: <strong>Voor</strong>" in shown
    assert "Bankjes Diemerpark: <strong>Tegen</strong>" in shown
    assert "Bloemenweide Arenapark: <strong>Onthouding</strong>" in shown


def lookup(client, poll, code):
    return client.post(f"/stemmen/{poll.pk}/bewijscode/", {"code": code}).content.decode()


def test_a_replaced_receipt_says_so_after_closing_and_shows_nothing_of_that_ballot(client):
    poll, manager, (anna, bram) = open_poll()
    services.ballot_cast(poll=poll, participant=anna, choice=["2"])
    first = sealed_ballot(poll).tracker
    services.ballot_cast(poll=poll, participant=anna, choice=["1", "3"])
    second = sealed_ballot(poll).tracker
    last = services.ballot_cast(poll=poll, participant=anna, choice=["3", "1"]).tracker
    services.ballot_cast(poll=poll, participant=bram, choice=["1"])

    client.force_login(anna)
    assert "nog niet gesloten" in lookup(client, poll, last)  # nothing to look up yet
    services.poll_close(poll=poll, by=manager)
    client.logout()  # a closed poll's receipts anyone may look up, as its published files

    for old in (first, second):
        answer = lookup(client, poll, old)
        assert f"Bewijscode {old} is vervangen door een latere stem" in answer
        assert "Bankjes Diemerpark" not in answer and "Bloemenweide" not in answer
    counted = lookup(client, poll, last.lower().replace("-", " "))
    assert f"Bewijscode {last} is meegeteld" in counted
    assert counted.index("Bloemenweide Arenapark") < counted.index("Speeltuin De Venser")
    assert "is niet gevonden" in lookup(client, poll, "AAAA-BBBB-CCCC")
    assert "12 tekens" in lookup(client, poll, "K7QD")
    # Stored apart: the old receipts and the poll, nothing of the voter or the new ballot.
    assert {field.name for field in ReplacedReceipt._meta.get_fields()} == {"id", "poll", "tracker"}
    assert set(ReplacedReceipt.objects.values_list("tracker", flat=True)) == {first, second}


def test_replaced_receipts_are_stored_in_an_order_that_says_nothing_of_the_casting(client):
    poll, manager, people = open_poll(method=Method.APPROVAL, voters=30)
    old = []
    for person in people:  # each votes and at once votes again, in this order
        old.append(services.ballot_cast(poll=poll, participant=person, choice=["1"]).tracker)
        services.ballot_cast(poll=poll, participant=person, choice=["2"])
    services.poll_close(poll=poll, by=manager)
    place = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tracker FROM voting_replacedreceipt ORDER BY {place}")  # noqa: S608
        stored = [row[0] for row in cursor.fetchall()]
    assert sorted(stored) == sorted(old)
    assert stored != old and stored != old[::-1]  # shuffled (a chance of 2 in 30! to fail)
