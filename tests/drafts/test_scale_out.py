import asyncio
import contextlib
import os

import pytest
import redis
import websockets
from asgiref.sync import sync_to_async
from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from deliberation.drafts import selectors
from deliberation.drafts.protocol import parse_frame
from deliberation.drafts.selectors import TEXT_NAME
from samenspel import services as core_services
from samenspel.models import Role
from tests.drafts.factories import make_draft
from tests.factories import UserFactory

pytestmark = [pytest.mark.multiprocess, pytest.mark.django_db(transaction=True)]

TEXT = "# Omgevingsvisie\n\nDiemen groeit.\n"


class Peer:
    def __init__(self, socket) -> None:  # type: ignore[no-untyped-def]
        self.socket = socket
        self.doc: Doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)

    async def pump_until(self, done, timeout: float = 5) -> None:  # type: ignore[no-untyped-def]
        async with asyncio.timeout(timeout):
            while not done():
                data = await self.socket.recv()
                frame = parse_frame(data)
                if frame.kind == YMessageType.SYNC:
                    reply = handle_sync_message(data[1:], self.doc)
                    if reply is not None:
                        await self.socket.send(reply)

    async def sync(self) -> None:
        await self.socket.send(create_sync_message(self.doc))
        await self.pump_until(lambda: str(self.text) != "")

    async def roundtrip(self, timeout: float = 5) -> None:
        """Ask the server to sync and wait for its answer: what we sent before is stored."""
        await self.socket.send(create_sync_message(self.doc))
        async with asyncio.timeout(timeout):
            while True:
                data = await self.socket.recv()
                if data[:2] == bytes([YMessageType.SYNC, YSyncMessageType.SYNC_STEP2]):
                    return

    async def append(self, words: str) -> None:
        before = self.doc.get_state()
        self.text.insert(len(str(self.text)), words)
        await self.socket.send(create_update_message(self.doc.get_update(before)))


async def test_editors_on_two_daphne_processes_converge_and_the_log_agrees(daphne_cluster):
    draft = await sync_to_async(make_draft)(text=TEXT)
    editors = [await sync_to_async(UserFactory)(roles=[Role.EDITOR]) for _ in range(4)]
    tokens = [await sync_to_async(core_services.api_token_for)(user=e) for e in editors]
    sockets = [
        await websockets.connect(
            f"ws://127.0.0.1:{daphne_cluster[i % 2]}/ws/drafts/{draft.slug}?token={token}"
        )
        for i, token in enumerate(tokens)
    ]
    try:
        peers = [Peer(socket) for socket in sockets]
        for peer in peers:
            await peer.sync()
        for round_number in range(5):
            for index, peer in enumerate(peers):
                await peer.append(f"[{index}.{round_number}]")
        expected_parts = {f"[{i}.{r}]" for i in range(4) for r in range(5)}

        def complete(peer: Peer) -> bool:
            return all(part in str(peer.text) for part in expected_parts)

        await asyncio.gather(*(peer.pump_until(lambda p=peer: complete(p)) for peer in peers))
        texts = {str(peer.text) for peer in peers}
        assert len(texts) == 1
        # A newcomer on either process gets the same text from that process's document.
        for port in daphne_cluster:
            late = Peer(
                await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/drafts/{draft.slug}?token={tokens[0]}"
                )
            )
            try:
                await late.sync()
                await late.pump_until(lambda late=late: complete(late))
                assert str(late.text) in texts
            finally:
                await late.socket.close()
    finally:
        for socket in sockets:
            await socket.close()
    stored = await sync_to_async(selectors.draft_live_text)(draft)
    assert stored in texts


async def test_text_survives_a_server_restart(tmp_path):
    from tests.multiprocess import daphne_processes

    draft = await sync_to_async(make_draft)(text=TEXT)
    editor = await sync_to_async(UserFactory)(roles=[Role.EDITOR])
    token = await sync_to_async(core_services.api_token_for)(user=editor)
    url = f"/ws/drafts/{draft.slug}?token={token}"
    with daphne_processes(1, tmp_path) as ports:
        peer = Peer(await websockets.connect(f"ws://127.0.0.1:{ports[0]}{url}"))
        try:
            await peer.sync()
            await peer.append("Na de herstart nog hier.\n")
            # Updates are logged in the server's one database thread before it answers.
            await peer.roundtrip()
        finally:
            await peer.socket.close()
        expected = str(peer.text)
    # The old process is gone; a new one has never seen the draft.
    with daphne_processes(1, tmp_path) as ports:
        fresh = Peer(await websockets.connect(f"ws://127.0.0.1:{ports[0]}{url}"))
        try:
            await fresh.sync()
            assert str(fresh.text) == expected
        finally:
            await fresh.socket.close()


