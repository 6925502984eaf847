"""Chatty counters, coalesced (DESIGN.md): a thing whose count changed gets one push at
once, or, within ``interval`` seconds of its last push, one at the end of that time. The
count is made when the push leaves, so the latest count always goes out, and a burst of a
thousand changes costs a few pushes instead of a count and a push each.

``Coalesced(interval, push)``: ``push(key)`` is sync code (it counts in the database) and
runs in a worker thread of the server. ``changed(key)`` may be called from any thread, and
after the commit that changed the count (``transaction.on_commit``). Outside a server (a
script, a test's sync code) the push runs at once.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import threading
import time
from collections.abc import Callable, Hashable

from asgiref.sync import sync_to_async
from django.db import close_old_connections

from .loops import PerLoop, server_loop

logger = logging.getLogger(__name__)


class Coalesced:
    """Pushes of one kind (a poll's turnout, a summit vote's turnout) for every process."""

    def __init__(self, interval: float, push: Callable[[Hashable], None]) -> None:
        self.interval = interval
        self.push = push
        self.per_loop: PerLoop[_LoopPushes] = PerLoop(lambda loop: _LoopPushes(self, loop))

    def changed(self, key: Hashable) -> None:
        loop = server_loop()
        if loop is None:
            self.push(key)
        else:
            self.per_loop.get(loop).changed(key)

    def push_and_release(self, key: Hashable) -> None:
        """``push`` in a worker thread of the server, then its database connection is given
        back (to the pool): closed here, in the context that opened it."""
        try:
            self.push(key)
        finally:
            close_old_connections()


class _LoopPushes:
    def __init__(self, owner: Coalesced, loop: asyncio.AbstractEventLoop) -> None:
        self.owner = owner
        self.loop = loop
        self.lock = threading.Lock()
        self.last: dict[Hashable, float] = {}
        self.due: set[Hashable] = set()
        self.tasks: set[asyncio.Task[None]] = set()

    def changed(self, key: Hashable) -> None:
        interval = self.owner.interval
        with self.lock:
            if key in self.due:
                return
            self.due.add(key)
            wait = self.last.get(key, -interval) + interval
            wait = max(0.0, wait - time.monotonic())
        # In a context of its own: not the committing request's (its language, its thread).
        try:
            self.loop.call_soon_threadsafe(self._start, key, wait, context=contextvars.Context())
        except RuntimeError:  # the loop closed meanwhile (the process is stopping)
            with self.lock:
                self.due.discard(key)
            self.owner.push(key)

    def _start(self, key: Hashable, wait: float) -> None:
        task = self.loop.create_task(self._push(key, wait))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _push(self, key: Hashable, wait: float) -> None:
        await asyncio.sleep(wait)
        with self.lock:
            # Changes committed from here on ask for a push of their own.
            self.due.discard(key)
            self.last[key] = time.monotonic()
        try:
            await sync_to_async(self.owner.push_and_release, thread_sensitive=False)(key)
        except Exception:
            # The screens catch up at the next push or snapshot; what changed is stored.
            logger.exception("coalesced push for %s failed", key)
