"""The one way a service reaches live screens: broadcast after commit, fanned out per process.

A service calls ``broadcast(group, message)`` inside its transaction. After the commit the
message is serialised once and handed to the channel layer, where the only member of
``group`` is one hub channel per server process. Each process's hub then writes the same
frame to every local socket that joined the group. A rolled-back write never reaches a
screen, and a push to 1,000 sockets costs one channel-layer message per process instead of
one per socket (see DESIGN.md, "How data flows").

A group whose messages are sequenced events (a summit) can be joined with ``views``: its
hub then gathers the events for a short window, puts them in ``seq`` order and writes one
frame per socket holding all of them, rendered once per audience (see ``EventViews``). It
also keeps the recent events, so a socket that reconnects with its last ``seq`` can be sent
what it missed instead of a full snapshot.

Redis forgets every group when it restarts. Each hub therefore checks every second that the
layer still routes its groups to it; when it does not, or the layer could not be reached,
the hub joins its groups again once Redis answers and has every local socket brought up to
date (``resync``): events committed meanwhile never reached the hub.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
import weakref
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Protocol

from asgiref.sync import SyncToAsync, async_to_sync
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import wire

logger = logging.getLogger(__name__)

HUB_MESSAGE_TYPE = "hub.message"

# Events of a batched group that arrive within this window go out as one frame. The first
# event after a quiet spell goes out at once (a lone step change is not delayed).
BATCH_WINDOW_SECONDS = 0.12
# Under load the window grows to this many times the time the last batch took to write, up
# to MAX_BATCH_WINDOW_SECONDS: writing batches then takes at most about a third of the
# process's time, and the rest is left for commands and their acks.
FLUSH_SHARE = 3.0
MAX_BATCH_WINDOW_SECONDS = 1.0
# How long a batch waits for a missing seq (events committed by two processes can arrive
# out of order) before it is sent anyway: as long as a push can still be on its way, which
# is longer than the longest batch window (a process busy with a batch that long was seen
# to send its pushes that much later). Clients then see the gap and ask for what they
# missed: the events if this process has them by then, else a snapshot.
GAP_WAIT_SECONDS = MAX_BATCH_WINDOW_SECONDS + 0.5
# Events kept per group for reconnecting sockets; older ones are served by a snapshot.
REPLAY_EVENTS = 5000
FULL = "full"
# How often a hub checks that the channel layer (Redis) still routes its groups to it, and
# how long one check may take before the layer counts as unreachable.
WATCH_INTERVAL_SECONDS = 1.0
WATCH_TIMEOUT_SECONDS = 2.0
# A push that Redis has not taken after this long counts as lost. redis-py retries a
# failed connection three times with growing waits (up to 14 s in all); meanwhile every
# later push of the process would wait behind it, also after Redis is back.
SEND_TIMEOUT_SECONDS = 5.0
# Sockets resynced at once: commands that arrive during a resync wait for one wave only.
RESYNC_WAVE = 25
# A push slower than this from its commit to Redis is logged (with where the time went).
SLOW_PUSH_SECONDS = 0.25


def dumps(message: Mapping[str, Any]) -> str:
    """Serialise a frame the way every live channel does (compact, dates as ISO 8601)."""
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def envelope(group: str, message: Mapping[str, Any] | bytes, skip: str | None) -> dict[str, Any]:
    """The channel-layer message a hub understands: the group and one ready-made frame."""
    wrapped: dict[str, Any] = {"type": HUB_MESSAGE_TYPE, "group": group}
    if isinstance(message, bytes):
        wrapped["bytes"] = message
    else:
        wrapped["text"] = dumps(message)
    if skip:
        wrapped["skip"] = skip
    return wrapped


def broadcast(group: str, message: Mapping[str, Any] | bytes, *, skip: str | None = None) -> None:
    """Send ``message`` to every socket in ``group`` once the current transaction commits.

    ``message`` is a JSON-able mapping (sent as a text frame) or bytes (a binary frame).
    ``skip`` names a socket (its ``hub_id``) that should not get its own message back.
    """
    wrapped = envelope(group, message, skip)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        loop = _server_loop()
        if loop is not None:
            # In a server process: hand the push to the event loop and return at once, so
            # the database thread goes on with the next command instead of waiting while
            # the loop writes frames. The hub puts events back in seq order.
            _outbox(loop).put(group, wrapped)
            return
        try:
            async_to_sync(layer.group_send)(group, wrapped)
        except Exception:
            # The database holds the truth; a lost push is repaired by the next snapshot.
            logger.exception("broadcast to %s failed", group)

    transaction.on_commit(send)


class _Outbox:
    """Pushes committed by database threads, sent in commit order.

    With Redis they are sent from a thread of their own (``_push_loop``), not from the
    server's event loop: each ``group_send`` takes four round trips to Redis, and on the
    server's loop each waited for a turn of it, behind whole batches of frames written to
    thousands of sockets. Under a burst a process's pushes then reached Redis seconds after
    their commit, after events the other process committed later, and the other process's
    screens saw a gap (bench/live_summit.py). The in-memory layer lives on the server's loop
    and is only usable from it.

    One wake-up for all pushes queued meanwhile, and one channel-layer message for a run of
    text messages to the same group (a batch of live commands commits many events at once:
    with Redis that is one round of messages instead of one per event).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop  # the server's loop, whose hub keeps track of lost pushes
        self.lock = threading.Lock()
        self.items: list[tuple[str, dict[str, Any]]] = []
        self.scheduled = False
        self.oldest: float | None = None  # when the oldest push waiting here was committed

    def put(self, group: str, message: dict[str, Any]) -> None:
        with self.lock:
            self.items.append((group, message))
            if self.oldest is None:
                self.oldest = time.monotonic()
            if self.scheduled:
                return
            self.scheduled = True
        sender = _push_loop() if can_check(get_channel_layer()) else self.loop
        pushed = asyncio.run_coroutine_threadsafe(self.drain(), sender)
        pushed.add_done_callback(lambda done: _report(done, group))

    async def drain(self) -> None:
        layer = get_channel_layer()
        current = _hubs.get(self.loop)
        while True:
            with self.lock:
                items, self.items = self.items, []
                committed, self.oldest = self.oldest, None
                if not items:
                    self.scheduled = False
                    return
            started = time.monotonic()
            for group, message in merged(items):
                await send_to_group(layer, group, message, current=current)
            if committed is not None and time.monotonic() - committed > SLOW_PUSH_SECONDS:
                logger.warning(
                    "live push took %.3f s from commit to Redis (%.3f s waiting for its turn,"
                    " %.3f s sending %d message(s))",
                    time.monotonic() - committed,
                    started - committed,
                    time.monotonic() - started,
                    len(items),
                )


