from django.urls import path

from . import consumers

websocket_urlpatterns = [
    path("ws/polls/<int:pk>/", consumers.PollConsumer.as_asgi()),
]
