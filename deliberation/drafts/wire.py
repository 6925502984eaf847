"""Writing one binary frame to many Daphne sockets: framed once, written straight out.

Profiling 50 editors showed the relay spending about 100 µs per recipient in Channels'
session wrapper, Daphne's reply path and autobahn's framing, for the same bytes each time.
A server-to-client WebSocket frame is not masked, so the framed bytes are identical for
every recipient: frame them once per message and hand them to each socket's transport.
Only when the socket is a plain (uncompressed, open) Daphne WebSocket; anything else, like
Channels' test communicator, takes the ordinary send.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# autobahn's WebSocketProtocol.STATE_OPEN
_STATE_OPEN = 3

_last_payload: bytes | None = None
_last_frame = b""


def binary_frame(payload: bytes) -> bytes:
    """The unmasked, final, binary WebSocket frame of ``payload`` (RFC 6455, 5.2)."""
    global _last_payload, _last_frame
    if payload is _last_payload:  # the hub hands every socket the same object
        return _last_frame
    length = len(payload)
    if length < 126:
        header = bytes((0x82, length))
    elif length < 1 << 16:
        header = bytes((0x82, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x82, 127)) + length.to_bytes(8, "big")
    _last_payload, _last_frame = payload, header + payload
    return _last_frame


def daphne_protocol(send: Callable[..., Any]) -> Any | None:
    """The Daphne WebSocket protocol behind an ASGI ``send``, unwrapping Channels' session
    wrapper (which does nothing for WebSocket frames); None if it is not Daphne's."""
    for _ in range(8):
        if isinstance(send, functools.partial) and getattr(send.func, "__name__", "") == (
            "handle_reply"
        ):
            protocol = send.args[0] if send.args else None
            return protocol if hasattr(protocol, "sendMessage") else None
        inner = getattr(getattr(send, "__self__", None), "real_send", None)
        if inner is None:
            return None
        send = inner
    return None


def write_direct(protocol: Any, payload: bytes) -> bool:
    """Write ``payload`` as one binary frame on an open, uncompressed socket; False if the
    socket cannot take it this way (the caller then sends normally)."""
    if (
        protocol.state != _STATE_OPEN
        or getattr(protocol, "_perMessageCompress", None) is not None
        or protocol.transport is None
    ):
        return False
    protocol.transport.write(binary_frame(payload))
    return True
