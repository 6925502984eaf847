from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/summits/<slug:slug>/", consumers.SummitConsumer.as_asgi()),
]
