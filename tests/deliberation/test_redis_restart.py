"""Redis restarts while summit screens are connected to two Daphne processes.

Redis forgets every group when it restarts, so a process's hub no longer gets the summit's
events. The test runs its own Redis (the suite's one must stay up for other tests), kills
it while screens are open, starts it again on the same port and checks what a person in
the hall would see: the idea a host sends afterwards appears on every screen, and every
screen ends as a fresh snapshot shows the summit, the idea sent while Redis was down
included. A site notice sent afterwards reaches every open page too.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from asgiref.sync import sync_to_async

from samenspel import services
from samenspel.models import Role
from tests.deliberation.factories import go_to_step, make_summit
from tests.factories import UserFactory
from tests.multiprocess import ROOT, daphne_processes, database_url_of_tests, free_port

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

# The goal: every screen back in step within 10 s of Redis answering again.
BACK_IN_STEP_SECONDS = 10


class RedisServer:
    """A Redis of this test's own on a loopback port, which it can kill and start again."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            done = subprocess.run(
                ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
            )
            if done.stdout.strip() == "PONG":
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """Gone at once, as after a crash: no shutdown, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def cluster_on_own_redis(
    own_redis: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[int]]:
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{own_redis.port}/0")
    with daphne_processes(2, tmp_path) as ports:
        yield ports


class Screen:
    """What a summit screen shows, kept by the client's rules (docs/live-protocol.md)."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.seq: int | None = None
        self.ideas: dict[int, str] = {}  # ideas shown with their text
        self.count = 0  # the idea counter every screen shows
        self.acks: dict[str, dict[str, Any]] = {}

    def take_snapshot(self, frame: dict[str, Any]) -> None:
        self.seq = frame["seq"]
        self.ideas = {idea["id"]: idea["text"] for idea in frame["data"]["ideas"]}
        self.count = frame["data"]["counts"]["ideas"]

    async def take(self, frame: dict[str, Any]) -> None:
        if frame["kind"] == "snapshot":
            self.take_snapshot(frame)
        elif frame["kind"] in {"ack", "error"}:
            self.acks[frame["id"]] = frame
        for event in frame["events"] if frame["kind"] == "batch" else [frame]:
            if event.get("kind") != "event" or self.seq is None or event["seq"] <= self.seq:
                continue
            if event["seq"] > self.seq + 1:  # a gap: ask for a snapshot, as clients do
                self.seq = None
                await self.socket.send(json.dumps({"kind": "snapshot.request"}))
                continue
            self.seq = event["seq"]
            if event["type"] == "idea.created":
                self.count += 1
                if "text" in event["data"]:
                    self.ideas[event["data"]["id"]] = event["data"]["text"]

    async def until(self, done: Any, seconds: float) -> None:
        """Read frames until ``done(self)``; fail after ``seconds``."""
        async with asyncio.timeout(seconds):
            while not done(self):
                await self.take(json.loads(await self.socket.recv()))

    async def command(self, type_: str, data: dict[str, Any]) -> dict[str, Any]:
        key = str(uuid.uuid4())
        await self.socket.send(
            json.dumps({"kind": "command", "id": key, "type": type_, "data": data})
        )
        await self.until(lambda screen: key in screen.acks, 30)
        assert self.acks[key]["kind"] == "ack", self.acks[key]
        return self.acks[key]["result"]


async def fresh_snapshot(url: str) -> dict[str, Any]:
    async with websockets.connect(url) as socket:
        frame = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert frame["kind"] == "snapshot"
        return frame


