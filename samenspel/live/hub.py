"""The hub: per process, the local sockets of each group, fed by one channel-layer channel.

The only member of a live group on the channel layer is one hub channel per server process.
Each process's hub writes the frame a message carries to every local socket that joined the
group, so a push to 1,000 sockets costs one channel-layer message per process instead of
one per socket (DESIGN.md, "How data flows"). A group joined with ``views`` is batched
(``batching.Batcher``).

Redis forgets every group when it restarts. Each hub therefore checks every second that the
layer still routes its groups to it; when it does not, or the layer could not be reached,
the hub joins its groups again once Redis answers and has every local socket brought up to
date (``resync``): events committed meanwhile never arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from channels.layers import get_channel_layer

from .batching import Batcher, EventViews
from .loops import PerLoop, stop_if_cancelled

logger = logging.getLogger(__name__)

HUB_MESSAGE_TYPE = "hub.message"

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


class LocalSocket(Protocol):
    """A hub member. It may also have ``async def resync()``: the hub calls it after the
    channel layer lost the member's group (a Redis restart), and it should send the socket
    the current state (a snapshot), since events committed meanwhile never arrived."""

    hub_id: str

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None: ...



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
                self.batchers[group].drop(socket)
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
            stop_if_cancelled()
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
                stop_if_cancelled()
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
                async with asyncio.timeout(WATCH_TIMEOUT_SECONDS):
                    lost = await lost_groups(layer, self.probes, groups, self.channel_name or "")
            except Exception:
                # Once more: the first use of a connection to a restarted Redis fails.
                async with asyncio.timeout(WATCH_TIMEOUT_SECONDS):
                    lost = await lost_groups(layer, self.probes, groups, self.channel_name or "")
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
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                await layer.group_send(group, message)
            return
        except Exception:
            if attempt == 2 or (watched and current is not None and current.disturbed):
                logger.exception("broadcast to %s failed", group)
                if watched and current is not None:
                    current.disturbed = True
                    current.lost_push(group)
                return


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


_hubs: PerLoop[Hub] = PerLoop(lambda loop: Hub())


def hub() -> Hub:
    """The hub of the running event loop (one per server process; one per test loop)."""
    return _hubs.get()


def hub_of(loop: asyncio.AbstractEventLoop) -> Hub | None:
    """The hub of ``loop`` if it has one (for threads that push on that loop's behalf)."""
    return _hubs.find(loop)
