"""Drive WebSocket routes through the real ASGI application (routing, origin check, login)."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from samenspel.asgi import application

ORIGIN = "http://testserver"


@database_sync_to_async
def session_cookie_for(user: Any) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def communicator(
    path: str, *, user: Any = None, token: str | None = None, origin: str | None = ORIGIN
) -> WebsocketCommunicator:
    headers = []
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    if user is not None:
        headers.append((b"cookie", (await session_cookie_for(user)).encode()))
    if token is not None:
        path = f"{path}{'&' if '?' in path else '?'}token={token}"
    return WebsocketCommunicator(application, path, headers=headers)


CONNECT_TIMEOUT = 5  # seconds


@asynccontextmanager
async def connected(path: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    """A connected socket that is always disconnected afterwards."""
    socket = await communicator(path, **kwargs)
    # Channels' default of 1 s timed out on a loaded test machine (a real screen waits longer).
    ok, code = await socket.connect(CONNECT_TIMEOUT)
    assert ok, f"connection refused with {code}"
    try:
        yield socket
    finally:
        await socket.disconnect()


async def receive_json(socket: WebsocketCommunicator, timeout: float = 3) -> dict[str, Any]:
    return json.loads(await socket.receive_from(timeout))


async def closed_with(socket: WebsocketCommunicator, timeout: float = 3) -> int:
    """Connect and return the close code the server ends the socket with."""
    ok, code = await socket.connect(timeout)
    if not ok:
        return int(code or 0)
    message = await socket.receive_output(timeout)
    assert message["type"] == "websocket.close", message
    return int(message.get("code", 1000))


async def past_the_opening(socket: WebsocketCommunicator) -> dict[str, Any]:
    """The next frame past a poll's opening: its push leaves after the commit, on its own
    time, and may reach a socket that joined just after ``poll_open`` returned, before or
    after the socket's snapshot."""
    event = await receive_json(socket)
    while event.get("type") == "poll.opened":
        assert set(event["data"]) == {"poll", "title", "method"}
        event = await receive_json(socket)
    return event


async def snapshot_frame(socket: WebsocketCommunicator) -> dict[str, Any]:
    """The socket's snapshot, past the opening's push if that came first."""
    snapshot = await past_the_opening(socket)
    assert snapshot["kind"] == "snapshot", snapshot
    return snapshot
