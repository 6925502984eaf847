"""One shared pycrdt document per draft per server process, kept in step over Redis.

The room holds the draft's local sockets. A frame from a local socket is relayed to the
other local sockets at once, from memory, and published to the same draft's rooms in the
other processes (``link_layer``: Redis pub/sub); they apply it and relay it to their
sockets. The room is also the process's only member of the draft's hub group, so frames a
service broadcasts (an accepted amendment) reach every room. The database log is the source
of truth; a room catches up from it when it opens and whenever a client asks to sync.

Relaying comes before logging (a keystroke must not wait for the database), so a sync answer
is what confirms an edit: a room answers once everything its document held when the
question came is in the log, the edits other processes sent included. Those processes say
when they have logged what they sent; a room logs itself what one of them has not confirmed
within ``others_log_wait()``, because a process killed before its next write leaves its
editors' latest edits only in the other processes' documents (``docs/cowriting.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone
from pycrdt import Doc, YMessageType, YSyncMessageType

from samenspel.live.hub import LocalSocket, hub
from samenspel.live.links import link_layer
from samenspel.live.loops import PerLoop

from . import protocol, selectors, services
from .services import draft_group

logger = logging.getLogger(__name__)

LINK_MESSAGE_TYPE = "draft.frames"


def save_interval() -> float:
    """Seconds between writes of the update log (``DRAFT_SAVE_INTERVAL``, 0.25). A killed
    process loses at most this much of its log, and nothing it confirmed: the other
    processes log what it relayed to them, the browsers send what it did not relay when
    they reconnect. A server that shuts down writes what it has first."""
    return float(getattr(settings, "DRAFT_SAVE_INTERVAL", 0.25))


def compact_quiet() -> float:
    """Seconds without edits in a room before it compacts a log that has grown past
    ``COMPACT_AFTER`` (``DRAFT_COMPACT_QUIET``, 2.0). Compacting merges the log in the
    database thread (3.5 ms for 500 updates on a 6,000-word draft, 22 ms for 2,000, holding
    the GIL), and keystrokes relayed meanwhile wait for it. A room that is never quiet
    compacts at ``COMPACT_BUSY_FACTOR`` times ``COMPACT_AFTER``, and a room that closes
    compacts first."""
    return float(getattr(settings, "DRAFT_COMPACT_QUIET", 2.0))


def catch_up_interval() -> float:
    """Seconds a room's reading of the log counts as fresh for a sync answer
    (``DRAFT_CATCH_UP_INTERVAL``, 1.0). The log only holds what some room or service also
    sent to this room, so the reading is a safety net for a message that got lost; with
    editors re-syncing every few seconds, reading it for every answer was ten queries a
    second in the database thread, each holding up the relay of keystrokes."""
    return float(getattr(settings, "DRAFT_CATCH_UP_INTERVAL", 1.0))


def others_log_wait() -> float:
    """Seconds a room waits for the room of another process to say it has logged the edits
    it sent (``DRAFT_OTHERS_LOG_WAIT``, 1.0), before logging them itself. That room writes its
    log every ``save_interval()`` and says so at once; a killed one never does."""
    return float(getattr(settings, "DRAFT_OTHERS_LOG_WAIT", 1.0))


@dataclass
class Unlogged:
    """Edits the room of another process sent, kept until it says they are in the log."""

    upto: int  # that room's count of queued updates when it sent them
    updates: list[tuple[bytes, int | None]]  # (update, author id)
    arrived: float  # loop time


class DraftRoom:
    def __init__(self, draft_id: int, slug: str) -> None:
        self.draft_id = draft_id
        self.slug = slug
        self.group = draft_group(slug)
        # Unique per room: how the room knows its own messages when Redis echoes them back.
        self.hub_id = f"room:{slug}:{uuid.uuid4().hex}"
        self.link = link_layer("drafts")  # to the same draft's rooms in other processes
        self.link_group = f"draft{draft_id}"
        self.link_channel: str | None = None
        self.listener: asyncio.Task[None] | None = None
        self.doc: Doc = Doc()
        self.applied_id = 0
        self.caught_up_at: float | None = None  # loop time the last reading of the log began
        self.reading: asyncio.Future[None] | None = None
        self.presence: dict[int, protocol.AwarenessEntry] = {}
        self.sockets: set[LocalSocket] = set()
        self.unsaved: list[tuple[bytes, int | None]] = []
        self.saver: asyncio.Task[None] | None = None
        self.outbox: list[bytes] = []
        self.outbox_edits: list[tuple[bytes, int | None]] = []  # for the log, if we die
        self.sender: asyncio.Task[None] | None = None
        self.logged = 0  # of the queued updates, how many the last successful write covers
        self.logged_said = 0  # the last ``logged`` told to the other processes
        # What other processes' rooms sent and have not said they logged, per room.
        self.unlogged: dict[str, deque[Unlogged]] = {}
        self.unlogged_changed = asyncio.Event()
        self.keeper: asyncio.Task[None] | None = None  # logs what they leave unlogged
        self.unchecked = 0  # updates stored since the room last asked about compacting
        self.queued = 0  # updates queued for the log so far
        self.stored = 0  # of those, how many the saver has handled
        self.flush_now = asyncio.Event()
        self.batch_done = asyncio.Event()
        self.active_at = 0.0  # loop time of the last edit applied, local or from elsewhere
        self.compactor: asyncio.Task[None] | None = None  # waiting for a quiet moment
        self.compact_now = asyncio.Event()

    async def open(self) -> None:
        # Listen first, then read the log: whatever arrives meanwhile merges either way.
        await hub().join(self.group, self)
        if self.link is not None:
            self.link_channel = await self.link.new_channel()
            await self.link.group_add(self.link_group, self.link_channel)
            self.listener = asyncio.get_running_loop().create_task(self._listen())
        await self.catch_up()

    async def close(self) -> None:
        """Send and write what is pending, then stop listening (also when cancelled)."""
        try:
            if self.sender is not None:
                await self.sender
            await self.flush_all()
            if self.sender is not None:
                await self.sender  # tells the other processes what is logged now
            if self.compactor is not None:
                # Nobody is typing here any more: the waiting compaction runs now.
                self.compact_now.set()
                await self.compactor
        finally:
            if self.keeper is not None:
                self.keeper.cancel()
            await hub().leave(self.group, self)
            if self.link is not None and self.link_channel is not None:
                await self.link.group_discard(self.link_group, self.link_channel)
            if self.listener is not None:
                self.listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self.listener

    async def _listen(self) -> None:
        """Apply and relay what the same draft's rooms in other processes publish."""
        assert self.link is not None and self.link_channel is not None
        while True:
            message = await self.link.receive(self.link_channel)
            origin = message.get("room")
            if origin == self.hub_id:
                continue  # our own, back from Redis
            try:
                self._note_unlogged(str(origin), message)
                await self.send(bytes_data=message.get("bytes"))
            except Exception:
                logger.exception("draft %s: could not take frames of another process", self.slug)

    def _note_unlogged(self, origin: str, message: dict[str, Any]) -> None:
        """Keep the edits another process's room sent until it says they are logged."""
        loop = asyncio.get_running_loop()
        edits = message.get("edits")
        if edits:
            kept = Unlogged(
                upto=int(message["upto"]),
                updates=[(bytes(update), author_id) for update, author_id in edits],
                arrived=loop.time(),
            )
            self.unlogged.setdefault(origin, deque()).append(kept)
            if self.keeper is None:
                self.keeper = loop.create_task(self._keep_unlogged())
        pending = self.unlogged.get(origin)
        logged = message.get("logged")
        if pending and logged is not None:
            while pending and pending[0].upto <= logged:
                pending.popleft()
            if not pending:
                del self.unlogged[origin]
            self._unlogged_changed()

    def _unlogged_changed(self) -> None:
        changed, self.unlogged_changed = self.unlogged_changed, asyncio.Event()
        changed.set()

    async def _keep_unlogged(self) -> None:
        """Log what other processes sent and did not say they logged within
        ``others_log_wait()``: its editors have it, and its process may be gone."""
        loop = asyncio.get_running_loop()
        try:
            while self.unlogged:
                oldest = min(pending[0].arrived for pending in self.unlogged.values())
                wait = oldest + others_log_wait() - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                else:
                    self._log_unlogged(arrived_before=loop.time() - others_log_wait())
        finally:
            self.keeper = None

    def _log_unlogged(self, arrived_before: float | None = None) -> None:
        """Queue for our own log what other processes sent (before ``arrived_before``) and
        have not said they logged. Logged twice it is harmless: updates merge."""
        for origin, pending in list(self.unlogged.items()):
            while pending and (arrived_before is None or pending[0].arrived <= arrived_before):
                for update, author_id in pending.popleft().updates:
                    self._queue(update, author_id)
            if not pending:
                del self.unlogged[origin]
        self._unlogged_changed()

    async def _others_logged(self) -> None:
        """Return once what other processes sent before the call is in the log or queued for
        ours: they said they logged it, or ``_keep_unlogged`` took it over."""
        targets = {origin: pending[-1].upto for origin, pending in self.unlogged.items()}
        loop = asyncio.get_running_loop()
        while True:
            waiting = False
            for origin, upto in targets.items():
                pending = self.unlogged.get(origin)
                waiting = waiting or bool(pending and pending[0].upto <= upto)
            if not waiting:
                return
            try:
                await asyncio.wait_for(self.unlogged_changed.wait(), others_log_wait())
            except TimeoutError:
                # Not left to the keeper alone: an answer must never wait for good.
                self._log_unlogged(arrived_before=loop.time() - others_log_wait())

    def apply_local(self, update: bytes, author_id: int | None) -> None:
        """Apply an editor's update (ValueError if malformed) and queue it for the log."""
        self.doc.apply_update(update)
        if self.link is not None:
            # Sent with its frame, so the other processes can log it if this one dies.
            self.outbox_edits.append((update, author_id))
        self._queue(update, author_id)
        self.active_at = asyncio.get_running_loop().time()

    def _queue(self, update: bytes, author_id: int | None) -> None:
        self.unsaved.append((update, author_id))
        self.queued += 1
        if self.saver is None:
            self.saver = asyncio.get_running_loop().create_task(self._save())

    async def _save(self) -> None:
        """Write queued updates in batches, at most every SAVE_INTERVAL: while one batch is
        written the next gathers. The writes run in the database thread and hold the GIL
        while the ORM works; written per keystroke they slowed the relay of every edit."""
        try:
            while self.unsaved:
                if not self.flush_now.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.flush_now.wait(), save_interval())
                self.flush_now.clear()
                batch, self.unsaved = self.unsaved, []
                self.unchecked += len(batch)
                check = self.unchecked >= services.compact_check_every()
                if check:
                    self.unchecked = 0
                pending = None
                written = False
                try:
                    pending = await database_sync_to_async(services.draft_updates_store)(
                        draft_id=self.draft_id,
                        updates=batch,
                        now=timezone.now(),
                        compact_check=check,
                        compact=False,
                    )
                    written = True
                except Exception:
                    # Clients still hold these edits and send them again when they re-sync.
                    logger.exception("draft %s: could not store %d updates", self.slug, len(batch))
                if pending is not None and pending >= services.COMPACT_AFTER:
                    if pending >= services.COMPACT_AFTER * services.COMPACT_BUSY_FACTOR:
                        self.compact_now.set()  # far too long: do not wait for a quiet moment
                    if self.compactor is None:
                        loop = asyncio.get_running_loop()
                        self.compactor = loop.create_task(self._compact_when_quiet())
                self.stored += len(batch)
                if written and self.link is not None:
                    # Tell the other processes, so they need not log these themselves.
                    self.logged = self.stored
                    self._start_sender()
                done, self.batch_done = self.batch_done, asyncio.Event()
                done.set()
        finally:
            self.saver = None

    async def _compact_when_quiet(self) -> None:
        """Compact once nobody has edited for ``compact_quiet()`` seconds, or at once when the
        saver finds the log far too long; the room has one such task at a time."""
        loop = asyncio.get_running_loop()
        try:
            while (wait := self.active_at + compact_quiet() - loop.time()) > 0:
                if self.compact_now.is_set():
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.compact_now.wait(), wait)
            await self._compact()
        finally:
            self.compact_now.clear()  # also if the saver asked again meanwhile: this was it
            self.compactor = None

    async def _compact(self) -> None:
        """Write what the room holds, then fold the log into a snapshot (``draft_compact``)."""
        try:
            await self.flush()
            await database_sync_to_async(services.draft_compact)(
                draft_id=self.draft_id, now=timezone.now()
            )
        except Exception:
            # The log stays as it is; the next check tries again.
            logger.exception("draft %s: could not compact the log", self.slug)

    async def flush_all(self) -> None:
        """``flush``, with what other processes sent and did not say they logged yet (for
        a room that closes or a server that stops: it will not wait for them)."""
        self._log_unlogged()
        await self.flush()

    async def flush(self) -> None:
        """Return once every update queued for the log before the call is in it (or failed)."""
        target = self.queued
        while self.stored < target and self.saver is not None:
            self.flush_now.set()
            await self.batch_done.wait()

    async def catch_up(self) -> None:
        """Apply what the log holds past what this room has read of it."""
        self.caught_up_at = asyncio.get_running_loop().time()
        chunks, last = await database_sync_to_async(selectors.draft_updates_since)(
            self.draft_id, self.applied_id
        )
        for chunk in chunks:
            self.doc.apply_update(chunk)
        self.applied_id = max(self.applied_id, last)

    async def ready_to_answer(self) -> None:
        """Before a sync answer: everything this room applied is in the log, its own editors'
        edits and the ones other processes sent (so a client that got its answer may lose
        any server), and the room has read the log at most ``catch_up_interval()`` ago.
        Answers asked for together share one reading."""
        await self._others_logged()
        await self.flush()
        loop = asyncio.get_running_loop()
        if self.reading is None:
            fresh = self.caught_up_at is not None and (
                loop.time() - self.caught_up_at < catch_up_interval()
            )
            if fresh:
                return
            self.reading = reading = loop.create_task(self.catch_up())
            reading.add_done_callback(self._read)
        await asyncio.shield(self.reading)

    def _read(self, reading: asyncio.Future[None]) -> None:
        if self.reading is reading:
            self.reading = None

    def text(self) -> str:
        return str(selectors.live_text_of(self.doc))

    def presence_frame(self) -> bytes | None:
        live = [entry for entry in self.presence.values() if entry.state != "null"]
        return protocol.awareness_frame(live) if live else None

    def note_presence(self, entries: list[protocol.AwarenessEntry]) -> None:
        for entry in entries:
            known = self.presence.get(entry.client_id)
            if known is not None and known.clock > entry.clock:
                continue
            if entry.state == "null":
                self.presence.pop(entry.client_id, None)
            else:
                self.presence[entry.client_id] = entry

    async def relay(self, frame: bytes, skip: LocalSocket | None = None) -> None:
        """Write one frame to every local socket but ``skip`` (the sender)."""
        for socket in list(self.sockets):
            if socket is skip:
                continue
            try:
                await socket.send(bytes_data=frame)
            except Exception:
                logger.warning(
                    "draft %s: dropping a socket that could not be written to", self.slug
                )
                self.sockets.discard(socket)

    async def publish(self, frame: bytes, skip: LocalSocket | None = None) -> None:
        """A frame from a local socket: to the same draft's rooms in the other processes and
        to the other local sockets.

        The sender task is started first: its publish then reaches Redis before this turn's
        socket writes to the local editors go out (``wire.write_together`` writes them at the
        end of the turn, about 30 µs each), instead of after all of them.
        """
        if self.link is not None:
            self.outbox.append(frame)
            self._start_sender()
        await self.relay(frame, skip)

    def _start_sender(self) -> None:
        if self.sender is None:
            self.sender = asyncio.get_running_loop().create_task(self._send_out())

    async def _send_out(self) -> None:
        """Send queued frames to the other processes, off the writers' frame loops: all that
        queued while the previous message was on its way go out as one bundle, in order.

        A message also carries this room's editors' updates in it for the log (``edits``,
        ``upto``: the count of updates queued here so far), and how many of those the log
        holds (``logged``): a process that has not heard that within ``others_log_wait()``
        logs them itself."""
        assert self.link is not None
        try:
            while self.outbox or self.outbox_edits or self.logged > self.logged_said:
                frames, self.outbox = self.outbox, []
                edits, self.outbox_edits = self.outbox_edits, []
                message: dict[str, Any] = {
                    "type": LINK_MESSAGE_TYPE,
                    "room": self.hub_id,
                    "logged": self.logged,
                }
                if frames:
                    message["bytes"] = frames[0] if len(frames) == 1 else protocol.bundle(frames)
                if edits:
                    message["edits"] = [list(edit) for edit in edits]
                    message["upto"] = self.queued
                self.logged_said = self.logged
                try:
                    await self.link.group_send(self.link_group, message)
                except Exception:
                    # The other processes' clients get them at their next sync.
                    logger.exception("draft %s: could not reach the other processes", self.slug)
        finally:
            self.sender = None

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Frames of the other processes' rooms (a bundle) and of services (from the hub)."""
        if bytes_data is None:
            return
        try:
            frames = protocol.unbundle(bytes_data)
        except protocol.ProtocolError:
            logger.warning("draft %s: ignored a malformed group message", self.slug)
            return
        for data in frames:
            try:
                frame = protocol.parse_frame(data)
                if frame.kind == YMessageType.SYNC:
                    if frame.sync_type != YSyncMessageType.SYNC_STEP1:
                        self.doc.apply_update(frame.payload)
                        self.active_at = asyncio.get_running_loop().time()
                elif frame.kind == YMessageType.AWARENESS:
                    self.note_presence(protocol.parse_awareness(frame.payload))
            except (protocol.ProtocolError, ValueError):
                logger.warning("draft %s: ignored a malformed group frame", self.slug)
                continue
            await self.relay(data)


