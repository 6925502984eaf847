"""The one way a service reaches live screens: broadcast after commit, fanned out per process.

A service calls ``broadcast(group, message)`` inside its transaction. After the commit the
message is serialised once and handed to the channel layer, where the only member of
``group`` is one hub channel per server process. Each process's hub then writes the same
frame to every local socket that joined the group. A rolled-back write never reaches a
screen, and a push to 1,000 sockets costs one channel-layer message per process instead of
one per socket (see DESIGN.md, "How data flows").
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import Mapping
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

logger = logging.getLogger(__name__)

HUB_MESSAGE_TYPE = "hub.message"


def dumps(message: Mapping[str, Any]) -> str:
    """Serialise a frame the way every live channel does (compact, dates as ISO 8601)."""
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


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
        try:
            async_to_sync(layer.group_send)(group, wrapped)
        except Exception:
            # The database holds the truth; a lost push is repaired by the next snapshot.
            logger.exception("broadcast to %s failed", group)

    transaction.on_commit(send)


async def broadcast_now(
    group: str, message: Mapping[str, Any] | bytes, *, skip: str | None = None
) -> None:
    """Send at once, for data that lives outside the database (presence, CRDT updates)."""
    layer = get_channel_layer()
    if layer is not None:
        await layer.group_send(group, envelope(group, message, skip))


class LocalSocket(Protocol):
    hub_id: str

    async def send(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None: ...


class Hub:
    """Per process (per event loop): the local sockets of each group, fed by one channel."""

    def __init__(self) -> None:
        self.members: dict[str, set[LocalSocket]] = {}
        self.channel_name: str | None = None
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    async def join(self, group: str, socket: LocalSocket) -> None:
        layer = get_channel_layer()
        async with self.lock:
            if self.channel_name is None:
                # The default prefix matters: channels_redis runs one receive loop per
                # process for all "specific." channels; another prefix would contend for it.
                self.channel_name = await layer.new_channel()
                self.reader = asyncio.get_running_loop().create_task(self._read())
            sockets = self.members.setdefault(group, set())
            first = not sockets
            sockets.add(socket)
            if first:
                await layer.group_add(group, self.channel_name)

    async def leave(self, group: str, socket: LocalSocket) -> None:
        layer = get_channel_layer()
        async with self.lock:
            sockets = self.members.get(group)
            if not sockets:
                return
            sockets.discard(socket)
            if not sockets:
                del self.members[group]
                if self.channel_name is not None:
                    await layer.group_discard(group, self.channel_name)

    def local_count(self, group: str) -> int:
        return len(self.members.get(group, ()))

    async def _read(self) -> None:
        layer = get_channel_layer()
        assert self.channel_name is not None
        while True:
            try:
                message = await layer.receive(self.channel_name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("hub receive failed; retrying")
                await asyncio.sleep(0.5)
                continue
            await self.deliver(message)

    async def deliver(self, message: Mapping[str, Any]) -> None:
        group = message.get("group")
        text = message.get("text")
        data = message.get("bytes")
        skip = message.get("skip")
        targets: set[LocalSocket] = (self.members.get(group) if group else None) or set()
        for socket in list(targets):
            if skip and socket.hub_id == skip:
                continue
            try:
                if text is not None:
                    await socket.send(text_data=text)
                else:
                    await socket.send(bytes_data=data)
            except Exception:
                logger.warning("dropping a live socket that could not be written to")
                targets.discard(socket)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """The hub of the running event loop (one per server process; one per test loop)."""
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None:
        current = _hubs[loop] = Hub()
    return current
