from django.urls import re_path

from .consumers import DraftConsumer

websocket_urlpatterns = [re_path(r"^ws/drafts/(?P<slug>[-\w]+)/?$", DraftConsumer.as_asgi())]