_pusher: tuple[int, asyncio.AbstractEventLoop] | None = None


def _push_loop() -> asyncio.AbstractEventLoop:
    """The event loop of this process's push thread (started on first use)."""
    global _pusher
    with _outboxes_lock:
        if _pusher is None or _pusher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-push", daemon=True).start()
            _pusher = (os.getpid(), loop)
        return _pusher[1]


async def send_to_group(
    layer: Any, group: str, message: dict[str, Any], *, current: Hub | None = None
) -> None:
    """``group_send``, once more at once if it fails, as the first use of a connection to a
    restarted Redis does.

    A push that is lost is repaired when Redis is back: the hub then asks every process to
    resync the group's sockets (the database holds what the push said). So while the hub
    knows Redis is away, pushes are not tried at all: they would only hold up later ones.
    ``current`` is the hub of the server's loop when this runs in the push thread.
    """
    if current is None:
        try:
            current = hub()
            watched = current.watch(layer)  # else nobody would resync: always try
        except RuntimeError:  # no hub of the server's loop yet: nothing to resync
            watched = False
    else:
        watched = current.watcher is not None
    if watched and current is not None and current.disturbed:
        current.lost_push(group)
        return
    for attempt in (1, 2):
        try:
            await asyncio.wait_for(layer.group_send(group, message), SEND_TIMEOUT_SECONDS)
            return
        except Exception:
            if attempt == 2 or (watched and current is not None and current.disturbed):
                logger.exception("broadcast to %s failed", group)
                if watched and current is not None:
                    current.disturbed = True
                    current.lost_push(group)
                return


