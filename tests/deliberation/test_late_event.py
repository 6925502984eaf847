"""An event that reaches the other server process late, during a burst of ideas.

Two Daphne processes on one PostgreSQL and one Redis. The screens behave like the browser
client (frontend/src/live-core.js): they apply events in ``seq`` order and, on a gap, send
``snapshot.request`` with the last ``seq`` they applied.
"""

import asyncio
import json
import time
import uuid

import pytest
import websockets
from asgiref.sync import sync_to_async
from django.db import transaction
from django.utils import timezone

from deliberation import services
from samenspel import services as core_services
from samenspel.live import broadcast
from tests.deliberation.factories import make_summit

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

# Longer than the half second the hubs used to hold a batch for a missing event, shorter
# than the longest batch window plus the time a push can take.
LATE_SECONDS = 0.9
IDEAS_PER_HOST = 15


class Screen:
    """A summit screen that handles ``seq`` as the browser does."""

    def __init__(self, socket: websockets.ClientConnection) -> None:
        self.socket = socket
        self.applied: int | None = None
        self.highest = 0
        self.repairing = False
        self.snapshots = 0
        self.gaps = 0
        self.answers: dict[str, dict] = {}
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.socket:
            frame = json.loads(raw)
            if frame["kind"] == "snapshot":
                self.snapshots += 1
                self.applied = frame["seq"]
                self.repairing = False
            elif frame["kind"] in {"ack", "error"}:
                self.answers[frame["id"]] = frame
            for event in frame["events"] if frame["kind"] == "batch" else [frame]:
                if event["kind"] == "event":
                    await self._apply(event["seq"])

    async def _apply(self, seq: int) -> None:
        self.highest = max(self.highest, seq)
        if self.applied is None or seq <= self.applied:
            return
        if seq == self.applied + 1:
            self.applied = seq
            if self.applied >= self.highest:
                self.repairing = False
            return
        if not self.repairing:
            self.gaps += 1
            self.repairing = True
            await self.socket.send(json.dumps({"kind": "snapshot.request", "seq": self.applied}))

    async def command(self, type_: str, data: dict) -> str:
        key = str(uuid.uuid4())
        await self.socket.send(
            json.dumps({"kind": "command", "id": key, "type": type_, "data": data})
        )
        return key


async def until(predicate, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def commit_with_late_push(setup, held: list) -> None:
    """A message from the facilitator, committed now; its push to Redis is held back."""
    real = transaction.on_commit

    def hold(send, using=None, robust=False):
        real(lambda: held.append(send), using=using, robust=robust)

    broadcast.transaction.on_commit = hold
    try:
        services.summit_message_send(
            summit=setup.summit, by=setup.facilitator, text="Koffie staat klaar", now=timezone.now()
        )
    finally:
        broadcast.transaction.on_commit = real


async def test_event_late_at_the_other_process_reaches_every_screen_without_a_snapshot(
    daphne_cluster,
):
    setup = await sync_to_async(make_summit)(residents=40)
    token_of = sync_to_async(lambda user: core_services.api_token_for(user=user))

    async def open_screen(index: int, user) -> Screen:
        port = daphne_cluster[index % 2]
        token = await token_of(user)
        url = f"ws://127.0.0.1:{port}/ws/summits/{setup.summit.slug}/?token={token}"
        return Screen(await websockets.connect(url))

    control = await open_screen(0, setup.facilitator)
    hosts = [await open_screen(i, host) for i, host in enumerate(setup.hosts[:2])]
    watchers = [await open_screen(i, user) for i, user in enumerate(setup.residents)]
    screens = [control, *hosts, *watchers]
    try:
        await until(lambda: all(s.applied == 0 for s in screens), 10)
        for _ in range(2):  # to the table round, where tables write ideas
            await control.command("step.advance", {})
        await until(lambda: all(s.applied == 2 for s in screens), 10)

        # The burst: both tables send ideas as fast as they can, on both processes. In the
        # middle a committed event's push reaches Redis late, after events numbered later.
        keys = []
        for n in range(IDEAS_PER_HOST):
            for host in hosts:
                keys.append(await host.command("idea.create", {"text": f"Idee {n} voor Diemen"}))
            if n == IDEAS_PER_HOST // 3:
                held: list = []
                await sync_to_async(commit_with_late_push)(setup, held)
                late_at = time.monotonic() + LATE_SECONDS
            await asyncio.sleep(0.02)
        await asyncio.sleep(max(0.0, late_at - time.monotonic()))
        assert len(held) == 1
        await asyncio.to_thread(held[0])  # the late push, from a thread of no event loop

        final = 2 + len(keys) + 1
        await until(lambda: all(s.applied == final for s in screens), 20)
        answers = {key: frame for host in hosts for key, frame in host.answers.items()}
        assert sorted(answers) == sorted(keys)
        assert all(frame["kind"] == "ack" for frame in answers.values())
        # Every screen applied every event, and none of them needed a second snapshot.
        assert [s.snapshots for s in screens] == [1] * len(screens)
    finally:
        for screen in screens:
            await screen.socket.close()
