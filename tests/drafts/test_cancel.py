"""A co-writing room stops when its server stops, also in the moment an awaited word arrives.

Under Python 3.11 ``asyncio.wait_for`` swallows a cancel that arrives together with the
result it waits for: the waiting code then carries on as if nothing happened, and a loop
around it runs on for good (a production-stack test run once hung for half an hour in a
test's teardown, its event loop waking every second). These tests make that moment happen
on purpose.
"""

from __future__ import annotations

import asyncio

import pytest
from pycrdt import Doc

from deliberation.drafts.updatelog import RelayedEdits, UpdateLog


@pytest.mark.asyncio
async def test_waiting_for_the_other_process_ends_when_cancelled_as_its_word_arrives() -> None:
    log = UpdateLog(0, "jeugdnota", Doc(), lambda count: None)
    relayed = RelayedEdits(log)
    relayed.note("other-process", {"edits": [(b"\x00\x00", None)], "upto": 1})
    waiting = asyncio.get_running_loop().create_task(relayed.all_logged())
    await asyncio.sleep(0)  # it now waits for the other process to say the edit is logged
    try:
        relayed.note("other-process", {"logged": 1})  # that word arrives ...
        waiting.cancel()  # ... as the server stops
        with pytest.raises(asyncio.CancelledError):
            await waiting
    finally:
        relayed.stop()
    assert waiting.cancelled()


@pytest.mark.asyncio
async def test_a_room_waiting_for_a_quiet_moment_stops_when_cancelled_as_the_moment_comes() -> None:
    log = UpdateLog(0, "jeugdnota", Doc(), lambda count: None)
    log.active_at = asyncio.get_running_loop().time() + 60  # someone typed: wait a minute
    compactor = asyncio.get_running_loop().create_task(log._compact_when_quiet())
    await asyncio.sleep(0)
    log.compact_now.set()  # the log grew far too long: compact at once ...
    compactor.cancel()  # ... as the server stops
    with pytest.raises(asyncio.CancelledError):
        await compactor
