"""Live commands of one summit in one server process, run in batches.

Every socket of a summit hands its commands to the summit's queue. While the database runs
one batch, the commands that arrive meanwhile wait, and then go together as the next batch
(``services.command_run_batch``): one transaction, one lock, one commit. A lone command
goes at once; under a burst the batches grow by themselves, so no timer delays anything.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async

from samenspel.live.loops import PerLoop

from . import services
from .models import Summit

logger = logging.getLogger(__name__)

# The most commands in one transaction: keeps the summit row lock short for other processes.
MAX_BATCH = 50


@dataclass
class _Waiting:
    command: services.Command
    answer: asyncio.Future[Any]


@database_sync_to_async
def _run_batch(summit: Summit, commands: list[services.Command]) -> list[Any]:
    return services.command_run_batch(summit=summit, commands=commands)


class SummitQueue:
    def __init__(self, summit: Summit) -> None:
        self.summit = summit
        self.waiting: list[_Waiting] = []
        self.worker: asyncio.Task[None] | None = None

    async def run(self, by: Any, key: uuid.UUID, command: str, data: dict[str, Any]) -> Any:
        """The command's result; raises what stopped it (``services.CommandRefused``)."""
        loop = asyncio.get_running_loop()
        waiting = _Waiting(services.Command(by, key, command, data), loop.create_future())
        # Marks the answer as read even when its screen has gone and no one awaits it.
        waiting.answer.add_done_callback(lambda done: done.cancelled() or done.exception())
        self.waiting.append(waiting)
        if self.worker is None or self.worker.done():
            self.worker = loop.create_task(self._work())
        # A screen that closes meanwhile does not cancel its command: it still commits, and
        # a resend with the same id gets the same answer.
        return await asyncio.shield(waiting.answer)

    async def _work(self) -> None:
        while self.waiting:
            batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
            try:
                answers = await _run_batch(self.summit, [w.command for w in batch])
            except Exception as error:  # the transaction itself failed: nothing was stored
                logger.exception("a batch of %s live commands failed", len(batch))
                answers = [error] * len(batch)
            for waiting, answer in zip(batch, answers, strict=True):
                if waiting.answer.done():
                    continue
                if isinstance(answer, BaseException):
                    waiting.answer.set_exception(answer)
                else:
                    waiting.answer.set_result(answer)


_queues: PerLoop[dict[int, SummitQueue]] = PerLoop(lambda loop: {})


def queue_for(summit: Summit) -> SummitQueue:
    """The queue of ``summit`` in this process (one per event loop)."""
    queues = _queues.get()
    found = queues.get(summit.pk)
    if found is None:
        found = queues[summit.pk] = SummitQueue(summit)
    return found