async def test_after_a_redis_restart_every_screen_gets_the_next_idea(
    cluster_on_own_redis, own_redis
):
    setup = await sync_to_async(make_summit)(residents=8)
    await sync_to_async(go_to_step)(setup.summit, "table_round")
    await sync_to_async(UserFactory)(username="beheer", roles=[Role.ADMINISTRATOR])
    token_of = sync_to_async(lambda user: services.api_token_for(user=user))
    host_token = await token_of(setup.hosts[0])
    watcher_tokens = [await token_of(user) for user in [*setup.residents, setup.facilitator]]
    ports = cluster_on_own_redis

    def url(index: int, token: str) -> str:
        port = ports[index // 2 % 2]  # both tables' screens on both processes
        return f"ws://127.0.0.1:{port}/ws/summits/{setup.summit.slug}/?token={token}"

    sockets = [await websockets.connect(url(i, t)) for i, t in enumerate(watcher_tokens)]
    site_sockets = [
        await websockets.connect(f"ws://127.0.0.1:{ports[i % 2]}/ws/site/?token={token}")
        for i, token in enumerate(watcher_tokens[:4])
    ]
    host_socket = await websockets.connect(url(0, host_token))
    screens = [Screen(socket) for socket in sockets]
    host = Screen(host_socket)
    try:
        for screen in [*screens, host]:
            await screen.until(lambda s: s.seq is not None, 10)
        await host.command("idea.create", {"text": "Meer bankjes in het Diemerpark"})
        for screen in screens:
            await screen.until(lambda s: s.count == 1, 10)

        own_redis.kill()
        # Commands are still carried out and acknowledged: the database holds the truth.
        during = await host.command("idea.create", {"text": "Een pont naar IJburg"})
        await asyncio.sleep(2)  # Redis stays away for a while, as in the hall
        own_redis.start()

        after = await host.command("idea.create", {"text": "Langer open bibliotheek"})
        # Within 10 s every screen counts three ideas, and shows what a fresh snapshot shows
        # the same person: the ideas of their table (of all tables for the facilitator).
        final = await fresh_snapshot(url(0, watcher_tokens[-1]))
        assert final["data"]["counts"]["ideas"] == 3
        assert {during["idea"], after["idea"]} <= {i["id"] for i in final["data"]["ideas"]}
        for screen in [*screens, host]:
            await screen.until(lambda s: s.seq == final["seq"], BACK_IN_STEP_SECONDS)
        for index, (screen, token) in enumerate(zip(screens, watcher_tokens, strict=True)):
            fresh = await fresh_snapshot(url(index, token))
            assert fresh["seq"] == final["seq"]
            assert screen.count == 3
            assert screen.ideas == {i["id"]: i["text"] for i in fresh["data"]["ideas"]}
        assert {during["idea"], after["idea"]} <= set(host.ideas)

        # The site channel uses the same hub: a notice sent now reaches every open page.
        env = {**os.environ, "DATABASE_URL": await sync_to_async(database_url_of_tests)()}
        env["REDIS_URL"] = f"redis://127.0.0.1:{own_redis.port}/0"
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "manage.py", "site_notice", "Koffie in de foyer", "--as", "beheer"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        for socket in site_sockets:
            frame = json.loads(await asyncio.wait_for(socket.recv(), 5))
            assert frame["data"]["text"] == "Koffie in de foyer"
    finally:
        for socket in [*sockets, *site_sockets, host_socket]:
            await socket.close()


async def test_after_a_redis_restart_poll_pages_show_the_turnout_of_a_ballot_cast_meanwhile(
    cluster_on_own_redis, own_redis
):
    from voting import services as voting
    from voting.models import Method

    def open_poll() -> tuple[Any, list[Any]]:
        manager = UserFactory(roles=[Role.FACILITATOR])
        people = [UserFactory() for _ in range(3)]
        poll = voting.poll_create(
            title="Welk thema eerst?",
            method=Method.IRV,
            options=[voting.OptionSpec(name) for name in ("Groen", "Wonen", "Jeugd")],
            eligible=people,
            by=manager,
        )
        voting.poll_open(poll=poll, by=manager)
        return poll, [*people, manager]

    poll, viewers = await sync_to_async(open_poll)()
    tokens = [await sync_to_async(services.api_token_for)(user=user) for user in viewers]
    ports = cluster_on_own_redis
    pages = [
        await websockets.connect(f"ws://127.0.0.1:{ports[i % 2]}/ws/polls/{poll.pk}/?token={t}")
        for i, t in enumerate(tokens)
    ]
    try:
        for page in pages:
            frame = json.loads(await asyncio.wait_for(page.recv(), 10))
            assert frame["kind"] == "snapshot" and frame["data"]["voted"] == 0

        own_redis.kill()
        # The turnout push of this ballot reaches no server: Redis is gone.
        await sync_to_async(voting.ballot_cast)(poll=poll, participant=viewers[0], choice=["2"])
        await asyncio.sleep(2)
        own_redis.start()

        for page in pages:
            async with asyncio.timeout(BACK_IN_STEP_SECONDS):
                while True:
                    frame = json.loads(await page.recv())
                    if frame["data"].get("voted") == 1:
                        break
    finally:
        for page in pages:
            await page.close()
