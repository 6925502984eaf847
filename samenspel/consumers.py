"""The site channel: notices from the municipality to everyone with a page open."""

from __future__ import annotations

import uuid

from .live import ws
from .live.consumer import ReadOnlyConsumer
from .live.hub import hub

SITE_GROUP = "site"


class SiteConsumer(ReadOnlyConsumer):
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
