"""The poll channel (/ws/polls/<id>/): live turnout while open, the result at closing.

Read-only. On connect the client gets a snapshot (status and turnout); after that the
events of voting.events. Turnout is coalesced per process: a poll's sockets in one process
share one relay that joins the hub and forwards at most one turnout frame per
TURNOUT_INTERVAL (always the latest); other events pass at once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.utils.translation import gettext

from samenspel.live import ws
from samenspel.live.consumer import HubConsumer
from samenspel.live.frames import dumps
from samenspel.live.hub import hub
from samenspel.live.loops import PerLoop

from . import events, rules, selectors
from .models import Poll

logger = logging.getLogger(__name__)

TURNOUT_INTERVAL = 0.5  # seconds
TURNOUT_MARK = '"type":"turnout.changed"'


class PollRelay:
    """One hub member per poll per process: fans frames out to the poll's local sockets."""

    def __init__(self, group: str, poll_id: int) -> None:
        self.group = group
        self.poll_id = poll_id
        self.hub_id = f"relay.{group}"
        self.sockets: set[PollConsumer] = set()
        self.lock = asyncio.Lock()
        self.last_turnout = float("-inf")
        self.pending: str | None = None
        self.timer: asyncio.TimerHandle | None = None

    async def add(self, socket: PollConsumer) -> None:
        async with self.lock:
            if not self.sockets:
                await hub().join(self.group, self)
            self.sockets.add(socket)

    async def remove(self, socket: PollConsumer) -> None:
        async with self.lock:
            self.sockets.discard(socket)
            if not self.sockets:
                await hub().leave(self.group, self)

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            return
        loop = asyncio.get_running_loop()
        if TURNOUT_MARK in text_data:
            now = loop.time()
            if self.timer is None and now - self.last_turnout >= TURNOUT_INTERVAL:
                self.last_turnout = now
                await self._fan_out(text_data)
            else:
                self.pending = text_data
                if self.timer is None:
                    self.timer = loop.call_at(self.last_turnout + TURNOUT_INTERVAL, self._flush)
            return
        await self._fan_out(text_data)

    async def resync(self) -> None:
        """The hub lost this poll's events (Redis restarted): send every socket a fresh
        snapshot, read once (each socket's access was checked when it connected)."""
        snapshot = await _current_snapshot(self.poll_id)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.pending = None
        if snapshot is not None:
            await self._fan_out(dumps(snapshot))

    def _flush(self) -> None:
        self.timer = None
        text, self.pending = self.pending, None
        if text is not None:
            self.last_turnout = asyncio.get_running_loop().time()
            asyncio.get_running_loop().create_task(self._fan_out(text))

    async def _fan_out(self, text: str) -> None:
        for socket in list(self.sockets):
            try:
                await socket.send(text_data=text)
            except Exception:
                logger.warning("dropping a poll socket that could not be written to")
                self.sockets.discard(socket)


_relays: PerLoop[dict[str, PollRelay]] = PerLoop(lambda loop: {})


def relay_for(poll: Poll) -> PollRelay:
    relays = _relays.get()
    relay = relays.get(poll.group)
    if relay is None:
        relay = relays[poll.group] = PollRelay(poll.group, poll.pk)
    return relay


def _snapshot_of(poll: Poll) -> dict[str, Any]:
    counts = selectors.turnout(poll)
    frame = events.snapshot(
        {"poll": poll.pk, "status": poll.status, "voted": counts.voted, "eligible": counts.eligible}
    )
    return dict(frame)


@database_sync_to_async
def _poll_and_snapshot(pk: int, user: Any) -> tuple[Poll | None, bool, dict[str, Any] | None]:
    poll = Poll.objects.filter(pk=pk).first()
    if poll is None:
        return None, False, None
    if not rules.can_view_poll(user, poll):
        return poll, False, None
    return poll, True, _snapshot_of(poll)


@database_sync_to_async
def _current_snapshot(pk: int) -> dict[str, Any] | None:
    poll = Poll.objects.filter(pk=pk).first()
    return None if poll is None else _snapshot_of(poll)


class PollConsumer(HubConsumer):
    async def connect(self) -> None:
        self.hub_id = uuid.uuid4().hex
        self.relay: PollRelay | None = None
        user = self.scope.get("user")
        if self.scope.get("token_invalid") or user is None or not user.is_authenticated:
            await self.refuse(ws.CLOSE_NOT_AUTHENTICATED)
            return
        pk = int(self.scope["url_route"]["kwargs"]["pk"])
        poll, allowed, _snapshot = await _poll_and_snapshot(pk, user)
        if poll is None or not allowed:
            await self.refuse(ws.CLOSE_NOT_FOUND if poll is None else ws.CLOSE_FORBIDDEN)
            return
        # Join before accepting, then read the snapshot: nothing falls between the two.
        self.relay = relay_for(poll)
        await self.relay.add(self)
        await self.accept()
        _poll, _allowed, snapshot = await _poll_and_snapshot(pk, user)
        await self.send(text_data=dumps(snapshot or {}))

    async def disconnect(self, code: int) -> None:
        if self.relay is not None:
            await self.relay.remove(self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> Any:
        await self.send(
            text_data=dumps(
                {
                    "kind": "error",
                    "id": None,
                    "code": "read_only",
                    "message": gettext("Dit kanaal is alleen om te lezen."),
                }
            )
        )
