"""What a server process does with its requests and live sockets when it is told to stop.

On SIGTERM Daphne cancels its application instances, waits until they have ended, then
stops its event loop and drops every connection. Cancelling Django's ASGI handler does not
end a view that is running: the handler ends its view's task only when the client leaves.
Under an asynchronous view (the letter-code login) a thread of the synchronous middleware
(WhiteNoise) waits for that view on the event loop; once the loop had stopped it waited for
good, and so did the process, which waits for its threads before it exits. And Daphne's
cancelling fails as a whole (a KeyError) when any connection has no instance at that
moment, such as a WebSocket opened in the last second: then nothing was ended at all.

So this process ends its own work, from a shutdown step of its own under Daphne and when
Daphne cancels a request, whichever comes first. Each request in progress (inside Django,
or still waiting at the door) gets ``HTTP_STOP_GRACE_SECONDS`` to finish. Then one inside
Django is ended as if its client had left, so Django ends the view as it ends any
abandoned request, threads included; one that never got in is simply dropped; and both
are answered 503, which asks to try again in a few seconds (Retry-After): by then the
proxy sends it to another process, or this one has restarted. Requests that arrive after
the stop began are answered the same way at once. Live sockets are closed with a close
frame, so their pages reconnect at once (frontend/src/live.js, the editor) instead of
waiting to notice a dead connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from typing import Any

from django.conf import settings
from django.utils.html import escape
from django.utils.translation import gettext as _

from .live.loops import PerLoop

logger = logging.getLogger(__name__)

ASGIApp = Any
RETRY_AFTER_SECONDS = 5
UNWIND_SECONDS = 2.0  # for Django to end a view it was told to end, threads included
# An ordinary close: the live pages reconnect after any close outside 4000-4999. (1001 and
# 1012 would say more, but Daphne's WebSocket library lets an application send only 1000
# and 3000-4999.)
CLOSE_SERVER_STOPS = 1000
CLOSE_WAIT_SECONDS = 1.0  # for clients to answer the close frame
FLUSH_SECONDS = 0.05


class _Process:
    """This process's requests and live sockets (per event loop), and whether it stops."""

    def __init__(self) -> None:
        self.stopping = False
        self.hooked = False
        self.requests: set[_Request] = set()
        self.sockets: set[Any] = set()  # each open socket's ASGI send


_processes: PerLoop[_Process] = PerLoop(lambda _loop: _Process())


