"""/ws/drafts/<slug>: the standard y-websocket protocol on the process's shared document.

Sync replies go only to the asking socket; updates go through the draft's room to the other
sockets (local ones at once, other processes through the hub) and to the update log;
presence is forwarded at most every PRESENCE_INTERVAL.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from pycrdt import YMessageType, YSyncMessageType

from samenspel.live import ws
from samenspel.live.consumer import HubConsumer

from . import protocol, selectors, yupdates
from .rooms import DraftRoom, room_enter, room_leave

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = settings.DRAFT_MAX_MESSAGE_BYTES
PRESENCE_INTERVAL = settings.DRAFT_PRESENCE_INTERVAL


class DraftConsumer(HubConsumer):
    room: DraftRoom | None = None
    write_together = True  # a burst of edits reaches each editor in one write

    async def connect(self) -> None:
        self.hub_id = uuid.uuid4().hex
        self.room = None
        self.client_ids: dict[int, int] = {}  # awareness client id -> last clock
        self.pending_presence: bytes | None = None
        self.presence_sent_at = 0.0
        self.presence_timer: asyncio.TimerHandle | None = None
        self.sync_tasks: set[asyncio.Task[None]] = set()
        user = self.scope.get("user")
        if self.scope.get("token_invalid") or user is None or not user.is_authenticated:
            await self.refuse(ws.CLOSE_NOT_AUTHENTICATED)
            return
        slug = self.scope["url_route"]["kwargs"]["slug"]
        found = await database_sync_to_async(selectors.draft_for_socket)(slug, user)
        if found is None:
            await self.refuse(ws.CLOSE_NOT_FOUND)
            return
        draft_id, may_read, self.may_edit = found
        if not may_read:
            await self.refuse(ws.CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.room = await room_enter(draft_id, slug, self)
        await self.accept()
        # Like y-websocket's server: our state first, so the client sends what we lack
        # (edits made offline), then everyone's presence in one frame.
        await self.send(
            bytes_data=protocol.sync_frame(YSyncMessageType.SYNC_STEP1, self.room.doc.get_state())
        )
        presence = self.room.presence_frame()
        if presence is not None:
            await self.send(bytes_data=presence)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels runs close_old_connections in the database thread before every handler.
        # Frames are handled from memory (the log is written in batches by the room), so a
        # keystroke must not queue behind a database write for that thread hop.
        if message["type"] == "websocket.receive":
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        room = self.room
        if room is None:
            return
        self.room = None
        if self.presence_timer is not None:
            self.presence_timer.cancel()
        for task in list(self.sync_tasks):
            task.cancel()
        if self.client_ids:
            gone = [
                protocol.AwarenessEntry(client_id, clock + 1, "null")
                for client_id, clock in self.client_ids.items()
            ]
            room.note_presence(gone)
            await room.publish(protocol.awareness_frame(gone), skip=self)
        # Last: the last one out closes the room after it has sent and written everything.
        await room_leave(room, self)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> Any:
        room = self.room
        if room is None:
            return
        if bytes_data is None:
            await self.close(code=ws.CLOSE_BAD_REQUEST)
            return
        if len(bytes_data) > MAX_MESSAGE_BYTES:
            await self.close(code=ws.CLOSE_TOO_LARGE)
            return
        try:
            frame = protocol.parse_frame(bytes_data)
            if frame.kind == YMessageType.SYNC:
                await self._on_sync(room, frame)
            elif frame.kind == YMessageType.AWARENESS:
                await self._presence(room, frame.payload, bytes_data)
            else:
                presence = room.presence_frame()
                if presence is not None:
                    await self.send(bytes_data=presence)
        except yupdates.UpdateRefused as error:
            # An editor's page never sends these: the operator should know who did.
            logger.warning(
                "draft %s: refused an update from user %s: %s", room.slug, self.user_id, error
            )
            await self.close(code=ws.CLOSE_BAD_REQUEST, reason=f"update refused: {error}")
        except protocol.ProtocolError:
            await self.close(code=ws.CLOSE_BAD_REQUEST)
        except PermissionError:
            await self.close(code=ws.CLOSE_FORBIDDEN)

    async def _on_sync(self, room: DraftRoom, frame: protocol.Frame) -> None:
        if frame.sync_type == YSyncMessageType.SYNC_STEP1:
            protocol.parse_state_vector(frame.payload)  # a malformed one closes now (4400)
            # Answered beside the frame loop: the answer waits for the database, and this
            # socket's next edits must not wait behind it.
            task = asyncio.get_running_loop().create_task(self._answer_sync(room, frame.payload))
            self.sync_tasks.add(task)
            task.add_done_callback(self.sync_tasks.discard)
            return
        update = frame.payload
        if update == b"\x00\x00":
            return
        if not self.may_edit:
            # A reader's step 2 answer is ignored (never applied); an update is refused.
            if frame.sync_type == YSyncMessageType.SYNC_UPDATE:
                raise PermissionError
            return
        try:
            yupdates.check_update(room.doc, update, text_name=selectors.TEXT_NAME)
        except yupdates.UpdateIncomplete:
            if frame.sync_type != YSyncMessageType.SYNC_UPDATE:
                raise  # the client's whole state builds on what nobody sent us
            # Built on an edit that has not reached us (another tab of the same browser
            # passed it on first): not applied; our state makes the client answer with
            # everything we lack, that edit included, in one step 2.
            await self.send(
                bytes_data=protocol.sync_frame(YSyncMessageType.SYNC_STEP1, room.doc.get_state())
            )
            return
        try:
            room.apply_local(update, self.user_id)
        except (ValueError, RuntimeError) as error:
            raise protocol.ProtocolError("bad update") from error
        await room.publish(protocol.sync_frame(YSyncMessageType.SYNC_UPDATE, update), skip=self)

    async def _answer_sync(self, room: DraftRoom, state: bytes) -> None:
        # The answer is a durability barrier: what this process applied before it is in the
        # log, so a client that got its step 2 may lose this server.
        await room.ready_to_answer()
        if self.room is not room:
            return
        try:
            missing = room.doc.get_update(state)
        except ValueError:
            await self.close(code=ws.CLOSE_BAD_REQUEST)
            return
        await self.send(bytes_data=protocol.sync_frame(YSyncMessageType.SYNC_STEP2, missing))

    async def _presence(self, room: DraftRoom, payload: bytes, raw: bytes) -> None:
        if not self.may_edit:
            return  # readers have no presence: nothing of theirs is kept or passed on
        parsed = protocol.parse_awareness(payload)
        entries = [
            entry
            for entry in parsed
            if protocol.presence_is_valid(entry.state, text_name=selectors.TEXT_NAME)
        ]
        if not entries:
            return
        if len(entries) != len(parsed):
            raw = protocol.awareness_frame(entries)  # only what every page can read
        for entry in entries:
            self.client_ids[entry.client_id] = entry.clock
        # Newcomers get the newest state at once, even while the broadcast is throttled.
        room.note_presence(entries)
        loop = asyncio.get_running_loop()
        wait = self.presence_sent_at + PRESENCE_INTERVAL - loop.time()
        if wait <= 0 and self.presence_timer is None:
            await self._send_presence(room, raw)
            return
        # Throttled: only the newest state goes out, once the interval has passed.
        self.pending_presence = raw
        if self.presence_timer is None:
            self.presence_timer = loop.call_later(
                max(wait, 0), lambda: loop.create_task(self._flush_presence())
            )

    async def _flush_presence(self) -> None:
        self.presence_timer = None
        raw, self.pending_presence = self.pending_presence, None
        if raw is not None and self.room is not None:
            await self._send_presence(self.room, raw)

    async def _send_presence(self, room: DraftRoom, raw: bytes) -> None:
        self.presence_sent_at = asyncio.get_running_loop().time()
        await room.publish(raw, skip=self)
