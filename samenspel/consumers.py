"""The site channel: notices from the municipality to everyone with a page open."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext

from .live import ws
from .live.consumer import HubConsumer
from .live.frames import dumps
from .live.hub import hub

SITE_GROUP = "site"


class SiteConsumer(HubConsumer):
    """Receive-only: joins the site group through the process hub."""

    async def connect(self) -> None:
        self.hub_id = uuid.uuid4().hex
        self.joined = False
        user = self.scope.get("user")
        if self.scope.get("token_invalid") or user is None or not user.is_authenticated:
            await self.refuse(ws.CLOSE_NOT_AUTHENTICATED)
            return
        # Join before accepting: an open socket is one that will get the next broadcast.
        await hub().join(SITE_GROUP, self)
        self.joined = True
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.joined:
            await hub().leave(SITE_GROUP, self)

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