def merged(items: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """Runs of plain text messages to one group as one message with ``texts``, in order."""
    out: list[tuple[str, dict[str, Any]]] = []
    for group, message in items:
        plain = "text" in message and "skip" not in message
        if plain and out and out[-1][0] == group and "texts" in out[-1][1]:
            out[-1][1]["texts"].append(message["text"])
        elif plain:
            out.append(
                (group, {"type": HUB_MESSAGE_TYPE, "group": group, "texts": [message["text"]]})
            )
        else:
            out.append((group, message))
    return out


_outboxes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Outbox] = (
    weakref.WeakKeyDictionary()
)
_outboxes_lock = threading.Lock()


def _outbox(loop: asyncio.AbstractEventLoop) -> _Outbox:
    with _outboxes_lock:
        found = _outboxes.get(loop)
        if found is None:
            found = _outboxes[loop] = _Outbox(loop)
        return found


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this thread works for when it runs sync code for an async server."""
    local = SyncToAsync.threadlocal
    loop: asyncio.AbstractEventLoop | None = getattr(local, "main_event_loop", None)
    if loop is None or getattr(local, "main_event_loop_pid", None) != os.getpid():
        return None
    if loop.is_closed() or not loop.is_running():
        return None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return loop
    return None  # this thread runs a loop of its own: not a worker thread


def _report(done: Any, group: str) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.error("broadcast to %s failed", group, exc_info=done.exception())


class HubConsumer(AsyncWebsocketConsumer):
    """A live route's consumer: its frames come from the process's hub, not its own channel.

    Channels would give each consumer a channel-layer channel of its own and keep a receive
    running on it. Ours never get messages there, and with Redis a receive that is cancelled
    when its socket closes can take a message meant for the hub with it (the layer reads
    all of a process's channels in one loop). So a consumer does not listen on the layer.

    With nothing but the socket to listen to, the consumer reads it in a plain loop. Channels'
    loop for several sources starts a task for every message and waits for it with
    ``asyncio.wait``: per frame a task, a future and two more turns of the event loop before
    the handler runs, on every keystroke of a co-written draft.
    """

    direct: Any = None  # the Daphne WebSocket behind this consumer, for ``wire.write_direct``
    # Frames sent in one turn of the event loop leave in one socket write (``wire.write_together``).
    write_together = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        self.direct = wire.daphne_protocol(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            self.direct = None

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        # The hub sends every socket of an audience the same object: framed once, written out.
        payload = text_data if text_data is not None else bytes_data
        if payload is not None and not close and self.direct is not None:
            write = wire.write_together if self.write_together else wire.write_direct
            if write(self.direct, payload):
                return
        if self.direct is not None:
            wire.flush(self.direct)
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        if self.direct is not None:
            wire.flush(self.direct)  # frames sent before the close go out before it
        await super().close(code=code, reason=reason)


class LocalSocket(Protocol):
    """A hub member. It may also have ``async def resync()``: the hub calls it after the
    channel layer lost the member's group (a Redis restart), and it should send the socket
    the current state (a snapshot), since events committed meanwhile never arrived."""

    hub_id: str

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None: ...


class EventViews(Protocol):
    """How the events of a batched group look to each audience.

    A socket's audience is its ``live_audience`` attribute (``FULL`` when it has none).
    """

    def view(self, event: Mapping[str, Any], audience: Hashable) -> Hashable:
        """The name of the form ``audience`` gets ``event`` in; ``FULL`` is as broadcast."""
        ...

    def shape(self, event: Mapping[str, Any], view: Hashable) -> Mapping[str, Any]:
        """``event`` in the form ``view`` (never ``FULL``)."""
        ...

    def observe(self, event: Mapping[str, Any], sockets: Iterable[LocalSocket]) -> None:
        """Called once per event before it is sent: lets an event change audiences."""
        ...


def batch_frame(parts: list[str]) -> str:
    """One event as it is; several as ``{"kind": "batch", "events": [...]}`` in seq order."""
    if len(parts) == 1:
        return parts[0]
    return '{"kind":"batch","events":[' + ",".join(parts) + "]}"


class Batcher:
    """The batched delivery of one group in one process: window, seq order, replay log."""

    def __init__(self, group: str, views: EventViews, sockets: set[LocalSocket]) -> None:
        self.group = group
        self.views = views
        self.sockets = sockets
        self.pending: dict[int, tuple[dict[str, Any], str]] = {}
        self.last_seq: int | None = None
        self.log: dict[int, tuple[dict[str, Any], str]] = {}
        self.log_order: deque[int] = deque()
        self.preludes: dict[LocalSocket, str] = {}
        # Sockets that joined but have not had their snapshot yet: batches skip them, and
        # ``start`` sends them what was sent meanwhile after the snapshot's seq.
        self.waiting: set[LocalSocket] = set()
        self.last_flush = -1e9
        self.window = BATCH_WINDOW_SECONDS
        self.gap_since: float | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.flushing: asyncio.Task[None] | None = None

    def add(self, text: str) -> bool:
        """Take a sequenced event for the next batch; False for anything else."""
        event = json.loads(text)
        seq = event.get("seq") if isinstance(event, dict) else None
        if not isinstance(seq, int) or event.get("kind") != "event":
            return False
        self.pending[seq] = (event, text)
        if self.gap_since is not None and self.last_seq is not None and seq == self.last_seq + 1:
            # The missing event came: the batch goes at the window's pace, not at the end
            # of the wait for it.
            loop = asyncio.get_running_loop()
            logger.info(
                "live seq %d of %s came %.3f s late", seq, self.group, loop.time() - self.gap_since
            )
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
        self.schedule()
        return True

    def schedule(self, delay: float | None = None) -> None:
        if self.timer is not None or (self.flushing is not None and not self.flushing.done()):
            return
        loop = asyncio.get_running_loop()
        if delay is None:
            delay = max(0.0, self.last_flush + self.window - loop.time())
        self.timer = loop.call_later(delay, self._start)

    def _start(self) -> None:
        self.timer = None
        if self.flushing is not None and not self.flushing.done():
            return  # the running flush reschedules when it is done
        self.flushing = asyncio.get_running_loop().create_task(self.flush())
        self.flushing.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.error("live batch to %s failed", self.group, exc_info=task.exception())
        if self.pending or self.preludes:
            self.schedule()

    def ready(self, now: float) -> list[int]:
        """The seqs to send now: the gapless run after the last one sent, or all after a wait."""
        seqs = sorted(self.pending)
        if self.last_seq is None:
            return seqs
        expected = self.last_seq + 1
        run = []
        for seq in seqs:
            if seq < expected:
                run.append(seq)  # late or repeated: clients skip it as a duplicate
            elif seq == expected:
                run.append(seq)
                expected += 1
            else:
                break
        if len(run) == len(seqs):
            self.gap_since = None
            return run
        if self.gap_since is None:
            self.gap_since = now
        if now - self.gap_since >= GAP_WAIT_SECONDS:
            logger.warning(
                "live seq %d of %s missing after %.3f s; sent on without it",
                expected,
                self.group,
                now - self.gap_since,
            )
            self.gap_since = None
            return seqs
        return run

    async def flush(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.last_flush = now
        seqs = self.ready(now)
        batch = [self.pending.pop(seq) for seq in seqs]
        if self.pending and self.gap_since is not None:
            # Come back when the wait for the missing seq is over.
            self.timer = loop.call_later(
                max(0.0, self.gap_since + GAP_WAIT_SECONDS - now), self._start
            )
        for event, _text in batch:
            self.views.observe(event, self.sockets)
        frames: dict[Hashable, str] = {}
        forms: list[dict[Hashable, str]] = [{FULL: text} for _event, text in batch]

        def frame_for(audience: Hashable) -> str:
            found = frames.get(audience)
            if found is None:
                parts = []
                for (event, _text), rendered in zip(batch, forms, strict=True):
                    view = self.views.view(event, audience)
                    if view not in rendered:
                        rendered[view] = dumps(self.views.shape(event, view))
                    parts.append(rendered[view])
                found = frames[audience] = batch_frame(parts)
            return found

        for seq, item in zip(seqs, batch, strict=True):
            self.remember(seq, item)
        if seqs:
            self.last_seq = max(seqs[-1], self.last_seq or 0)
        preludes, self.preludes = self.preludes, {}
        # Chosen before the first await: a socket started during the sends below already
        # has this batch in its prelude (it is in the log).
        targets = [socket for socket in self.sockets if socket not in self.waiting]
        for socket in targets:
            try:
                prelude = preludes.get(socket)
                if prelude:
                    await socket.send(text_data=prelude)
                if batch:
                    await socket.send(text_data=frame_for(audience_of(socket)))
            except Exception:
                logger.warning("dropping a live socket that could not be written to")
                self.sockets.discard(socket)
        took = loop.time() - now
        self.window = min(MAX_BATCH_WINDOW_SECONDS, max(BATCH_WINDOW_SECONDS, FLUSH_SHARE * took))

    def remember(self, seq: int, item: tuple[dict[str, Any], str]) -> None:
        if seq in self.log:
            return
        self.log[seq] = item
        self.log_order.append(seq)
        while len(self.log_order) > REPLAY_EVENTS:
            self.log.pop(self.log_order.popleft(), None)

    def covers(self, since: int, upto: int) -> bool:
        """Whether this process holds (or awaits) every event after ``since`` up to ``upto``.

        ``upto`` is the seq stored when the socket joined. Events still pending, or
        committed but not yet arrived, follow as live events.
        """
        if since > upto or upto - since > REPLAY_EVENTS:
            return False
        known = self.log.keys() | self.pending.keys()
        if not known:
            return since == upto
        if since < min(known) - 1:
            return False  # older than anything this process still holds
        return all(seq in known for seq in range(since + 1, min(max(known), upto) + 1))

    def repair(self, socket: LocalSocket, since: int) -> bool:
        """Send ``socket`` the events after ``since`` it asked for again (it saw a gap), if
        this process sent every one of them; False: it needs a snapshot.

        Events still pending follow in their batch. A socket still waiting for a snapshot
        needs nothing more: the snapshot is on its way.
        """
        if socket not in self.sockets:
            return False
        if socket in self.waiting:
            return True
        if self.last_seq is None or since > self.last_seq or self.last_seq - since > REPLAY_EVENTS:
            return False
        if any(seq not in self.log for seq in range(since + 1, self.last_seq + 1)):
            return False
        self.start(socket, since)
        return True

    def forget(self) -> None:
        """Events went missing (the layer lost the group): the replay log has holes, and
        the seq the next batch waits for may never come. Sockets get a snapshot instead."""
        self.log.clear()
        self.log_order.clear()
        self.last_seq = None
        self.gap_since = None

    def start(self, socket: LocalSocket, after: int) -> None:
        """Let a waiting socket have live events; first the ones sent after seq ``after``."""
        self.waiting.discard(socket)
        audience = audience_of(socket)
        parts = []
        for seq in sorted(s for s in self.log if s > after):
            event, text = self.log[seq]
            view = self.views.view(event, audience)
            parts.append(text if view == FULL else dumps(self.views.shape(event, view)))
        if parts:
            self.preludes[socket] = batch_frame(parts)
            self.schedule(0.0)


def audience_of(socket: LocalSocket) -> Hashable:
    return getattr(socket, "live_audience", FULL)


class Hub:
    """Per process (per event loop): the local sockets of each group, fed by one channel."""

    def __init__(self) -> None:
        self.members: dict[str, set[LocalSocket]] = {}
        self.batchers: dict[str, Batcher] = {}
        self.channel_name: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.watcher: asyncio.Task[None] | None = None
        # The layer failed (a receive, a join) since the last check: when it answers again
        # every group is joined again and every socket brought up to date.
        self.disturbed = False
        # Groups whose pushes were lost, with how many: every process resyncs them later.
        self.unsent: dict[str, int] = {}
        self.unsent_lock = threading.Lock()  # the push thread counts lost pushes too
        self.probes: dict[int, Any] = {}  # see ``lost_groups``
        self.tasks: set[asyncio.Task[None]] = set()
        self.queued: set[LocalSocket] = set()  # waiting for their turn in a resync
        self.lock = asyncio.Lock()

    async def join(
        self,
        group: str,
        socket: LocalSocket,
        *,
        views: EventViews | None = None,
        seq: int | None = None,
    ) -> None:
        """Add a local socket to ``group``; with ``views`` its events are batched.

        ``seq`` is the group's last seq as stored when the socket joined: a new batch then
        waits for the seq after it, even when a later event happens to arrive first. A
        socket of a batched group gets no events until ``start`` (after its snapshot).
        """
        layer = get_channel_layer()
        async with self.lock:
            if self.channel_name is None:
                # The default prefix matters: channels_redis runs one receive loop per
                # process for all "specific." channels; another prefix would contend for it.
                self.channel_name = await layer.new_channel()
                self.reader = asyncio.get_running_loop().create_task(self._read())
                self.watch(layer)
            sockets = self.members.setdefault(group, set())
            first = not sockets
            sockets.add(socket)
            if views is not None and group not in self.batchers:
                batcher = self.batchers[group] = Batcher(group, views, sockets)
                batcher.last_seq = seq
            if group in self.batchers:
                self.batchers[group].waiting.add(socket)
            if first:
                try:
                    await layer.group_add(group, self.channel_name)
                except Exception:
                    # Redis is away: the socket still gets its snapshot from the database,
                    # and the watcher joins the group and resyncs it when Redis is back.
                    logger.warning("could not join %s on the channel layer; retrying", group)
                    self.disturbed = True

    async def leave(self, group: str, socket: LocalSocket) -> None:
        layer = get_channel_layer()
        async with self.lock:
            sockets = self.members.get(group)
            if not sockets:
                return
            sockets.discard(socket)
            if group in self.batchers:
                self.batchers[group].waiting.discard(socket)
                self.batchers[group].preludes.pop(socket, None)
            if not sockets:
                del self.members[group]
                batcher = self.batchers.pop(group, None)
                if batcher is not None and batcher.timer is not None:
                    batcher.timer.cancel()
                if self.channel_name is not None:
                    try:
                        await layer.group_discard(group, self.channel_name)
                    except Exception:
                        # A membership left behind only brings messages nobody here wants.
                        logger.warning("could not leave %s on the channel layer", group)

    def lost_push(self, group: str) -> None:
        """A push to ``group`` was lost: the next check has every process resync it."""
        with self.unsent_lock:
            self.unsent[group] = self.unsent.get(group, 0) + 1

    def hold(self, group: str, socket: LocalSocket) -> None:
        """Keep batched events from ``socket`` until ``start`` (while a snapshot is made)."""
        batcher = self.batchers.get(group)
        if batcher is not None and socket in batcher.sockets:
            batcher.waiting.add(socket)

    def start(self, group: str, socket: LocalSocket, *, after: int) -> None:
        """``socket`` has the state up to seq ``after``: send it the events after that."""
        batcher = self.batchers.get(group)
        if batcher is not None and socket in batcher.sockets:
            batcher.start(socket, after)

    def resume(self, group: str, socket: LocalSocket, *, since: int, upto: int) -> bool:
        """Start a socket with the events it missed after ``since``; False: send a snapshot."""
        batcher = self.batchers.get(group)
        if batcher is None or socket not in batcher.sockets or not batcher.covers(since, upto):
            return False
        batcher.start(socket, since)
        return True

    def repair(self, group: str, socket: LocalSocket, *, since: int) -> bool:
        """A socket saw a gap after ``since``: send it the missing events from this process's
        log (one frame, with the next batch) when they are all here; False: send a snapshot."""
        batcher = self.batchers.get(group)
        return batcher is not None and batcher.repair(socket, since)

    async def _read(self) -> None:
        layer = get_channel_layer()
        assert self.channel_name is not None
        while True:
            try:
                message = await layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                if not self.disturbed:
                    logger.exception("hub receive failed; retrying")
                self.disturbed = True
                await asyncio.sleep(0.5)
                continue
            try:
                await self.deliver(message)
            except Exception:
                # One bad message must not stop the hub: every later event would be lost.
                logger.exception("hub could not deliver a message to %s", message.get("group"))

    def watch(self, layer: Any) -> bool:
        """Start the watcher (once) if ``layer`` can lose its state apart from this process."""
        if self.watcher is None and can_check(layer):
            self.watcher = asyncio.get_running_loop().create_task(self._watch())
        return self.watcher is not None

    async def _watch(self) -> None:
        """Every second: does the layer still route our groups here? If not, recover."""
        while True:
            await asyncio.sleep(WATCH_INTERVAL_SECONDS)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub check failed")

    async def check(self) -> None:
        """Join again the groups the layer lost, and resync their sockets (see module doc)."""
        layer = get_channel_layer()
        if self.reader is not None and self.reader.done():
            logger.error("hub receive loop ended; starting it again")
            self.reader = asyncio.get_running_loop().create_task(self._read())
            self.disturbed = True
        groups = list(self.members)
        try:
            try:
                lost = await asyncio.wait_for(
                    lost_groups(layer, self.probes, groups, self.channel_name or ""),
                    WATCH_TIMEOUT_SECONDS,
                )
            except Exception:
                # Once more: the first use of a connection to a restarted Redis fails.
                lost = await asyncio.wait_for(
                    lost_groups(layer, self.probes, groups, self.channel_name or ""),
                    WATCH_TIMEOUT_SECONDS,
                )
        except Exception as error:
            if not self.disturbed:
                logger.warning(
                    "channel layer unreachable (%r); live screens resync when it is back", error
                )
            self.disturbed = True
            return
        if self.disturbed:
            # Messages may have been lost in any group, also one Redis still knows.
            lost = groups
        async with self.lock:
            lost = [group for group in lost if group in self.members]
            try:
                for group in lost:
                    try:
                        await layer.group_add(group, self.channel_name)
                    except Exception:  # the first use of a pooled connection, see above
                        await layer.group_add(group, self.channel_name)
            except Exception:
                self.disturbed = True  # gone again: the next check tries once more
                return
            self.disturbed = False
        with self.unsent_lock:
            unsent, self.unsent = self.unsent, {}
        if lost or unsent:
            logger.warning(
                "channel layer lost %d group(s) of this process and %d push(es) to %d group(s);"
                " resyncing",
                len(lost),
                sum(unsent.values()),
                len(unsent),
            )
        for group in unsent:
            # Those pushes were lost for every process: ask each to resync the group.
            request = {"type": HUB_MESSAGE_TYPE, "group": group, "resync": self.channel_name}
            await send_to_group(layer, group, request)
        if lost:
            await self.resync(lost)

    async def resync(self, groups: list[str]) -> None:
        """Bring every local socket of ``groups`` up to date (they are joined again)."""
        await self.resync_sockets({group: list(self.members.get(group, ())) for group in groups})

    async def resync_sockets(self, targets: Mapping[str, Iterable[LocalSocket]]) -> None:
        """Call ``resync`` on each socket, a wave at a time, with the groups' replay logs
        forgotten and their batches held back from them until their snapshot."""
        members: list[LocalSocket] = []
        for group, found in targets.items():
            sockets = [s for s in found if hasattr(s, "resync")]
            batcher = self.batchers.get(group)
            if batcher is not None:
                batcher.forget()
                # No batch for them until their snapshot; it holds what they missed.
                batcher.waiting.update(sockets)
            members.extend(sockets)
        self.queued.update(members)
        results: list[Any] = []
        try:
            for start in range(0, len(members), RESYNC_WAVE):
                # In waves: the database thread takes them in turn with the live commands
                # that arrive meanwhile, instead of acknowledging those after every snapshot.
                wave = members[start : start + RESYNC_WAVE]
                self.queued.difference_update(wave)
                results += await asyncio.gather(
                    *(socket.resync() for socket in wave),  # type: ignore[attr-defined]
                    return_exceptions=True,
                )
        finally:
            self.queued.difference_update(members)
        for socket, result in zip(members, results, strict=True):
            if isinstance(result, BaseException):
                # Better closed than silently stale: the client reconnects to a snapshot.
                logger.warning("could not resync a live socket; closing it", exc_info=result)
                close = getattr(socket, "close", None)
                if close is not None:
                    with contextlib.suppress(Exception):
                        await close()

    async def deliver(self, message: Mapping[str, Any]) -> None:
        if "resync" in message:  # another process lost pushes to this group (see ``check``)
            group = message.get("group")
            if message["resync"] != self.channel_name and group in self.members:
                # A socket still queued for a resync gets a snapshot read after this anyway.
                due = [s for s in self.members[group] if s not in self.queued]
                task = asyncio.get_running_loop().create_task(self.resync_sockets({group: due}))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
            return
        texts = message.get("texts")
        if isinstance(texts, list):  # several committed messages to one group (see merged)
            for text in texts:
                await self.deliver(
                    {"type": HUB_MESSAGE_TYPE, "group": message.get("group"), "text": text}
                )
            return
        group = message.get("group")
        text = message.get("text")
        data = message.get("bytes")
        skip = message.get("skip")
        batcher = self.batchers.get(group) if group else None
        if batcher is not None and text is not None and batcher.add(text):
            return
        targets: set[LocalSocket] = (self.members.get(group) if group else None) or set()
        for socket in list(targets):
            if skip and socket.hub_id == skip:
                continue
            try:
                if text is not None:
                    await socket.send(text_data=text)
                else:
                    await socket.send(bytes_data=data)
            except Exception:
                logger.warning("dropping a live socket that could not be written to")
                targets.discard(socket)


def can_check(layer: Any) -> bool:
    """Whether ``lost_groups`` can ask ``layer``: the Redis layer, whose state can be lost
    apart from this process (the in-memory layer lives and dies with it)."""
    try:
        from channels_redis.core import RedisChannelLayer
    except ImportError:
        return False
    # ``lost_groups`` reads how channels_redis stores a group (pinned in pyproject.toml); a
    # version without these would make every check fail and stop every push.
    needed = ("_group_key", "consistent_hash", "hosts")
    return isinstance(layer, RedisChannelLayer) and all(hasattr(layer, n) for n in needed)


async def lost_groups(
    layer: Any, probes: dict[int, Any], groups: list[str], channel: str
) -> list[str]:
    """The groups among ``groups`` that no longer hold ``channel`` on the Redis layer.

    channels_redis keeps a group as a sorted set of channel names; it has no call to ask
    about a membership, so this reads that set the way its ``group_send`` does. It reads
    through a connection of its own (kept in ``probes``) that fails at once while Redis is
    away: the layer's connections retry with waits of seconds, and the check would notice
    Redis coming back that much later.
    """
    lost = []
    for group in groups:
        index = layer.consistent_hash(group)
        probe = probes.get(index)
        if probe is None:
            probe = probes[index] = probe_client(layer.hosts[index])
        if await probe.zscore(layer._group_key(group), channel) is None:
            lost.append(group)
    return lost


def probe_client(host: Mapping[str, Any]) -> Any:
    """A client for one Redis host of the layer: one connection, no retries."""
    from channels_redis.utils import create_pool
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    options = {**host, "retry": Retry(NoBackoff(), 0), "socket_connect_timeout": 1.0}
    options["max_connections"] = 2
    return Redis(connection_pool=create_pool(options))


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per server process; one per test loop)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current