async def writer_and_watcher(ports: list[int]) -> tuple[Peer, Peer]:
    """Two editors of a new draft, one on each Daphne process, both synced."""
    draft = await sync_to_async(make_draft)(text=TEXT)
    writer, watcher = [await sync_to_async(UserFactory)(roles=[Role.EDITOR]) for _ in range(2)]
    urls = [
        f"ws://127.0.0.1:{port}/ws/drafts/{draft.slug}?token="
        + await sync_to_async(core_services.api_token_for)(user=user)
        for port, user in zip(ports, (writer, watcher), strict=True)
    ]
    first, second = [Peer(await websockets.connect(url)) for url in urls]
    await first.sync()
    await second.sync()
    return first, second


async def test_a_burst_of_edits_on_one_process_reaches_an_editor_on_the_other_live(
    daphne_cluster,
):
    first, second = await writer_and_watcher(daphne_cluster)
    try:
        # Sent without waiting, so they reach the other process in bundles.
        for number in range(200):
            await first.append(f"[{number}]")
        expected = str(first.text)
        # The watcher never asks to sync again: all of it came live from the other process.
        await second.pump_until(lambda: str(second.text) == expected, timeout=20)
    finally:
        await first.socket.close()
        await second.socket.close()


async def test_edits_reach_the_other_process_again_after_redis_dropped_its_connections(
    daphne_cluster,
):
    first, second = await writer_and_watcher(daphne_cluster)
    try:
        await first.append("Voor de storing.")
        await second.pump_until(lambda: "Voor de storing." in str(second.text))

        # The network between the servers and Redis drops every subscription.
        # Only the links on this run's Redis database: parallel test workers each use a
        # database of their own on the same Redis, and their servers keep their links.
        with redis.Redis.from_url(os.environ["REDIS_URL"]) as admin:
            database = admin.connection_pool.connection_kwargs.get("db", 0)
            links = [
                client
                for client in admin.client_list(_type="pubsub")
                if int(client["db"]) == database
            ]
            assert len(links) >= 2
            for link in links:
                admin.client_kill_filter(_id=link["id"])

        # What was typed while the link was down reaches the watcher at its next sync (the
        # editor asks every few seconds): the watcher's server reads it from the log.
        await first.append("[tijdens]")
        await asyncio.sleep(1.5)  # the writer's server logs it; the links connect again
        async with asyncio.timeout(20):
            while "[tijdens]" not in str(second.text):
                await second.socket.send(create_sync_message(second.doc))
                with contextlib.suppress(TimeoutError):
                    await second.pump_until(lambda: "[tijdens]" in str(second.text), timeout=1)

        # Edits typed after that reach the watcher live again: it does not ask to sync.
        await first.append("Klaar.")
        await second.pump_until(lambda: str(second.text) == str(first.text), timeout=10)
        assert "Voor de storing." in str(second.text)
    finally:
        await first.socket.close()
        await second.socket.close()


async def test_a_server_that_shuts_down_writes_the_edits_it_has_not_logged_yet(
    tmp_path, monkeypatch
):
    from tests.multiprocess import daphne_processes

    draft = await sync_to_async(make_draft)(text=TEXT)
    writer, watcher = [await sync_to_async(UserFactory)(roles=[Role.EDITOR]) for _ in range(2)]
    tokens = [await sync_to_async(core_services.api_token_for)(user=u) for u in (writer, watcher)]
    # This server writes the log only when a room closes.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "tests.drafts.settings_slow_log")
    with daphne_processes(1, tmp_path) as ports:
        url = f"ws://127.0.0.1:{ports[0]}/ws/drafts/{draft.slug}?token="
        first = Peer(await websockets.connect(url + tokens[0]))
        second = Peer(await websockets.connect(url + tokens[1]))
        await first.sync()
        await second.sync()
        await first.append("Vlak voor het onderhoud getypt.\n")
        expected = str(first.text)
        # The server has applied it (the other editor has it); now it is stopped while both
        # editors are still connected.
        await second.pump_until(lambda: str(second.text) == expected)
    assert await sync_to_async(selectors.draft_live_text)(draft) == expected
