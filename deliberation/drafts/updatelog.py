"""A room's side of the update log: write queued edits in batches, compact the log in a
quiet moment, catch up with what other writers put in it, and keep what other processes
relayed until they say it is logged.

The database log is the source of truth of a co-written draft (``services``); a room keeps
its document in memory and writes what its editors typed here, a batch at most every
``save_interval()``, so a keystroke never waits for the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone
from pycrdt import Doc

from . import selectors, services

logger = logging.getLogger(__name__)

Edit = tuple[bytes, int | None]  # an update and its author's id


def save_interval() -> float:
    """Seconds between writes of the update log (``DRAFT_SAVE_INTERVAL``). A killed process
    loses at most this much of its log, and nothing it confirmed: the other processes log
    what it relayed to them, the browsers send what it did not relay when they reconnect. A
    server that shuts down writes what it has first."""
    return float(settings.DRAFT_SAVE_INTERVAL)


def compact_quiet() -> float:
    """Seconds without edits in a room before it compacts a log that has grown past
    ``COMPACT_AFTER`` (``DRAFT_COMPACT_QUIET``). Compacting merges the log in the database
    thread (3.5 ms for 500 updates on a 6,000-word draft, 22 ms for 2,000, holding the GIL),
    and keystrokes relayed meanwhile wait for it. A room that is never quiet compacts at
    ``COMPACT_BUSY_FACTOR`` times ``COMPACT_AFTER``, and a room that closes compacts first."""
    return float(settings.DRAFT_COMPACT_QUIET)


def catch_up_interval() -> float:
    """Seconds a room's reading of the log counts as fresh for a sync answer
    (``DRAFT_CATCH_UP_INTERVAL``). The log only holds what some room or service also sent
    to this room, so the reading is a safety net for a message that got lost; with editors
    re-syncing every few seconds, reading it for every answer was ten queries a second in
    the database thread, each holding up the relay of keystrokes."""
    return float(settings.DRAFT_CATCH_UP_INTERVAL)


def _append(draft_id: int, batch: list[Edit]) -> None:
    services.draft_updates_append(draft_id=draft_id, updates=batch, now=timezone.now())


def _append_then_count(draft_id: int, batch: list[Edit]) -> int:
    """Append, then how many updates of the log no snapshot has folded in yet (one trip to
    the database thread for both)."""
    _append(draft_id, batch)
    return selectors.draft_log_uncompacted(draft_id)


class UpdateLog:
    """The update log of one room: ``queue`` an edit, ``flush`` to wait until it is written,
    ``catch_up`` to apply what others wrote. ``on_written(count)`` is told, after each
    successful write, how many of the queued edits the log now holds."""

    def __init__(
        self, draft_id: int, slug: str, doc: Doc, on_written: Callable[[int], None]
    ) -> None:
        self.draft_id = draft_id
        self.slug = slug
        self.doc = doc
        self.on_written = on_written
        # Writing.
        self.unsaved: list[Edit] = []
        self.saver: asyncio.Task[None] | None = None
        self.queued = 0  # edits queued so far
        self.stored = 0  # of those, how many the saver has handled (written or failed)
        self.flush_now = asyncio.Event()
        self.batch_done = asyncio.Event()
        # Compacting.
        self.uncounted = 0  # edits written since the log was last counted
        self.active_at = 0.0  # loop time of the last edit the document took
        self.compactor: asyncio.Task[None] | None = None  # waiting for a quiet moment
        self.compact_now = asyncio.Event()
        # Reading.
        self.applied_id = 0
        self.caught_up_at: float | None = None  # loop time the last reading began
        self.reading: asyncio.Future[None] | None = None

    def edited(self) -> None:
        """The document took an edit (from here or elsewhere): not a quiet moment."""
        self.active_at = asyncio.get_running_loop().time()

    def queue(self, update: bytes, author_id: int | None) -> None:
        """Queue an edit for the next write."""
        self.unsaved.append((update, author_id))
        self.queued += 1
        if self.saver is None:
            self.saver = asyncio.get_running_loop().create_task(self._save())

    async def flush(self) -> None:
        """Return once every edit queued before the call is in the log (or failed)."""
        target = self.queued
        while self.stored < target and self.saver is not None:
            self.flush_now.set()
            await self.batch_done.wait()

    async def close(self) -> None:
        """Write what is queued; a compaction waiting for a quiet moment runs now."""
        await self.flush()
        if self.compactor is not None:
            self.compact_now.set()
            await self.compactor

    async def _save(self) -> None:
        """Write queued edits in batches, at most every ``save_interval()``: while one batch
        is written the next gathers. The writes run in the database thread and hold the GIL
        while the ORM works; written per keystroke they slowed the relay of every edit."""
        try:
            while self.unsaved:
                if not self.flush_now.is_set():
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(save_interval()):
                            await self.flush_now.wait()
                self.flush_now.clear()
                batch, self.unsaved = self.unsaved, []
                written = await self._write(batch)
                self.stored += len(batch)
                if written:
                    self.on_written(self.stored)
                done, self.batch_done = self.batch_done, asyncio.Event()
                done.set()
        finally:
            self.saver = None

    async def _write(self, batch: list[Edit]) -> bool:
        """Append ``batch`` to the log, counting the log now and then; False if it failed."""
        # Counting the log for every batch was a query four to ten times a second.
        self.uncounted += len(batch)
        count = self.uncounted >= services.compact_check_every()
        try:
            if count:
                self.uncounted = 0
                pending = await database_sync_to_async(_append_then_count)(self.draft_id, batch)
                self._compact_if_long(pending)
            else:
                await database_sync_to_async(_append)(self.draft_id, batch)
        except Exception:
            # Clients still hold these edits and send them again when they re-sync.
            logger.exception("draft %s: could not store %d updates", self.slug, len(batch))
            return False
        return True

    def _compact_if_long(self, pending: int) -> None:
        if pending < services.COMPACT_AFTER:
            return
        if pending >= services.COMPACT_AFTER * services.COMPACT_BUSY_FACTOR:
            self.compact_now.set()  # far too long: do not wait for a quiet moment
        if self.compactor is None:
            self.compactor = asyncio.get_running_loop().create_task(self._compact_when_quiet())

    async def _compact_when_quiet(self) -> None:
        """Compact once nobody has edited for ``compact_quiet()`` seconds, or at once when the
        log is far too long; the room has one such task at a time."""
        loop = asyncio.get_running_loop()
        try:
            while (wait := self.active_at + compact_quiet() - loop.time()) > 0:
                if self.compact_now.is_set():
                    break
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(wait):
                        await self.compact_now.wait()
            await self._compact()
        finally:
            self.compact_now.clear()  # also if the saver asked again meanwhile: this was it
            self.compactor = None

    async def _compact(self) -> None:
        """Write what the room holds, then fold the log into a snapshot (``draft_compact``)."""
        try:
            await self.flush()
            await database_sync_to_async(services.draft_compact)(
                draft_id=self.draft_id, now=timezone.now()
            )
        except Exception:
            # The log stays as it is; the next count tries again.
            logger.exception("draft %s: could not compact the log", self.slug)

    async def catch_up(self) -> None:
        """Apply what the log holds past what this room has read of it."""
        self.caught_up_at = asyncio.get_running_loop().time()
        chunks, last = await database_sync_to_async(selectors.draft_updates_since)(
            self.draft_id, self.applied_id
        )
        for chunk in chunks:
            self.doc.apply_update(chunk)
        self.applied_id = max(self.applied_id, last)

    async def read_if_stale(self) -> None:
        """``catch_up`` unless the last reading began less than ``catch_up_interval()`` ago;
        callers that ask together share one reading."""
        loop = asyncio.get_running_loop()
        if self.reading is None:
            fresh = self.caught_up_at is not None and (
                loop.time() - self.caught_up_at < catch_up_interval()
            )
            if fresh:
                return
            self.reading = reading = loop.create_task(self.catch_up())
            reading.add_done_callback(self._read)
        await asyncio.shield(self.reading)

    def _read(self, reading: asyncio.Future[None]) -> None:
        if self.reading is reading:
            self.reading = None


def others_log_wait() -> float:
    """Seconds a room waits for the room of another process to say it has logged the edits
    it sent (``DRAFT_OTHERS_LOG_WAIT``), before logging them itself. That room writes its
    log every ``save_interval()`` and says so at once; a killed one never does."""
    return float(settings.DRAFT_OTHERS_LOG_WAIT)


@dataclass
class Unlogged:
    """Edits the room of another process sent, kept until it says they are in the log."""

    upto: int  # that room's count of queued updates when it sent them
    updates: list[Edit]
    arrived: float  # loop time


class RelayedEdits:
    """The edits the same draft's rooms in other processes relayed here, per room, until
    that room says they are in the log; what it does not confirm within
    ``others_log_wait()`` goes into ``log`` from here (its process may have been killed)."""

    def __init__(self, log: UpdateLog) -> None:
        self.log = log
        self.unlogged: dict[str, deque[Unlogged]] = {}
        self.changed = asyncio.Event()
        self.keeper: asyncio.Task[None] | None = None  # logs what they leave unlogged

    def note(self, origin: str, message: dict[str, Any]) -> None:
        """Keep the edits a message of room ``origin`` carries; forget what it says it logged."""
        loop = asyncio.get_running_loop()
        edits = message.get("edits")
        if edits:
            kept = Unlogged(
                upto=int(message["upto"]),
                updates=[(bytes(update), author_id) for update, author_id in edits],
                arrived=loop.time(),
            )
            self.unlogged.setdefault(origin, deque()).append(kept)
            if self.keeper is None:
                self.keeper = loop.create_task(self._keep())
        pending = self.unlogged.get(origin)
        logged = message.get("logged")
        if pending and logged is not None:
            while pending and pending[0].upto <= logged:
                pending.popleft()
            if not pending:
                del self.unlogged[origin]
            self._changed()

    def _changed(self) -> None:
        changed, self.changed = self.changed, asyncio.Event()
        changed.set()

    async def _keep(self) -> None:
        """Log what other processes sent and did not say they logged within
        ``others_log_wait()``: its editors have it, and its process may be gone."""
        loop = asyncio.get_running_loop()
        try:
            while self.unlogged:
                oldest = min(pending[0].arrived for pending in self.unlogged.values())
                wait = oldest + others_log_wait() - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                else:
                    self.log_all(arrived_before=loop.time() - others_log_wait())
        finally:
            self.keeper = None

    def log_all(self, arrived_before: float | None = None) -> None:
        """Queue for our own log what other processes sent (before ``arrived_before``) and
        have not said they logged. Logged twice it is harmless: updates merge."""
        for origin, pending in list(self.unlogged.items()):
            while pending and (arrived_before is None or pending[0].arrived <= arrived_before):
                for update, author_id in pending.popleft().updates:
                    self.log.queue(update, author_id)
            if not pending:
                del self.unlogged[origin]
        self._changed()

    async def all_logged(self) -> None:
        """Return once what other processes sent before the call is in the log or queued for
        ours: they said they logged it, or it was taken over here."""
        targets = {origin: pending[-1].upto for origin, pending in self.unlogged.items()}
        loop = asyncio.get_running_loop()
        while True:
            waiting = False
            for origin, upto in targets.items():
                pending = self.unlogged.get(origin)
                waiting = waiting or bool(pending and pending[0].upto <= upto)
            if not waiting:
                return
            try:
                async with asyncio.timeout(others_log_wait()):
                    await self.changed.wait()
            except TimeoutError:
                # Not left to the keeper alone: an answer must never wait for good.
                self.log_all(arrived_before=loop.time() - others_log_wait())

    def stop(self) -> None:
        if self.keeper is not None:
            self.keeper.cancel()