class _Request:
    """One HTTP request in progress: how far Django got with it, and how to end it."""

    def __init__(self, receive: Any, send: Any, grace: float) -> None:
        self._receive, self._send, self.grace = receive, send, grace
        self.body_read = False
        self.client_left = False
        self.response_started = False
        self.stopped: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.serving: asyncio.Future[None] | None = None
        self._ending: asyncio.Future[None] | None = None

    async def receive(self) -> dict[str, Any]:
        if not self.body_read:
            return self._seen(await self._receive())
        # Django waits for the client to leave while its view runs: that wait also ends
        # when the server stops.
        reading = asyncio.ensure_future(self._receive())
        try:
            await asyncio.wait((reading, self.stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not reading.done():
                reading.cancel()
        if reading.done() and not reading.cancelled():
            return self._seen(reading.result())
        return {"type": "http.disconnect"}

    def _seen(self, message: dict[str, Any]) -> dict[str, Any]:
        if message["type"] == "http.disconnect":
            self.client_left = True
        elif not message.get("more_body", False):
            self.body_read = True
        return message

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.response_started = True
        await self._send(message)

    def end(self) -> asyncio.Future[None]:
        """Finish or refuse this request because the server stops (once, however often
        asked: both Daphne's cancel and the stop hook ask)."""
        if self._ending is None:
            self._ending = asyncio.ensure_future(self._finish_or_refuse())
        return self._ending

    async def _finish_or_refuse(self) -> None:
        serving = self.serving
        assert serving is not None
        await asyncio.wait((serving,), timeout=self.grace)
        if not serving.done():
            if self.body_read:
                # As when its client leaves: Django ends the view, and its threads with it.
                self.stopped.set_result(None)
            else:
                serving.cancel()  # at the door or still reading: nothing of Django runs yet
            await asyncio.wait((serving,), timeout=UNWIND_SECONDS)
        if not serving.done():
            logger.warning("a request did not end when the server stopped; cancelled")
            serving.cancel()
        if serving.done() and not serving.cancelled() and serving.exception() is not None:
            logger.error("a request failed while the server stopped", exc_info=serving.exception())
        if not self.response_started and not self.client_left:
            with contextlib.suppress(Exception):
                await stopping_refusal(self._send)


async def stopping_refusal(send: Any) -> None:
    """503: this process is stopping; try again in a few seconds."""
    message = _("De server start opnieuw op. Probeer het over een paar seconden nog eens.")
    body = (
        '<!doctype html><html lang="nl"><meta charset="utf-8">'
        f"<title>Samenspel</title><p>{escape(message)}</p></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-security-policy", b"default-src 'none'"),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
                (b"cache-control", b"no-store"),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _close_for_stop(send: Any) -> None:
    # Daphne ignores a close for a socket that is closed already.
    with contextlib.suppress(Exception):
        await send({"type": "websocket.close", "code": CLOSE_SERVER_STOPS})


async def _client_gone(receive: Any) -> None:
    while (await receive())["type"] != "websocket.disconnect":
        pass


async def _stop(process: _Process) -> None:
    """End everything in progress: close the live sockets, finish or refuse the requests."""
    process.stopping = True
    for send in list(process.sockets):
        await _close_for_stop(send)
    await asyncio.gather(*(request.end() for request in list(process.requests)))
    # A socket leaves the set when its client has answered the close (or went away).
    deadline = asyncio.get_running_loop().time() + CLOSE_WAIT_SECONDS
    while process.sockets and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    # Twisted writes what was sent on a later turn of the loop, and the shutdown after this
    # step drops the connections without writing.
    await asyncio.sleep(FLUSH_SECONDS)


def _hook_server_stop(process: _Process) -> None:
    """Under Daphne, run ``_stop`` before the server shuts down.

    Daphne cancels its application instances on the way out, but that step fails as a
    whole (a KeyError) when any connection has no instance at that moment, such as a
    WebSocket upgraded in the last second; then nothing is ended and the loop just stops.
    A shutdown trigger of our own does not depend on it."""
    if process.hooked:
        return
    process.hooked = True
    reactor: Any = sys.modules.get("twisted.internet.reactor")
    if getattr(reactor, "_asyncioEventloop", None) is not asyncio.get_running_loop():
        return  # not served by Daphne on this loop
    from twisted.internet import defer

    reactor.addSystemEventTrigger(
        "before",
        "shutdown",
        lambda: defer.Deferred.fromFuture(asyncio.ensure_future(_stop(process))),
    )


class RequestsStop:
    """Wraps the HTTP application: ends its requests in order when the server stops."""

    def __init__(self, app: ASGIApp, grace: float | None = None) -> None:
        self.app = app
        self.grace = settings.HTTP_STOP_GRACE_SECONDS if grace is None else grace

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        process = _processes.get()
        if process.stopping:
            await stopping_refusal(send)
            return
        _hook_server_stop(process)
        request = _Request(receive, send, self.grace)
        # Its own task, so that a cancel stops here and does not reach into Django.
        request.serving = serving = asyncio.ensure_future(
            self.app(scope, request.receive, request.send)
        )
        process.requests.add(request)
        try:
            await asyncio.shield(serving)
        except asyncio.CancelledError:
            if request.client_left:  # Daphne gave up on a request whose client left
                serving.cancel()
                raise
            process.stopping = True  # only a stopping server cancels a request in progress
            await asyncio.shield(request.end())
            raise
        finally:
            process.requests.discard(request)


class SocketsStop:
    """Wraps the WebSocket application: a socket still open when the server stops gets a
    close frame, instead of a dropped connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        process = _processes.get()
        _hook_server_stop(process)
        process.sockets.add(send)
        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:
            await _close_for_stop(send)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(_client_gone(receive), CLOSE_WAIT_SECONDS)
            raise
        finally:
            process.sockets.discard(send)
