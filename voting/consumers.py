"""The poll channel (/ws/polls/<id>/): live turnout while open, the result at closing.

Read-only. On connect the client gets a snapshot (status and turnout); after that the
events of voting.events. Turnout is coalesced per process: a poll's sockets in one process
join the hub through one relay (``samenspel.live.relay``) that forwards at most one turnout
frame per TURNOUT_INTERVAL (always the latest); other events pass at once.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any

from channels.db import database_sync_to_async

from samenspel.live import ws
from samenspel.live.consumer import ReadOnlyConsumer
from samenspel.live.frames import dumps
from samenspel.live.relay import ThrottledRelay, join_throttled

from . import events, rules, selectors
from .models import Poll

TURNOUT_INTERVAL = 0.5  # seconds
TURNOUT_MARK = '"type":"turnout.changed"'


def _is_turnout(text: str) -> bool:
    return TURNOUT_MARK in text


def _snapshot_of(poll: Poll) -> dict[str, Any]:
    counts = selectors.turnout(poll)
    frame = events.snapshot(
        {
            "poll": poll.pk,
            "status": poll.status,
            "voted": selectors.shown_turnout(poll, counts.voted),
            "eligible": counts.eligible,
        }
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
def _current_snapshot(pk: int) -> str | None:
    poll = Poll.objects.filter(pk=pk).first()
    return None if poll is None else dumps(_snapshot_of(poll))


class PollConsumer(ReadOnlyConsumer):
    async def connect(self) -> None:
        self.hub_id = uuid.uuid4().hex
        self.relay: ThrottledRelay | None = None
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
        self.relay = await join_throttled(
            poll.group,
            self,
            interval=TURNOUT_INTERVAL,
            chatty=_is_turnout,
            snapshot=functools.partial(_current_snapshot, poll.pk),
        )
        await self.accept()
        _poll, _allowed, snapshot = await _poll_and_snapshot(pk, user)
        await self.send(text_data=dumps(snapshot or {}))

    async def disconnect(self, code: int) -> None:
        if self.relay is not None:
            await self.relay.remove(self)