@dataclass
class _Rooms:
    """The open rooms of one process, by slug; the lock orders opening and closing them."""

    rooms: dict[str, DraftRoom] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    written_at_shutdown: bool = False  # see ``_write_logs_before_shutdown``


_open_rooms: PerLoop[_Rooms] = PerLoop(lambda loop: _Rooms())


def _write_logs_before_shutdown(registry: _Rooms) -> None:
    """Under Daphne: before the server stops, every open room writes its pending log.

    Daphne stops by cancelling its consumers, so rooms would not close; and while any
    connection has no application yet (an idle HTTP connection, a health check), its
    cancelling fails and the consumers are not even told. Twisted's shutdown waits for
    what a "before shutdown" trigger returns, so the rooms are flushed from there.
    """
    reactor: Any = sys.modules.get("twisted.internet.reactor")
    if reactor is None or not getattr(reactor, "running", False) or registry.written_at_shutdown:
        return
    registry.written_at_shutdown = True
    from twisted.internet import defer

    def write_logs() -> Any:
        rooms = list(registry.rooms.values())
        writes = asyncio.gather(*(room.flush_all() for room in rooms), return_exceptions=True)
        return defer.Deferred.fromFuture(writes)

    reactor.addSystemEventTrigger("before", "shutdown", write_logs)


async def room_enter(draft_id: int, slug: str, socket: LocalSocket) -> DraftRoom:
    registry = _open_rooms.get()
    async with registry.lock:
        room = registry.rooms.get(slug)
        if room is None:
            _write_logs_before_shutdown(registry)
            room = DraftRoom(draft_id, slug)
            await room.open()
            registry.rooms[slug] = room
        room.sockets.add(socket)
        return room


async def room_leave(room: DraftRoom, socket: LocalSocket) -> None:
    registry = _open_rooms.get()
    async with registry.lock:
        room.sockets.discard(socket)
        if not room.sockets and registry.rooms.get(room.slug) is room:
            del registry.rooms[room.slug]
            await room.close()
