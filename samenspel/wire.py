"""Writing the same WebSocket frame to many Daphne sockets: framed once, written straight out.

A hub hands every socket of an audience the same text or bytes. Through Channels and Daphne
each write costs the session wrapper, Daphne's reply path and autobahn's framing, for the
same payload every time (about 0.25 ms per socket on the 2-core test machine, measured in
``bench/live_summit.py``). A server-to-client frame is not masked, so its bytes are the same
for every recipient: frame once and hand the bytes to each socket's transport. Only when
the socket is a plain (uncompressed, open) Daphne WebSocket; anything else, like Channels'
test communicator, takes the ordinary send.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# autobahn's WebSocketProtocol.STATE_OPEN
_STATE_OPEN = 3
_TEXT, _BINARY = 0x81, 0x82  # final frame + opcode (RFC 6455, 5.2)

# Recently framed payloads by identity; the payload is kept so its id is not reused.
_framed: dict[int, tuple[str | bytes, bytes]] = {}
_FRAMED_MAX = 256


def frame(payload: str | bytes) -> bytes:
    """The unmasked, final text (for ``str``) or binary (for ``bytes``) frame of ``payload``."""
    found = _framed.get(id(payload))
    if found is not None and found[0] is payload:
        return found[1]
    if isinstance(payload, str):
        data, opcode = payload.encode(), _TEXT
    else:
        data, opcode = payload, _BINARY
    length = len(data)
    if length < 126:
        header = bytes((opcode, length))
    elif length < 1 << 16:
        header = bytes((opcode, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((opcode, 127)) + length.to_bytes(8, "big")
    if len(_framed) >= _FRAMED_MAX:
        _framed.clear()
    framed = header + data
    _framed[id(payload)] = (payload, framed)
    return framed


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


def write_direct(protocol: Any, payload: str | bytes) -> bool:
    """Write ``payload`` as one frame on an open, uncompressed socket; False if the socket
    cannot take it this way (the caller then sends normally)."""
    if (
        protocol.state != _STATE_OPEN
        or getattr(protocol, "_perMessageCompress", None) is not None
        or protocol.transport is None
    ):
        return False
    send_now(protocol.transport, frame(payload))
    return True


def send_now(transport: Any, data: bytes) -> None:
    """Write ``data`` to a Twisted TCP transport, straight to its socket when nothing waits.

    Twisted's ``write`` only queues: it registers the socket for writing and sends on the
    reactor's next turn, then unregisters it, two ``epoll_ctl`` calls and a second pass per
    frame. With 1,100 screens that was most of the event loop's time in a burst of ideas
    (bench/live_summit.py). When the transport's buffers are empty the frame can go to the
    socket at once; what the socket does not take, and everything while anything waits,
    goes through ``write`` as before, so the order of bytes stays the same.
    """
    sock = getattr(transport, "socket", None)
    if (
        sock is None
        or getattr(transport, "TLS", True)
        or getattr(transport, "disconnecting", True)
        or not getattr(transport, "connected", False)
        or getattr(transport, "_tempDataBuffer", True)
        or len(getattr(transport, "dataBuffer", b"x")) > getattr(transport, "offset", 0)
    ):
        transport.write(data)
        return
    try:
        sent = sock.send(data)
    except BlockingIOError:
        sent = 0
    except OSError:
        transport.write(data)  # Twisted sees the error on its own write and closes the socket
        return
    if sent < len(data):
        transport.write(data[sent:])
