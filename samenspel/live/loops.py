"""Per event loop state: one server process runs one event loop, a test run one per test.

Live state that belongs to a process (its hub, its push outbox, a poll's relay, a draft's
room) is kept per event loop, so that tests, which each run their own loop, never share it,
and a loop that is gone takes its state with it.
"""

from __future__ import annotations

import asyncio
import os
import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from asgiref.sync import SyncToAsync

T = TypeVar("T")


class PerLoop(Generic[T]):
    """One value per event loop, made by ``make(loop)`` on first use; safe from any thread."""

    def __init__(self, make: Callable[[asyncio.AbstractEventLoop], T]) -> None:
        self.make = make
        self.values: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = (
            weakref.WeakKeyDictionary()
        )
        self.lock = threading.Lock()

    def get(self, loop: asyncio.AbstractEventLoop | None = None) -> T:
        """The value of ``loop``, by default the running one (RuntimeError if none runs)."""
        if loop is None:
            loop = asyncio.get_running_loop()
        with self.lock:
            found = self.values.get(loop)
            if found is None:
                found = self.values[loop] = self.make(loop)
            return found

    def find(self, loop: asyncio.AbstractEventLoop) -> T | None:
        """The value of ``loop`` if it has one already; never makes one."""
        return self.values.get(loop)


def server_loop() -> asyncio.AbstractEventLoop | None:
    """The server's event loop, when this thread runs sync code for it (a service called
    through ``database_sync_to_async``); None in a script, a test's sync code or a loop."""
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


def server_stopped() -> bool:
    """Whether this thread runs sync code for a server loop that no longer runs: the process
    is stopping. Waiting for that loop (``async_to_sync``) would never return, and the
    interpreter waits for this thread before it exits."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return False
    return loop.is_closed() or not loop.is_running()


def stop_if_cancelled() -> None:
    """Raise CancelledError if the running task was asked to stop. For a ``while True`` loop
    that calls code it does not own: under Python 3.11 ``asyncio.wait_for`` (in a library)
    swallows a cancel that arrives as its awaited result does, and the loop would then run
    on for good, keeping a stopping server or a test run waiting. Our own waits use
    ``asyncio.timeout``, which passes every cancel on."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
