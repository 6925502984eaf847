"""A throttled join: many local sockets of a group behind one hub member, chatty frames
coalesced.

A group whose frames include a counter that changes many times a second (a poll's turnout
during a burst of ballots) joins the hub through one relay per process. The relay passes
every frame on to its sockets at once, except the chatty ones: of those at most one per
``interval`` goes out, always the latest (DESIGN.md: chatty counters are coalesced).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from .hub import LocalSocket, hub
from .loops import PerLoop

logger = logging.getLogger(__name__)


class ThrottledRelay:
    """One hub member for the local sockets of ``group`` in this process.

    ``chatty(text)`` picks the frames to coalesce; ``snapshot()`` reads the group's current
    state as a frame (or None), sent to every socket when the hub lost the group's events.
    """

    def __init__(
        self,
        group: str,
        *,
        interval: float,
        chatty: Callable[[str], bool],
        snapshot: Callable[[], Awaitable[str | None]],
    ) -> None:
        self.group = group
        self.hub_id = f"relay.{group}"
        self.interval = interval
        self.chatty = chatty
        self.snapshot = snapshot
        self.sockets: set[LocalSocket] = set()
        self.lock = asyncio.Lock()
        self.last_chatty = float("-inf")  # loop time the last chatty frame went out
        self.pending: str | None = None
        self.timer: asyncio.TimerHandle | None = None

    async def add(self, socket: LocalSocket) -> None:
        async with self.lock:
            if not self.sockets:
                await hub().join(self.group, self)
            self.sockets.add(socket)

    async def remove(self, socket: LocalSocket) -> None:
        async with self.lock:
            self.sockets.discard(socket)
            if not self.sockets:
                await hub().leave(self.group, self)

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A frame from the hub: passed on, a chatty one at the relay's pace."""
        if text_data is None:
            return
        if not self.chatty(text_data):
            await self._fan_out(text_data)
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.timer is None and now - self.last_chatty >= self.interval:
            self.last_chatty = now
            await self._fan_out(text_data)
            return
        self.pending = text_data
        if self.timer is None:
            self.timer = loop.call_at(self.last_chatty + self.interval, self._flush)

    async def resync(self) -> None:
        """The hub lost this group's events (Redis restarted): send every socket the
        current state, read once (each socket's access was checked when it connected)."""
        text = await self.snapshot()
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.pending = None
        if text is not None:
            await self._fan_out(text)

    def _flush(self) -> None:
        self.timer = None
        text, self.pending = self.pending, None
        if text is not None:
            loop = asyncio.get_running_loop()
            self.last_chatty = loop.time()
            loop.create_task(self._fan_out(text))

    async def _fan_out(self, text: str) -> None:
        for socket in list(self.sockets):
            try:
                await socket.send(text_data=text)
            except Exception:
                logger.warning("dropping a socket of %s that could not be written to", self.group)
                self.sockets.discard(socket)


_relays: PerLoop[dict[str, ThrottledRelay]] = PerLoop(lambda loop: {})


async def join_throttled(
    group: str,
    socket: LocalSocket,
    *,
    interval: float,
    chatty: Callable[[str], bool],
    snapshot: Callable[[], Awaitable[str | None]],
) -> ThrottledRelay:
    """Add ``socket`` to this process's relay of ``group`` (made, and joined to the hub,
    with its first socket); leave with ``relay.remove(socket)``."""
    relays = _relays.get()
    relay = relays.get(group)
    if relay is None:
        relay = relays[group] = ThrottledRelay(
            group, interval=interval, chatty=chatty, snapshot=snapshot
        )
    await relay.add(socket)
    return relay
