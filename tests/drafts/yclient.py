"""A minimal y-websocket client on pycrdt, driving the real ASGI app through a communicator."""

from __future__ import annotations

import json
from typing import Any

from channels.testing import WebsocketCommunicator
from pycrdt import (
    Doc,
    Text,
    YMessageType,
    YSyncMessageType,
    create_sync_message,
    create_update_message,
    handle_sync_message,
)

from deliberation.drafts import protocol
from deliberation.drafts.selectors import TEXT_NAME


class YClient:
    def __init__(self, socket: WebsocketCommunicator) -> None:
        self.socket = socket
        self.doc: Doc = Doc()
        self.text = self.doc.get(TEXT_NAME, type=Text)
        self.presence: dict[int, Any] = {}
        self.clock = 0

    async def sync(self) -> None:
        """Answer the server's step 1, ask with our own, and apply its step 2."""
        await self.socket.send_to(bytes_data=create_sync_message(self.doc))
        while True:
            frame = await self.next_frame()
            if frame.kind == YMessageType.SYNC and frame.sync_type == YSyncMessageType.SYNC_STEP2:
                return

    async def next_frame(self, timeout: float = 3) -> protocol.Frame:
        data = await self.socket.receive_from(timeout)
        assert isinstance(data, bytes), data
        frame = protocol.parse_frame(data)
        if frame.kind == YMessageType.SYNC:
            reply = handle_sync_message(data[1:], self.doc)
            if reply is not None:
                await self.socket.send_to(bytes_data=reply)
        elif frame.kind == YMessageType.AWARENESS:
            for entry in protocol.parse_awareness(frame.payload):
                self.presence[entry.client_id] = json.loads(entry.state)
        return frame

    async def edit(self, index: int, insert: str = "", delete: int = 0) -> bytes:
        before = self.doc.get_state()
        with self.doc.transaction():
            if delete:
                del self.text[index : index + delete]
            if insert:
                self.text.insert(index, insert)
        update = self.doc.get_update(before)
        await self.socket.send_to(bytes_data=create_update_message(update))
        return update

    async def announce(self, state: dict[str, Any]) -> None:
        self.clock += 1
        entry = protocol.AwarenessEntry(self.doc.client_id, self.clock, json.dumps(state))
        await self.socket.send_to(bytes_data=protocol.awareness_frame([entry]))

    async def wait_for_text(self, expected: str, frames: int = 20) -> None:
        for _ in range(frames):
            if str(self.text) == expected:
                return
            await self.next_frame()
        assert str(self.text) == expected
