"""How the server takes an HTTP request: a door, then Django in one thread.

``HttpGate``: at most HTTP_CONCURRENCY requests of one process are inside Django at a time;
the others wait their turn on the event loop. Django runs each request's synchronous code
on a thread of its own: when a thousand residents press "Stem uitbrengen" at once, a process
without this door started some five hundred threads that fought over one interpreter lock
and a pool of ten database connections, and the burst ended in timeouts. Waiting on the
event loop costs nothing; a request goes in as soon as one leaves, in the order they came.
WebSockets and the lifespan pass straight through.

``OneThreadHandler``: Django's ASGI handler with its middleware chain built synchronously,
so the chain and the view run in one trip to a thread. Django's own handler builds the
chain asynchronously (all of Django's middleware can be both), and then each
``process_request`` and ``process_response`` of each middleware, and the view, is a trip
from the event loop to a thread and back: some twenty per request, a fifth of the CPU of
a request that does little else (docs/performance.md, "A thousand ballots at once").
An asynchronous view (the letter-code login, which waits out a guesser's delay on the event
loop) keeps Django's own handler, outside the door: its wait holds no thread and no place
in the queue. ``HttpEntry`` sends each request to the one that fits its view.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

from .live.loops import PerLoop

ASGIApp = Any


class OneThreadHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await sync_to_async(self.get_response)(request)
        return response


class HttpGate:
    """Wraps the HTTP application; ``limit`` (0: no door) comes from HTTP_CONCURRENCY."""

    def __init__(self, app: ASGIApp, limit: int | None = None) -> None:
        self.app = app
        self.limit = settings.HTTP_CONCURRENCY if limit is None else limit
        self.doors: PerLoop[asyncio.Semaphore] = PerLoop(
            lambda _loop: asyncio.Semaphore(self.limit)
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.limit <= 0:
            await self.app(scope, receive, send)
            return
        async with self.doors.get():
            await self.app(scope, receive, send)


@lru_cache(maxsize=4096)
def _async_view(path: str) -> bool:
    """Whether ``path`` leads to an asynchronous view (a path that leads nowhere: no)."""
    try:
        return iscoroutinefunction(resolve(path).func)
    except Resolver404:
        return False


class HttpEntry:
    """The HTTP application: synchronous views through the door and one thread, asynchronous
    ones through Django's own handler."""

    def __init__(self) -> None:
        self.sync = HttpGate(OneThreadHandler())
        self.async_views = ASGIHandler()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and _async_view(scope["path"]):
            await self.async_views(scope, receive, send)
        else:
            await self.sync(scope, receive, send)
