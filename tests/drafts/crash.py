"""Editors typing through several Daphne processes while one is killed, and what they saw
confirmed; shared by the crash test and ``bench/faults/cowrite_kill.py``.

An editor behaves like the browser's y-websocket provider: it asks to sync (step 1) when it
connects and every ``resync`` seconds, answers the server's step 1 with what the server
lacks (step 2), keeps typing while it is disconnected, and connects to the next server when
its own goes away (what the reverse proxy does). Every edit inserts a token such as
``[e2.17]`` right after another token or at either end, so edits build on each other's
text and every token stays whole.

An edit is *confirmed* to an editor (``docs/cowriting.md``) when the editor gets the answer
(step 2) to a step 1 it sent on a connection over which, before that step 1, it had sent
the edit or received it. Once the editor has answered the server's step 1 on a connection,
everything it holds counts as sent or received on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import signal
import subprocess
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websockets
from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from deliberation.drafts.protocol import parse_frame
from deliberation.drafts.selectors import TEXT_NAME
from tests.multiprocess import free_port, start_daphne, wait_for_port

TEXT = "Diemen schrijft samen.\n"
TOKEN = re.compile(r"\[e\d+\.\d+\]")


def tokens_in(text: str) -> set[str]:
    return set(TOKEN.findall(text))


@dataclass
class Editor:
    name: str
    urls: list[str]  # its own server first, then the others, as a proxy would fail over
    rng: random.Random
    doc: Doc = field(default_factory=Doc)
    typed: list[str] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)
    reconnects: int = 0
    socket: Any = None
    server: int = 0  # index in ``urls`` of the server it is connected to
    # Per connection: what was sent or received on it, and the step 1s not yet answered.
    on_connection: set[str] = field(default_factory=set)
    introduced: bool = False
    asked: deque[frozenset[str]] = field(default_factory=deque)
    reader: asyncio.Task[None] | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.text = self.doc.get(TEXT_NAME, type=Text)

    async def connect(self, deadline: float) -> None:
        """Connect to the first server in turn that takes the connection, and ask to sync."""
        loop = asyncio.get_running_loop()
        while True:
            url = self.urls[self.server]
            try:
                socket = await websockets.connect(url, open_timeout=2, max_size=None)
                break
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException):
                if loop.time() > deadline:
                    raise
                self.server = (self.server + 1) % len(self.urls)
                await asyncio.sleep(0.05)
        self.socket = socket
        self.on_connection, self.introduced = set(), False
        self.asked.clear()
        self.reader = loop.create_task(self._read(socket))
        await self.ask()

    def holding(self) -> frozenset[str]:
        return frozenset(tokens_in(str(self.text)) if self.introduced else self.on_connection)

    async def ask(self) -> None:
        """Send step 1; its answer confirms what this connection had carried by now."""
        if self.socket is None:
            return
        self.asked.append(self.holding())
        with contextlib.suppress(websockets.exceptions.ConnectionClosed):
            await self.socket.send(create_sync_message(self.doc))

    async def _read(self, socket: Any) -> None:
        try:
            async for data in socket:
                frame = parse_frame(data)
                if frame.kind != YMessageType.SYNC:
                    continue
                before = tokens_in(str(self.text))
                reply = handle_sync_message(data[1:], self.doc)
                if reply is not None:
                    await socket.send(reply)
                if frame.sync_type == YSyncMessageType.SYNC_STEP1:
                    self.introduced = True
                self.on_connection |= tokens_in(str(self.text)) - before
                if frame.sync_type == YSyncMessageType.SYNC_STEP2 and self.asked:
                    self.confirmed |= self.asked.popleft()
                    self.answered.set()
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            if self.socket is socket:
                self.socket = None  # the server went away: unanswered step 1s confirm nothing
                self.asked.clear()

    async def type_one(self) -> None:
        """Insert a new token after another token or at either end; send it if connected."""
        current = str(self.text)
        places = [0, len(current)] + [m.end() for m in TOKEN.finditer(current)]
        token = f"[{self.name}.{len(self.typed)}]"
        before = self.doc.get_state()
        self.text.insert(self.rng.choice(places), token)  # ASCII only: bytes are characters
        self.typed.append(token)
        if self.socket is not None:
            with contextlib.suppress(websockets.exceptions.ConnectionClosed):
                await self.socket.send(create_update_message(self.doc.get_update(before)))
                self.on_connection.add(token)

    async def type_until(self, until: float, rate: float, resync: float) -> None:
        """Type ``rate`` tokens a second and ask to sync every ``resync`` seconds until loop
        time ``until``, connecting again when the server goes away."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(self.rng.random() / rate)
        next_ask = loop.time() + resync * self.rng.random()
        while loop.time() < until:
            if self.socket is None:
                self.reconnects += 1
                self.server = (self.server + 1) % len(self.urls)
                await self.connect(deadline=loop.time() + 10)
            await self.type_one()
            if loop.time() >= next_ask:
                next_ask += resync
                await self.ask()
            await asyncio.sleep(1 / rate)

    async def settle(self, timeout: float = 15) -> None:
        """Ask to sync once more and wait for every answer, reconnecting if needed."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            while True:
                if self.socket is None:
                    self.reconnects += 1
                    self.server = (self.server + 1) % len(self.urls)
                    await self.connect(deadline=loop.time() + 10)
                await self.ask()
                while self.asked and self.socket is not None:
                    self.answered.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.answered.wait(), 0.5)
                if self.socket is not None:
                    return

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
        if self.reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader


@dataclass
class KillRun:
    victim: int | None  # index of the killed process
    killed_after: float  # seconds of typing before the kill
    typed: int
    confirmed: set[str]
    confirmed_before_kill: set[str]  # what the editors had seen confirmed at the kill
    texts: set[str]  # the editors' texts at the end (one when they converged)
    reconnects: int


async def type_through_a_kill(
    *,
    editors: list[Editor],
    processes: list[subprocess.Popen[bytes]],
    victim: int | None,
    kill_after: float,
    type_after: float,
    rate: float = 8.0,
    resync: float = 5.0,
) -> KillRun:
    """Connect the editors, let them type, SIGKILL ``processes[victim]`` (unless None) after
    ``kill_after`` seconds, let them type ``type_after`` seconds more, then ask each to sync
    once more.

    The editors stay connected when this returns: read the stored text, then close them.
    """
    loop = asyncio.get_running_loop()
    for editor in editors:
        await editor.connect(deadline=loop.time() + 10)
    for editor in editors:
        await editor.settle()
    until = loop.time() + kill_after + type_after
    typing = [
        loop.create_task(editor.type_until(until, rate=rate, resync=resync)) for editor in editors
    ]
    await asyncio.sleep(kill_after)
    if victim is not None:
        processes[victim].send_signal(signal.SIGKILL)
    before_kill = set().union(*(editor.confirmed for editor in editors))
    if victim is not None:
        processes[victim].wait()
    await asyncio.gather(*typing)
    for editor in editors:
        await editor.settle()
    return KillRun(
        victim=victim,
        killed_after=kill_after,
        typed=sum(len(editor.typed) for editor in editors),
        confirmed=set().union(*(editor.confirmed for editor in editors)),
        confirmed_before_kill=before_kill,
        texts={str(editor.text) for editor in editors},
        reconnects=sum(editor.reconnects for editor in editors),
    )


def editors_for(slug: str, tokens: list[str], ports: list[int], rng: random.Random) -> list[Editor]:
    """One editor per API token, spread over the servers in turn."""
    editors = []
    for index, token in enumerate(tokens):
        urls = [
            f"ws://127.0.0.1:{ports[(index + step) % len(ports)]}/ws/drafts/{slug}?token={token}"
            for step in range(len(ports))
        ]
        editors.append(Editor(name=f"e{index}", urls=urls, rng=random.Random(rng.random())))
    return editors


@contextmanager
def killable_daphnes(
    count: int, env: dict[str, str], log_dir: Path
) -> Iterator[tuple[list[subprocess.Popen[bytes]], list[int]]]:
    """Start ``count`` Daphne processes on loopback; yield them and their ports; stop the
    ones still running at the end."""
    ports = [free_port() for _ in range(count)]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for index, port in enumerate(ports):
            processes.append(start_daphne(port, env, log_dir / f"daphne-{index}-{port}.log"))
        for process, port in zip(processes, ports, strict=True):
            wait_for_port(process, port, 30)
        yield processes, ports
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
