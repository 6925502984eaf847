"""Batched delivery of a sequenced group (a summit) in one process.

Its events are gathered for a short window, put in ``seq`` order and written as one frame
per socket holding all of them, rendered once per audience (see ``EventViews``). The
recent events are kept, so a socket that reconnects with its last ``seq`` can be sent what
it missed instead of a full snapshot.

A socket for which a batch holds only briefs (another table's new idea: a count moves,
nothing it reads changes) gets them at most once per ``BRIEF_WAIT_SECONDS``, together with
what follows: in a burst of ideas most screens then get one frame a second instead of one
per batch, and the process's writes go to the screens whose own table, or whose whole view,
changed.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from collections.abc import Hashable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .frames import dumps

if TYPE_CHECKING:
    from .hub import LocalSocket

logger = logging.getLogger(__name__)

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
# A socket that got a frame less than this long ago keeps a batch of only briefs for later
# (see the module doc). The first batch after a quiet spell goes out at once.
BRIEF_WAIT_SECONDS = 1.0
# A batch is written to this many sockets, then the event loop gets a turn: acks and
# commands that arrived meanwhile do not wait for the write to thousands of screens.
YIELD_EVERY = 250
FULL = "full"


class EventViews(Protocol):
    """How the events of a batched group look to each audience.

    A socket's audience is its ``live_audience`` attribute (``FULL`` when it has none). Any
    form other than ``FULL`` is a brief: it may reach the socket up to
    ``BRIEF_WAIT_SECONDS`` later, with the events after it.
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
        # Sockets holding briefs back, with the seq they have everything up to, and when
        # each socket last got a frame; ``behind_due``: when the first of them is due.
        self.behind: dict[LocalSocket, int] = {}
        self.sent_at: dict[LocalSocket, float] = {}
        self.behind_due: float | None = None

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
        if self.flushing is not None and not self.flushing.done():
            return  # the running flush reschedules when it is done
        loop = asyncio.get_running_loop()
        if delay is None:
            delay = max(0.0, self.last_flush + self.window - loop.time())
        if self.timer is not None:
            if self.gap_since is not None or self.timer.when() <= loop.time() + delay:
                return  # a batch waiting for a missing seq waits for it (see ``add``)
            self.timer.cancel()  # the time held briefs are due: new events come first
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
        elif self.behind and self.behind_due is not None:
            self.schedule(max(0.0, self.behind_due - asyncio.get_running_loop().time()))

    def drop(self, socket: LocalSocket) -> None:
        """``socket`` left: nothing more is kept for it."""
        self.waiting.discard(socket)
        self.preludes.pop(socket, None)
        self.behind.pop(socket, None)
        self.sent_at.pop(socket, None)

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
        caught_up: dict[tuple[Hashable, int], str | None] = {}
        forms: dict[tuple[int, Hashable], str] = {}
        urgent: dict[Hashable, bool] = {}

        def form(seq: int, item: tuple[dict[str, Any], str], audience: Hashable) -> str:
            event, text = item
            view = self.views.view(event, audience)
            if view == FULL:
                return text
            found = forms.get((seq, view))
            if found is None:
                found = forms[(seq, view)] = dumps(self.views.shape(event, view))
            return found

        def frame_for(audience: Hashable) -> str:
            found = frames.get(audience)
            if found is None:
                found = frames[audience] = batch_frame(
                    [form(seq, item, audience) for seq, item in zip(seqs, batch, strict=True)]
                )
            return found

        def catch_up(audience: Hashable, after: int) -> str | None:
            key = (audience, after)
            if key not in caught_up:
                # This batch's own events, also when the log was forgotten meanwhile.
                items = dict(zip(seqs, batch, strict=True))
                items.update(
                    (seq, self.log[seq])
                    for seq in range(after + 1, (self.last_seq or 0) + 1)
                    if seq in self.log
                )
                caught_up[key] = (
                    batch_frame([form(seq, items[seq], audience) for seq in sorted(items)])
                    if items
                    else None
                )
            return caught_up[key]

        def needs_now(audience: Hashable) -> bool:
            found = urgent.get(audience)
            if found is None:
                found = urgent[audience] = any(
                    self.views.view(event, audience) == FULL for event, _text in batch
                )
            return found

        before = self.last_seq
        for seq, item in zip(seqs, batch, strict=True):
            self.remember(seq, item)
        if seqs:
            self.last_seq = max(seqs[-1], self.last_seq or 0)
        preludes, self.preludes = self.preludes, {}
        # Chosen before the first await: a socket started during the sends below already
        # has this batch in its prelude (it is in the log).
        targets = [socket for socket in self.sockets if socket not in self.waiting]
        due: float | None = None
        for index, socket in enumerate(targets):
            if index and index % YIELD_EVERY == 0:
                await asyncio.sleep(0)
                if socket not in self.sockets:
                    continue  # it left meanwhile
            try:
                prelude = preludes.get(socket)
                if prelude:
                    await socket.send(text_data=prelude)
                    self.sent_at[socket] = now
                audience = audience_of(socket)
                after = self.behind.get(socket)
                if after is not None:
                    # Briefs held back: all of them now, with this batch, once it holds
                    # something in full for this socket or the socket's wait is over.
                    ready_at = self.sent_at.get(socket, now) + BRIEF_WAIT_SECONDS
                    if (batch and needs_now(audience)) or now >= ready_at:
                        del self.behind[socket]
                        frame = catch_up(audience, after)
                        if frame is not None:
                            await socket.send(text_data=frame)
                            self.sent_at[socket] = now
                    else:
                        due = ready_at if due is None else min(due, ready_at)
                    continue
                if not batch:
                    continue
                last = self.sent_at.get(socket)
                if (
                    before is not None
                    and last is not None
                    and now - last < BRIEF_WAIT_SECONDS
                    and not needs_now(audience)
                ):
                    self.behind[socket] = before
                    ready_at = last + BRIEF_WAIT_SECONDS
                    due = ready_at if due is None else min(due, ready_at)
                    continue
                await socket.send(text_data=frame_for(audience))
                self.sent_at[socket] = now
            except Exception:
                logger.warning("dropping a live socket that could not be written to")
                self.sockets.discard(socket)
                self.drop(socket)
        self.behind_due = due
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
        self.behind.clear()
        self.behind_due = None

    def start(self, socket: LocalSocket, after: int) -> None:
        """Let a waiting socket have live events; first the ones sent after seq ``after``."""
        self.waiting.discard(socket)
        self.behind.pop(socket, None)
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


