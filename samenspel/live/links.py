"""Links between the server processes beside the hubs: Redis pub/sub for chatty traffic.

A hub's channel layer costs four Redis round trips to send a message and four to read it;
at 100 co-writing edits a second two processes fell seconds behind that way. A publish is
one round trip and arrives pushed, so state that processes keep in step with each other
many times a second (a co-written draft) travels over a link instead.
"""

from __future__ import annotations

from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer
from django.conf import settings
from django.db import connections

_links: dict[tuple[str, str, str], RedisPubSubChannelLayer] = {}


def link_layer(name: str) -> RedisPubSubChannelLayer | None:
    """The Redis pub/sub layer of the link ``name`` (such as ``"drafts"``), shared by the
    process; None when the channel layer is the in-memory one (one process, nobody to talk to).

    Pub/sub channels are shared by every database number of a Redis server, so the names
    carry the layer's prefix, the link's name and the name of the database the state lives in.
    """
    config: dict[str, Any] = getattr(settings, "CHANNEL_LAYERS", {}).get("default", {})
    if not str(config.get("BACKEND", "")).startswith("channels_redis."):
        return None
    options = config.get("CONFIG", {})
    database = str(connections["default"].settings_dict["NAME"])
    key = (repr(options.get("hosts")), name, database)
    layer = _links.get(key)
    if layer is None:
        prefix = f"{options.get('prefix', 'asgi')}:{name}:{database}:"
        layer = _links[key] = RedisPubSubChannelLayer(hosts=options.get("hosts"), prefix=prefix)
    return layer
