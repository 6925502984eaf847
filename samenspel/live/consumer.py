"""The base of every live route's consumer: frames from the hub, written straight out."""

from __future__ import annotations

from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext

from . import wire
from .frames import dumps


class HubConsumer(AsyncWebsocketConsumer):
    """A live route's consumer: its frames come from the process's hub, not its own channel.

    Channels would give each consumer a channel-layer channel of its own and keep a receive
    running on it. Ours never get messages there, and with Redis a receive that is cancelled
    when its socket closes can take a message meant for the hub with it (the layer reads
    all of a process's channels in one loop). So a consumer does not listen on the layer.

    With nothing but the socket to listen to, the consumer reads it in a plain loop. Channels'
    loop for several sources starts a task for every message and waits for it with
    ``asyncio.wait``: per frame a task, a future and two more turns of the event loop before
    the handler runs, on every keystroke of a co-written draft.
    """

    direct: Any = None  # the Daphne WebSocket behind this consumer, for ``wire.write_direct``
    # Frames sent in one turn of the event loop leave in one socket write (``wire.write_together``).
    write_together = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scope = scope
        self.channel_layer = None
        self.base_send = send
        self.direct = wire.daphne_protocol(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            self.direct = None

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        # The hub sends every socket of an audience the same object: framed once, written out.
        payload = text_data if text_data is not None else bytes_data
        if payload is not None and not close and self.direct is not None:
            write = wire.write_together if self.write_together else wire.write_direct
            if write(self.direct, payload):
                return
        if self.direct is not None:
            wire.flush(self.direct)
        await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def refuse(self, code: int) -> None:
        """Refuse the connection with ``code`` (``ws.CLOSE_*``): the handshake completes
        only so that the client can read why; the browser client does not retry these."""
        await self.accept()
        await self.close(code=code)

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None:
        if self.direct is not None:
            wire.flush(self.direct)  # frames sent before the close go out before it
        await super().close(code=code, reason=reason)


class ReadOnlyConsumer(HubConsumer):
    """A route whose sockets only listen (site notices, a poll's turnout): anything a
    client sends is answered with a ``read_only`` error, and the socket stays open."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> Any:
        await self.send(
            text_data=dumps(
                {
                    "kind": "error",
                    "id": None,
                    "code": "read_only",
                    "message": gettext("Dit kanaal is alleen om te lezen."),
                }
            )
        )
