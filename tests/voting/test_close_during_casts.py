"""Closing a poll while ballots are being cast: every ballot the voter was told is stored
is counted, and every other one was refused with a message.

A cast locks only its voter's mark, not the poll (a thousand casts at once would queue on
the poll's row); closing locks every mark before it closes. Each cast runs in a thread of
its own with its own database connection, as request threads do under Daphne.
"""

import random
import threading

import pytest
from django.db import connections

from tests.factories import UserFactory
from voting import services
from voting.models import Ballot, Eligibility, Method, PendingBallot, Poll

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 30


def test_closing_counts_every_ballot_accepted_before_it_and_refuses_the_rest():
    manager = UserFactory()
    voters = [UserFactory() for _ in range(VOTERS)]
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method=Method.APPROVAL,
        eligible=voters,
        by=manager,
        options=[services.OptionSpec(t) for t in ("Bomen", "Bankjes", "Fonteinen")],
    )
    services.poll_open(poll=poll, by=manager)
    start = threading.Barrier(VOTERS + 1)
    told: dict[int, str] = {}

    def vote(voter) -> None:
        try:
            start.wait(timeout=30)
            services.ballot_cast(
                poll=Poll.objects.get(pk=poll.pk), participant=voter, choice=["1", "3"]
            )
            told[voter.pk] = "stored"
        except services.VotingError as refused:
            told[voter.pk] = str(refused)
        finally:
            connections.close_all()

    def close() -> None:
        try:
            start.wait(timeout=30)
            # Somewhere in the middle of the casts.
            threading.Event().wait(random.uniform(0.0, 0.05))
            services.poll_close(poll=Poll.objects.get(pk=poll.pk), by=manager)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(voter,)) for voter in voters]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    stored = [pk for pk, answer in told.items() if answer == "stored"]
    refused = [answer for answer in told.values() if answer != "stored"]
    assert len(told) == VOTERS
    assert all("gesloten" in answer for answer in refused), refused
    result = Poll.objects.get(pk=poll.pk).result
    assert result.ballots_counted == len(stored) == Ballot.objects.filter(poll=poll).count()
    marked = Eligibility.objects.filter(poll=poll, has_voted=True)
    assert sorted(marked.values_list("participant", flat=True)) == sorted(stored)
    assert not PendingBallot.objects.filter(poll=poll).exists()  # none left uncounted
