"""ASGI entry point: Django for HTTP, Channels for the live routes.

An HTTP request waits at the door (at most HTTP_CONCURRENCY inside Django per process), then
runs Django's middleware and view in one thread (handler.py). Every WebSocket passes the
origin check, the session and token login, then the URL router. When the server stops
(SIGTERM), requests in progress are finished or answered 503 and live sockets are closed
with 1012 (stopping.py).
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
django.setup(set_prefix=False)

from .handler import HttpEntry  # noqa: E402
from .stopping import RequestsStop, SocketsStop  # noqa: E402

# Django's own get_asgi_application(), with a door and the middleware in one thread.
django_asgi_app = RequestsStop(HttpEntry())

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from .live.ws import SameHostOriginValidator, TokenAuthMiddleware  # noqa: E402
from .routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SocketsStop(
            SameHostOriginValidator(
                AuthMiddlewareStack(TokenAuthMiddleware(URLRouter(websocket_urlpatterns)))
            )
        ),
    }
)

from .collector import settle  # noqa: E402

# What starting Django made lives as long as the process: no collection walks it again.
settle()
