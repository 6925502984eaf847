"""A server process that is told to stop does stop, also with a push on its way out.

A turnout push runs in a worker thread of the server's event loop and sends through that
loop. When the loop had already stopped (SIGTERM), the push waited for it forever, and the
process, which waits for its worker threads before it exits, never exited.
"""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async

from samenspel.live.broadcast import broadcast

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_push_from_a_worker_thread_of_a_stopped_server_loop_returns():
    loop = asyncio.new_event_loop()
    server = threading.Thread(target=loop.run_forever, daemon=True)
    server.start()
    loop_stopped = threading.Event()
    pushed = threading.Event()

    def push_after_the_loop_stopped() -> None:
        loop_stopped.wait(10)
        broadcast("poll-1", {"type": "turnout.changed", "voted": 1})
        pushed.set()

    async def start_push() -> None:
        # As the turnout push runs: in a worker thread of the server's loop.
        asyncio.ensure_future(sync_to_async(push_after_the_loop_stopped, thread_sensitive=False)())

    asyncio.run_coroutine_threadsafe(start_push(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    server.join(5)
    assert not loop.is_running()
    loop_stopped.set()
    assert pushed.wait(5), "the push waited for a server loop that had stopped"
