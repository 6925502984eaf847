"""Many voters press "Stem uitbrengen" at the same moment, on two Daphne processes.

Every ballot is accepted and counted once, and PostgreSQL's connections stay within what
the processes were configured to use (DB_POOL_MAX_SIZE each). Before the pool each request
thread opened a connection of its own, and a burst went past PostgreSQL's max_connections.
The full-size figures (1,000 voters) come from bench/faults/ballot_burst.py.
"""

import asyncio
import os
import secrets
import threading
import time

import httpx
import psycopg
import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from samenspel.models import User
from tests.factories import UserFactory
from tests.multiprocess import database_url_of_tests, free_port, start_daphne, wait_for_port
from voting import services
from voting.models import Ballot, Eligibility, Poll

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

VOTERS = 150
POOL_SIZE = 3  # per process


def logged_in_session(user: User) -> str:
    """A session as the login page makes it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key or ""


class ConnectionPeak(threading.Thread):
    """The most connections to the test database seen, counted every 10 ms from the
    maintenance database (so this watcher does not count itself)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        settings = connection.settings_dict
        self.dsn = f"postgresql://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
        self.database = settings["NAME"]
        self.peak = 0
        self.running = True

    def count(self, conn: psycopg.Connection) -> int:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [self.database]
        ).fetchone()
        return int(row[0]) if row else 0

    def run(self) -> None:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            while self.running:
                self.peak = max(self.peak, self.count(conn))
                time.sleep(0.01)

    def now(self) -> int:
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            return self.count(conn)


async def post_all_at_once(ports: list[int], poll: int, sessions: list[str]) -> list[str]:
    """Every voter posts the ballot form at the same moment; the answer of each."""
    go = asyncio.Event()
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)

    async def vote(index: int, session: str, client: httpx.AsyncClient) -> str:
        csrf = secrets.token_hex(16)
        await go.wait()
        try:
            response = await client.post(
                f"http://127.0.0.1:{ports[index % len(ports)]}/stemmen/{poll}/",
                data={"csrfmiddlewaretoken": csrf, "option": ["1", "3"], "revision": "0"},
                headers={"Cookie": f"sessionid={session}; csrftoken={csrf}"},
            )
        except httpx.HTTPError as error:
            return type(error).__name__
        return f"{response.status_code} {response.headers.get('location', '')}"

    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        tasks = [asyncio.create_task(vote(i, s, client)) for i, s in enumerate(sessions)]
        await asyncio.sleep(0.2)
        go.set()
        return list(await asyncio.gather(*tasks))


def open_poll_with_voters(voters: int) -> tuple[Poll, list[str]]:
    """An open approval poll and a logged-in session for each of its ``voters``."""
    manager = UserFactory()
    residents = [UserFactory() for _ in range(voters)]
    poll = services.poll_create(
        title="Wat komt er op het plein?",
        method="approval",
        context="summit:burgertop-2026/step:3",
        eligible=residents,
        by=manager,
        options=[services.OptionSpec(t) for t in ("Bomen", "Bankjes", "Fonteinen")],
    )
    services.poll_open(poll=poll, by=manager)
    return poll, [logged_in_session(user) for user in residents]


def test_ballots_posted_at_once_are_all_counted_within_the_connection_pool(tmp_path):
    poll, sessions = open_poll_with_voters(VOTERS)

    watcher = ConnectionPeak()
    before = watcher.now()
    env = dict(
        os.environ,
        DATABASE_URL=database_url_of_tests(),
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_POOL_MAX_SIZE=str(POOL_SIZE),
        DB_POOL_MIN_SIZE="1",
    )
    ports = [free_port(), free_port()]
    processes = [start_daphne(port, env, tmp_path / f"daphne-{port}.log") for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            wait_for_port(process, port, 30)
        watcher.start()
        answers = asyncio.run(post_all_at_once(ports, poll.pk, sessions))
        watcher.running = False
        watcher.join(timeout=5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)

    accepted = [a for a in answers if a == f"302 /stemmen/{poll.pk}/"]
    assert len(accepted) == VOTERS, sorted(set(answers))
    assert watcher.peak - before <= 2 * POOL_SIZE, (
        f"{watcher.peak - before} connections for two processes with a pool of {POOL_SIZE}"
    )
    assert Eligibility.objects.filter(poll=poll, has_voted=True).count() == VOTERS
    services.poll_close(poll=Poll.objects.get(pk=poll.pk), by=poll.created_by)
    assert Ballot.objects.filter(poll=poll).count() == VOTERS
