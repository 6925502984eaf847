"""What one ballot post costs the server: its database queries, counted on the real database.

A thousand voters press "Stem uitbrengen" at once (bench/faults/ballot_burst.py): every
query of the post is paid a thousand times over while they wait. The count includes the
session and the logged-in user that every page reads. The post runs as under Daphne, in a
worker thread of the server's event loop; turnout pushes then leave a few times a second,
counted once for many ballots, and the screens still get the latest count.
"""

import secrets

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory
from tests.live import connected, past_the_opening, snapshot_frame
from voting import services
from voting.models import Eligibility, Method, PendingBallot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_memory_layer")]

# The session, the user, the poll with its options; then the cast: lock the voter's mark,
# read the poll's status, store the sealed ballot, mark the voter, in one transaction. The
# first ballot of a poll with a summit's context in a process also asks once whether the
# summit shows its turnout on its screens (deliberation/services/vote.py).
MAX_QUERIES_FIRST_CAST = 10
# A re-vote also looks up the earlier sealed ballot to replace it.
MAX_QUERIES_REVOTE = 10


def open_poll(voters):
    manager = UserFactory()
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method=Method.APPROVAL,
        context="summit:burgertop-2026/step:3",
        eligible=voters,
        by=manager,
        options=[services.OptionSpec(t) for t in ("Bomen", "Bankjes", "Fonteinen")],
    )
    services.poll_open(poll=poll, by=manager)
    return poll


def logged_in_client(user):
    """A browser with a session and a CSRF cookie, checked as in production."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = secrets.token_hex(16)
    client.cookies["csrftoken"] = token
    return client, token


def cast(client, token, poll, options, revision):
    """Post the ballot form; the answer and the SQL of every query the post made."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/stemmen/{poll.pk}/",
            {"csrfmiddlewaretoken": token, "option": options, "revision": str(revision)},
        )
    return response, [query["sql"] for query in queries]


async def test_a_ballot_post_costs_few_queries_and_screens_still_see_the_turnout():
    anna, bram = await sync_to_async(UserFactory)(), await sync_to_async(UserFactory)()
    poll = await sync_to_async(open_poll)([anna, bram])
    client, token = await sync_to_async(logged_in_client)(anna)
    async with connected(f"/ws/polls/{poll.pk}/", user=bram) as hall:
        assert (await snapshot_frame(hall))["data"]["voted"] == 0

        response, queries = await sync_to_async(cast)(client, token, poll, ["1", "3"], 0)
        assert response.status_code == 302 and response["Location"] == f"/stemmen/{poll.pk}/"
        assert len(queries) <= MAX_QUERIES_FIRST_CAST, "\n".join(queries)
        # The opening's push may reach the screen after it joined, before or after its
        # snapshot (a busy machine, with Redis): the screen already shows the poll open.
        event = await past_the_opening(hall)
        assert event["type"] == "turnout.changed"
        assert event["data"] == {"poll": poll.pk, "voted": 1, "eligible": 2}

        response, queries = await sync_to_async(cast)(client, token, poll, ["2"], 1)
        assert response.status_code == 302
        assert len(queries) <= MAX_QUERIES_REVOTE, "\n".join(queries)

    assert await sync_to_async(what_was_stored)(client, poll, anna) == (
        1,
        (True, 2),
        True,
    )


def what_was_stored(client, poll, voter):
    """Sealed ballots of the poll, the voter's mark, and whether the ballot page says the
    re-vote replaced the first; the connection is given back afterwards."""
    try:
        mark = Eligibility.objects.get(poll=poll, participant=voter)
        page = client.get(f"/stemmen/{poll.pk}/").content.decode()
        return (
            PendingBallot.objects.filter(poll=poll).count(),
            (mark.has_voted, mark.revision),
            "Uw nieuwe stem vervangt uw eerdere stem." in page,
        )
    finally:
        connection.close()
