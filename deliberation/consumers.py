"""The live channel of a summit, /ws/summits/<slug>/: lifecycle and framing only."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samenspel.live import frames, ws
from samenspel.live.batching import FULL
from samenspel.live.consumer import HubConsumer
from samenspel.live.frames import dumps
from samenspel.live.hub import hub
from samenspel.live.loops import PerLoop
from samenspel.live.ratelimit import RateLimiter, limiter_for_loop

from . import rules, selectors, services
from .commands import queue_for
from .events import SummitViews, table_audience
from .models import Summit

VIEWS = SummitViews()
RATE_LIMITED = gettext_noop(
    "U stuurt te veel opdrachten kort na elkaar. Wacht even en probeer het opnieuw."
)

logger = logging.getLogger(__name__)


@database_sync_to_async
def _open(slug: str, user: Any, hall_token: str | None) -> tuple[Summit | None, set[str], bool]:
    summit = Summit.objects.filter(slug=slug).first()
    if summit is None:
        return None, set(), False
    if hall_token is not None:
        return summit, set(), constant_time_compare(hall_token, summit.hall_token)
    roles = rules.summit_roles(user, summit)
    return summit, roles, rules.can_view_summit(roles)


@database_sync_to_async
def _snapshot(summit: Summit, user: Any, hall: bool) -> selectors.LiveSnapshot:
    roles = set() if hall else rules.summit_roles(user, summit)
    return selectors.live_snapshot(
        summit, user=None if hall else user, roles=roles, now=timezone.now(), hall=hall
    )


@database_sync_to_async
def _snapshots(
    summit: Summit, screens: list[tuple[Any, bool]]
) -> list[selectors.LiveSnapshot | Exception]:
    """Snapshots for several screens in one trip to the database thread; one per person."""
    made: dict[tuple[Any, bool], selectors.LiveSnapshot | Exception] = {}
    for user, hall in screens:
        who = (None if hall else user.pk, hall)
        if who not in made:
            try:
                made[who] = _snapshot.func(summit, user, hall)  # type: ignore[attr-defined]
            except Exception as error:  # noqa: BLE001 - that screen is closed, see below
                made[who] = error
    return [made[(None if hall else user.pk, hall)] for user, hall in screens]


# Screens whose snapshot one trip to the database thread makes: live commands that arrive
# meanwhile wait for one wave only, not for every screen that asked.
SNAPSHOT_WAVE = 10


class SnapshotRequests:
    """The snapshot requests of one summit in this process, answered together in waves."""

    def __init__(self, summit: Summit) -> None:
        self.summit = summit
        self.waiting: dict[SummitConsumer, None] = {}  # in the order they asked
        self.worker: asyncio.Task[None] | None = None

    def ask(self, screen: SummitConsumer) -> None:
        assert screen.group is not None
        hub().hold(screen.group, screen)
        self.waiting[screen] = None
        if self.worker is None or self.worker.done():
            self.worker = asyncio.get_running_loop().create_task(self._work())

    async def _work(self) -> None:
        while self.waiting:
            wave = list(self.waiting)[:SNAPSHOT_WAVE]
            for screen in wave:
                del self.waiting[screen]
            made = await _snapshots(self.summit, [(s.user, s.hall) for s in wave])
            for screen, frame in zip(wave, made, strict=True):
                if screen not in hub().members.get(screen.group or "", ()):
                    continue  # closed meanwhile
                try:
                    if isinstance(frame, Exception):
                        raise frame
                    await screen.deliver_snapshot(frame)
                except Exception:
                    # Better closed than stale: the client reconnects to a snapshot.
                    logger.warning("could not send a live snapshot; closing", exc_info=True)
                    with contextlib.suppress(Exception):
                        await screen.close()


_requests: PerLoop[dict[int, SnapshotRequests]] = PerLoop(lambda loop: {})


def snapshot_requests(summit: Summit) -> SnapshotRequests:
    """The snapshot requests of ``summit`` in this process (one set per event loop)."""
    found = _requests.get()
    if summit.pk not in found:
        found[summit.pk] = SnapshotRequests(summit)
    return found[summit.pk]


def command_limiter() -> RateLimiter:
    """Each person's live commands in this process: ``LIVE_COMMAND_BURST`` at once, then
    ``LIVE_COMMAND_RATE`` per second (two tabs of one person share it)."""
    return limiter_for_loop(
        burst=settings.LIVE_COMMAND_BURST, per_second=settings.LIVE_COMMAND_RATE
    )


class SummitConsumer(HubConsumer):
    """Snapshot on connect, then the summit's events; commands answered with ack or error."""

    async def connect(self) -> None:
        self.hub_id = uuid.uuid4().hex
        self.group: str | None = None
        user = self.scope.get("user")
        query = self.scope.get("query_string", b"").decode("latin-1")
        hall_token = None
        since: int | None = None
        for part in query.split("&"):
            if part.startswith("hall="):
                hall_token = part[5:]
            elif part.startswith("since=") and part[6:].isascii() and part[6:].isdigit():
                since = int(part[6:])
        self.hall = hall_token is not None
        if not self.hall and (
            self.scope.get("token_invalid") or user is None or not user.is_authenticated
        ):
            await self.refuse(ws.CLOSE_NOT_AUTHENTICATED)
            return
        slug = self.scope["url_route"]["kwargs"]["slug"]
        summit, roles, allowed = await _open(slug, user, hall_token)
        if summit is None:
            await self.refuse(ws.CLOSE_NOT_FOUND)
            return
        if not allowed:
            await self.refuse(ws.CLOSE_FORBIDDEN)
            return
        self.summit = summit
        self.user = user
        # Until the snapshot says which table this screen belongs to, other tables' ideas
        # come in brief; staff, the theme team and the hall screen see everything.
        full = self.hall or bool(roles & (rules.STAFF_ROLES | rules.CURATORS))
        self.live_audience: Any = FULL if full else table_audience(None)
        self.live_participant: int | None = None
        # Join before accepting and before the snapshot: no event can fall between the two.
        self.group = summit.group
        await hub().join(self.group, self, views=VIEWS, seq=summit.seq)
        await self.accept()
        await self._send_snapshot(since)

    async def _send_snapshot(self, since: int | None = None) -> None:
        """Send a snapshot, or (reconnecting with ``since``) only the events missed since.

        Live events wait while the snapshot is made; afterwards the socket gets the ones
        after the snapshot's seq, so a screen never sees an event before its snapshot.
        """
        assert self.group is not None
        hub().hold(self.group, self)
        frame = await _snapshot(self.summit, self.user, self.hall)
        self.live_audience = frame.audience
        self.live_participant = frame.participant
        if since is not None and hub().resume(self.group, self, since=since, upto=frame.seq):
            return
        await self.send(text_data=frame.text)
        hub().start(self.group, self, after=frame.seq)

    async def deliver_snapshot(self, frame: selectors.LiveSnapshot) -> None:
        """Send a snapshot made for this screen (see ``SnapshotRequests``), then the events
        after its seq."""
        assert self.group is not None
        self.live_audience = frame.audience
        self.live_participant = frame.participant
        await self.send(text_data=frame.text)
        hub().start(self.group, self, after=frame.seq)

    async def resync(self) -> None:
        """The hub lost this summit's events (Redis restarted): send a fresh snapshot."""
        await self._send_snapshot()

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await hub().leave(self.group, self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else bytes_data or b""
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > settings.LIVE_MAX_FRAME_BYTES:
            logger.warning(
                "live frame of %s bytes over the limit from user %s; closing",
                size,
                getattr(self.user, "pk", None),
            )
            await self.close(code=ws.CLOSE_TOO_LARGE)
            return
        try:
            frame = frames.parse_object(raw)
        except frames.BadFrame as bad:
            await self._error(None, "bad_frame", bad.message)
            return
        kind = frame.get("kind")
        if kind == "snapshot.request":
            assert self.group is not None
            since = frame.get("seq")
            if (
                isinstance(since, int)
                and not isinstance(since, bool)
                and hub().repair(self.group, self, since=since)
            ):
                # The screen saw a gap and this process holds what it missed: those events,
                # with the next batch, cost no database read and count against no limit.
                return
            # A snapshot is the heaviest read there is: asked for in a loop, it keeps the
            # process's database thread, which every command also needs, busy with one after
            # another. Hall screens have no person: their allowance is per socket.
            who = "a hall screen" if self.hall else f"user {self.user.pk}"
            bucket = ("snapshot", self.hub_id if self.hall else self.user.pk)
            if await self._over_limit(None, bucket, f"snapshot requests of {who}"):
                return
            snapshot_requests(self.summit).ask(self)
            return
        if kind != "command":
            await self._error(None, "bad_frame", _("Onbekend soort bericht."))
            return
        key = frames.command_key(frame.get("id"))
        if key is None:
            await self._error(None, "bad_id", _("Een opdracht heeft een UUID als id nodig."))
            return
        command, data = frame.get("type"), frame.get("data", {})
        if not isinstance(command, str) or not isinstance(data, dict):
            await self._error(str(key), "bad_frame", _("Een opdracht heeft een type en data."))
            return
        if self.hall:
            await self._error(str(key), "read_only", _("Het zaalscherm kan alleen kijken."))
            return
        if await self._over_limit(str(key), self.user.pk, f"commands of user {self.user.pk}"):
            return
        try:
            result = await queue_for(self.summit).run(self.user, key, command, data)
        except services.CommandRefused as refusal:
            await self._error(str(key), refusal.code, refusal.message)
            return
        except Exception:  # logged where it happened; nothing of it was stored
            await self._error(
                str(key), "server_error", _("Dit lukte niet door een storing. Probeer het opnieuw.")
            )
            return
        await self.send(text_data=dumps({"kind": "ack", "id": str(key), "result": result}))

    async def _over_limit(self, frame_id: str | None, bucket: Any, what: str) -> bool:
        """Refuse the frame with ``rate_limited`` when ``bucket`` has none left just now."""
        verdict = command_limiter().take(bucket, time.monotonic())
        if verdict.allowed:
            return False
        if verdict.refused_in_a_row == 1:
            logger.warning("live %s over the rate limit", what)
        await self._error(
            frame_id, "rate_limited", _(RATE_LIMITED), retry_after=verdict.retry_after
        )
        return True

    async def _error(self, frame_id: str | None, code: str, message: str, **extra: float) -> None:
        frame = {"kind": "error", "id": frame_id, "code": code, "message": message, **extra}
        await self.send(text_data=dumps(frame))
