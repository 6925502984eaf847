"""WebSocket plumbing shared by every live route: origin check, token login, close codes."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host

logger = logging.getLogger(__name__)

# Close codes in the private 4000-4999 range; the browser client does not retry these.
CLOSE_BAD_REQUEST = 4400
CLOSE_NOT_AUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_GONE = 4410
CLOSE_TOO_LARGE = 4413


@database_sync_to_async
def _user_for_token(key: str) -> Any:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


class TokenAuthMiddleware:
    """``?token=KEY`` logs a non-browser client in; otherwise the session cookie counts.

    Sits inside the session middleware so a valid token wins over a cookie. A wrong token
    is not a fallback to the cookie: the connection is refused with 4401.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        keys = query.get("token")
        if keys:
            user = await _user_for_token(keys[0])
            scope = dict(scope, token_auth=True, token_invalid=user is None)
            scope["user"] = user if user is not None else AnonymousUser()
        return await self.inner(scope, receive, send)


class SameHostOriginValidator(OriginValidator):
    """Browsers must come from one of ALLOWED_HOSTS; a missing Origin is a non-browser
    client, allowed only with a token or a hall screen's token. A refused socket is
    accepted and closed with 4403 so the client sees why, and the refusal is logged."""

    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        origin = None
        for name, value in scope.get("headers", []):
            if name == b"origin":
                origin = value.decode("latin-1")
        if origin is None:
            # Also a hall screen's token (``?hall=``): a projector kiosk may send no Origin.
            # Like an API token it is a secret in the URL, which a cross-site page cannot
            # use, and a browser always sends an Origin.
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            allowed = "token" in query or "hall" in query
        else:
            allowed = origin_allowed(origin)
        if allowed:
            return await self.application(scope, receive, send)
        logger.warning("websocket refused: origin %r not allowed for %s", origin, scope.get("path"))
        return await refuse(receive, send, CLOSE_FORBIDDEN, "origin not allowed")


def origin_allowed(origin: str) -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(origin)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        return False
    host = parsed.hostname if parsed.port is None else f"{parsed.hostname}:{parsed.port}"
    domain, _port = split_domain_port(host)
    if parsed.hostname and ":" in parsed.hostname:  # IPv6 literal
        domain = f"[{parsed.hostname}]"
    return validate_host(domain, settings.ALLOWED_HOSTS)


async def refuse(receive: Any, send: Any, code: int, reason: str) -> None:
    """Complete the handshake only to close it with a private code the client can read."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code, "reason": reason})
