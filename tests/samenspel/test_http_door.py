"""The door in front of Django (samenspel/handler.py): a burst of requests waits on the
event loop instead of becoming a thread each, and a letter-code guesser made to wait does
not hold a place in the queue that everyone else needs.

Real Daphne processes on PostgreSQL, as tests/voting/test_ballot_burst.py; the full-size
figures (1,000 ballots) come from bench/faults/ballot_burst.py.
"""

import asyncio
import os
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.factories import UserFactory, code_for
from tests.multiprocess import database_url_of_tests, free_port, start_daphne, wait_for_port
from tests.voting.test_ballot_burst import open_poll_with_voters, post_all_at_once

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

VOTERS = 120
DOOR = 3  # HTTP_CONCURRENCY of the process under test


def server_env(**extra: str) -> dict[str, str]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url_of_tests(),
        DEBUG="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_POOL_MAX_SIZE="3",
        DB_POOL_MIN_SIZE="1",
        HTTP_CONCURRENCY=str(DOOR),
    )
    env.update(extra)
    return env


def threads_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no thread count")


class ThreadPeak(threading.Thread):
    """The most threads the server process had, looked at every 5 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, threads_of(self.pid))
            time.sleep(0.005)


def test_a_burst_of_ballots_waits_at_the_door_instead_of_becoming_a_thread_each(tmp_path):
    poll, sessions = open_poll_with_voters(VOTERS)
    port = free_port()
    process = start_daphne(port, server_env(), tmp_path / "daphne.log")
    try:
        wait_for_port(process, port, 30)
        # One request first: the process is warm and idle. A cold process's first page loads
        # the URLs and templates, seconds on a busy machine; that is not what is measured.
        with httpx.Client(timeout=60) as client:
            assert client.get(f"http://127.0.0.1:{port}/").status_code == 200
        time.sleep(0.5)
        before = threads_of(process.pid)
        watcher = ThreadPeak(process.pid)
        watcher.start()
        answers = asyncio.run(post_all_at_once([port], poll.pk, sessions))
        watcher.running = False
        watcher.join(timeout=5)
    finally:
        process.terminate()
        process.wait(timeout=15)

    accepted = [a for a in answers if a == f"302 /stemmen/{poll.pk}/"]
    assert len(accepted) == VOTERS, sorted(set(answers))
    # The door lets DOOR requests in at a time; the rest is the server's own helpers (the
    # turnout push, the connection pool). Without the door: a thread per waiting request.
    assert watcher.peak - before <= DOOR + 10, (
        f"{watcher.peak - before} more threads for {VOTERS} requests behind a door of {DOOR}"
    )


def test_a_slowed_code_guess_does_not_keep_others_waiting(tmp_path):
    """The letter-code login waits out a guesser's delay on the event loop; it must not
    take one of the door's places, or a few guessers would stop every page of the process."""
    resident = UserFactory()
    code = code_for(resident)
    wrong = f"{code[:4]}-AAAA-BBBB"
    port = free_port()
    env = server_env(
        HTTP_CONCURRENCY="1",
        LOGIN_MAX_FAILURES="1",
        LOGIN_CODE_DELAY_SECONDS="4",
        LOGIN_CODE_MAX_DELAY_SECONDS="4",
        LOGIN_CODE_MAX_WAITING="2",
    )
    process = start_daphne(port, env, tmp_path / "daphne.log")
    base = f"http://127.0.0.1:{port}"

    def guess(client: httpx.Client) -> float:
        page = client.get(f"{base}/inloggen/code/")
        started = time.monotonic()
        client.post(
            f"{base}/inloggen/code/",
            data={"code": wrong, "csrfmiddlewaretoken": page.cookies.get("csrftoken", "")},
        )
        return time.monotonic() - started

    try:
        wait_for_port(process, port, 30)
        with httpx.Client(timeout=60) as first:  # a cold process's first page: see above
            guess(first)  # the one failure allowed: the next check of this code waits 4 s
        # The wait counts from that failure, so on a busy machine part of it passes before
        # the next guess is sent: measure the slowed guess's answer from the failure.
        first_failed = time.monotonic()
        waited: list[float] = []
        with httpx.Client(timeout=30) as guesser, httpx.Client(timeout=30) as visitor:

            def slowed_guess() -> None:
                guess(guesser)
                waited.append(time.monotonic() - first_failed)

            slowed = threading.Thread(target=slowed_guess)
            slowed.start()
            time.sleep(1.0)  # the slowed guess is waiting now
            started = time.monotonic()
            home = visitor.get(f"{base}/")
            served_in = time.monotonic() - started
            slowed.join(timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=15)

    assert home.status_code == 200
    assert waited and waited[0] >= 3.0, f"the guess was not slowed: {waited}"
    assert served_in < 2.0, f"the home page waited {served_in:.1f} s behind a slowed guess"
