"""WebSocket routes: the core's own, then each app's ``routing.websocket_urlpatterns``."""

from django.urls import path

from . import consumers
from .discovery import project_modules

websocket_urlpatterns = [path("ws/site/", consumers.SiteConsumer.as_asgi())]
for module in project_modules("routing"):
    websocket_urlpatterns += module.websocket_urlpatterns
