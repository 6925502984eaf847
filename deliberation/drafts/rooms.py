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
within ``updatelog.others_log_wait()``, because a process killed before its next write leaves its
editors' latest edits only in the other processes' documents (``docs/cowriting.md``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Doc, YMessageType, YSyncMessageType

from samenspel.live.hub import LocalSocket, hub
from samenspel.live.links import link_layer
from samenspel.live.loops import PerLoop

from . import protocol, selectors
from .services import draft_group
from .updatelog import RelayedEdits, UpdateLog

logger = logging.getLogger(__name__)

LINK_MESSAGE_TYPE = "draft.frames"


class DraftRoom:
    """One draft's shared document in this process: its local sockets and their presence,
    and the link to the same draft's rooms in other processes. ``log`` writes the update
    log; ``relayed`` keeps what those rooms sent here until they say it is logged."""

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
        self.log = UpdateLog(draft_id, slug, self.doc, on_written=self._written)
        self.presence: dict[int, protocol.AwarenessEntry] = {}
        self.sockets: set[LocalSocket] = set()
        self.outbox: list[bytes] = []
        self.outbox_edits: list[tuple[bytes, int | None]] = []  # for the log, if we die
        self.sender: asyncio.Task[None] | None = None
        self.logged = 0  # of the queued updates, how many the last successful write covers
        self.logged_said = 0  # the last ``logged`` told to the other processes
        self.relayed = RelayedEdits(self.log)  # what other processes' rooms sent here

    async def open(self) -> None:
        # Listen first, then read the log: whatever arrives meanwhile merges either way.
        await hub().join(self.group, self)
        if self.link is not None:
            self.link_channel = await self.link.new_channel()
            await self.link.group_add(self.link_group, self.link_channel)
            self.listener = asyncio.get_running_loop().create_task(self._listen())
        await self.log.catch_up()

    async def close(self) -> None:
        """Send and write what is pending, then stop listening (also when cancelled)."""
        try:
            if self.sender is not None:
                await self.sender
            await self.flush_all()
            if self.sender is not None:
                await self.sender  # tells the other processes what is logged now
            # Nobody is typing here any more: a compaction waiting for a quiet moment runs now.
            await self.log.close()
        finally:
            self.relayed.stop()
            await hub().leave(self.group, self)
            if self.link is not None and self.link_channel is not None:
                await self.link.group_discard(self.link_group, self.link_channel)
            if self.listener is not None:
                self.listener.cancel()
                # Waits for it to end without raising its CancelledError; a cancel of this
                # task itself still goes through (a suppress here would swallow that too).
                await asyncio.wait([self.listener])

    async def _listen(self) -> None:
        """Apply and relay what the same draft's rooms in other processes publish."""
        assert self.link is not None and self.link_channel is not None
        while True:
            message = await self.link.receive(self.link_channel)
            origin = message.get("room")
            if origin == self.hub_id:
                continue  # our own, back from Redis
            try:
                self.relayed.note(str(origin), message)
                await self.send(bytes_data=message.get("bytes"))
            except Exception:
                logger.exception("draft %s: could not take frames of another process", self.slug)

    def apply_local(self, update: bytes, author_id: int | None) -> None:
        """Apply an editor's update (ValueError if malformed) and queue it for the log."""
        self.doc.apply_update(update)
        if self.link is not None:
            # Sent with its frame, so the other processes can log it if this one dies.
            self.outbox_edits.append((update, author_id))
        self.log.queue(update, author_id)
        self.log.edited()

    def _written(self, stored: int) -> None:
        """The log holds the first ``stored`` edits queued here: tell the other processes,
        so they need not log them themselves."""
        if self.link is not None:
            self.logged = stored
            self._start_sender()

    async def flush_all(self) -> None:
        """Write the log now, with what other processes sent and did not say they logged yet
        (for a server that stops: it will not wait for them)."""
        self.relayed.log_all()
        await self.log.flush()

    async def ready_to_answer(self) -> None:
        """Before a sync answer: everything this room applied is in the log, its own editors'
        edits and the ones other processes sent (so a client that got its answer may lose
        any server), and the room has read the log at most ``catch_up_interval()`` ago.
        Answers asked for together share one reading."""
        await self.relayed.all_logged()
        await self.log.flush()
        await self.log.read_if_stale()

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
        holds (``logged``): a process that has not heard that within
        ``updatelog.others_log_wait()`` logs them itself."""
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
                    message["upto"] = self.log.queued
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
                        self.log.edited()
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
