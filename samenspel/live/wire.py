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

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from .loops import PerLoop

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


def _writable(protocol: Any) -> bool:
    return (
        protocol.state == _STATE_OPEN
        and getattr(protocol, "_perMessageCompress", None) is None
        and protocol.transport is not None
    )


def write_direct(protocol: Any, payload: str | bytes) -> bool:
    """Write ``payload`` as one frame on an open, uncompressed socket; False if the socket
    cannot take it this way (the caller then sends normally)."""
    if not _writable(protocol):
        return False
    send_now(protocol.transport, frame(payload))
    return True


# Frames waiting for the end of the event loop's turn, per loop and per socket, in order.
_waiting: PerLoop[dict[Any, list[bytes]]] = PerLoop(lambda loop: {})


def write_together(protocol: Any, payload: str | bytes) -> bool:
    """Like ``write_direct``, but the frame goes out at the end of this turn of the event
    loop, in one write with every other frame queued for the same socket in that turn.

    A socket write costs about 30 µs of kernel time on loopback, whatever its size. When a
    burst of edits is handled in one turn (several editors typed at once, or another
    process sent a bundle), each reader gets one write holding all of them instead of one
    per edit: the process catches up sooner, and the last edit of the burst is not kept
    waiting behind the writes of the ones before it. A lone frame waits only for the rest of
    the turn. False if the socket cannot take frames this way.
    """
    if not _writable(protocol):
        return False
    loop = asyncio.get_running_loop()
    waiting = _waiting.get(loop)
    frames = waiting.get(protocol)
    if frames is None:
        if not waiting:
            loop.call_soon(_write_waiting, waiting)
        waiting[protocol] = [frame(payload)]
    else:
        frames.append(frame(payload))
    return True


def _write_waiting(waiting: dict[Any, list[bytes]]) -> None:
    sockets = list(waiting.items())
    waiting.clear()
    for protocol, frames in sockets:
        _write_frames(protocol, frames)


def _write_frames(protocol: Any, frames: list[bytes]) -> None:
    # A socket that closed meanwhile takes nothing more (no data after a close frame).
    if protocol.state == _STATE_OPEN and protocol.transport is not None:
        send_now(protocol.transport, frames[0] if len(frames) == 1 else b"".join(frames))


def flush(protocol: Any) -> None:
    """Write what waits for ``protocol`` now: before a frame or a close that takes another
    path, so the order of frames on the socket stays the order they were sent in."""
    try:
        waiting = _waiting.find(asyncio.get_running_loop())
    except RuntimeError:
        return
    frames = waiting.pop(protocol, None) if waiting else None
    if frames:
        _write_frames(protocol, frames)


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
