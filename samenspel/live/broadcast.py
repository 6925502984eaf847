"""The one way a service reaches live screens: ``broadcast`` after commit, through the hubs.

A service calls ``broadcast(group, message)`` inside its transaction. After the commit the
message is serialised once and handed to the channel layer, where the only member of
``group`` is one hub channel per server process (``hub.Hub``). A rolled-back write never
reaches a screen.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .frames import dumps
from .hub import HUB_MESSAGE_TYPE, can_check, hub_of, send_to_group
from .loops import PerLoop, server_loop, server_stopped

logger = logging.getLogger(__name__)

# A push slower than this from its commit to Redis is logged (with where the time went).
SLOW_PUSH_SECONDS = 0.25


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
        loop = server_loop()
        if loop is not None:
            # In a server process: hand the push to the event loop and return at once, so
            # the database thread goes on with the next command instead of waiting while
            # the loop writes frames. The hub puts events back in seq order.
            _outboxes.get(loop).put(group, wrapped)
            return
        if server_stopped():
            # The process is stopping: the screens catch up when they reconnect elsewhere.
            logger.info("push to %s not sent: the server is stopping", group)
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
        current = hub_of(self.loop)
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
_pusher_lock = threading.Lock()


def _push_loop() -> asyncio.AbstractEventLoop:
    """The event loop of this process's push thread (started on first use)."""
    global _pusher
    with _pusher_lock:
        if _pusher is None or _pusher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="live-push", daemon=True).start()
            _pusher = (os.getpid(), loop)
        return _pusher[1]


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


_outboxes: PerLoop[_Outbox] = PerLoop(_Outbox)


def _report(done: Any, group: str) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.error("broadcast to %s failed", group, exc_info=done.exception())
