"""The y-websocket wire format, on top of pycrdt's encoders: parse frames, build awareness."""

from __future__ import annotations

from dataclasses import dataclass

from pycrdt import Decoder, YMessageType, YSyncMessageType, write_message, write_var_uint

MESSAGE_QUERY_AWARENESS = 3
# Between our own server processes only, never sent to a client: several frames in one
# message, so a room reaches the other processes with one Redis message per batch.
MESSAGE_BUNDLE = 127


class ProtocolError(ValueError):
    """A frame that is not a well-formed y-websocket message."""


@dataclass(frozen=True)
class Frame:
    kind: int  # YMessageType or MESSAGE_QUERY_AWARENESS
    sync_type: int | None  # YSyncMessageType for SYNC frames
    payload: bytes


def _var_uint(decoder: Decoder) -> int:
    if decoder.length <= 0:
        raise ProtocolError("truncated")
    try:
        return decoder.read_var_uint()
    except (IndexError, RuntimeError) as error:
        raise ProtocolError("truncated") from error


def _var_bytes(decoder: Decoder) -> bytes:
    length = _var_uint(decoder)
    if length > decoder.length:
        raise ProtocolError("length beyond frame")
    data = decoder.stream[decoder.i0 : decoder.i0 + length]
    decoder.i0 += length
    decoder.length -= length
    return bytes(data)


def parse_frame(data: bytes) -> Frame:
    """Split a binary frame into its type and payload; raise ProtocolError if malformed."""
    decoder = Decoder(data)
    kind = _var_uint(decoder)
    if kind == YMessageType.SYNC:
        sync_type = _var_uint(decoder)
        if sync_type not in (
            YSyncMessageType.SYNC_STEP1,
            YSyncMessageType.SYNC_STEP2,
            YSyncMessageType.SYNC_UPDATE,
        ):
            raise ProtocolError("unknown sync message")
        payload = _var_bytes(decoder)
    elif kind == YMessageType.AWARENESS:
        sync_type, payload = None, _var_bytes(decoder)
    elif kind == MESSAGE_QUERY_AWARENESS:
        sync_type, payload = None, b""
    else:
        raise ProtocolError("unknown message type")
    if decoder.length != 0:
        raise ProtocolError("trailing bytes")
    return Frame(kind=kind, sync_type=sync_type, payload=payload)


def sync_frame(sync_type: int, payload: bytes) -> bytes:
    return bytes([YMessageType.SYNC, sync_type]) + write_message(payload)


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: str  # JSON text; "null" means the client left


def parse_awareness(payload: bytes) -> list[AwarenessEntry]:
    decoder = Decoder(payload)
    count = _var_uint(decoder)
    entries = []
    for _ in range(count):
        client_id = _var_uint(decoder)
        clock = _var_uint(decoder)
        try:
            state = _var_bytes(decoder).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolError("awareness state is not UTF-8") from error
        entries.append(AwarenessEntry(client_id, clock, state))
    if decoder.length != 0:
        raise ProtocolError("trailing bytes")
    return entries


def awareness_frame(entries: list[AwarenessEntry]) -> bytes:
    body = write_var_uint(len(entries))
    for entry in entries:
        body += write_var_uint(entry.client_id) + write_var_uint(entry.clock)
        body += write_message(entry.state.encode("utf-8"))
    return bytes([YMessageType.AWARENESS]) + write_message(body)


def parse_state_vector(state: bytes) -> dict[int, int]:
    decoder = Decoder(state)
    count = _var_uint(decoder)
    vector = {}
    for _ in range(count):
        client_id = _var_uint(decoder)
        vector[client_id] = _var_uint(decoder)
    return vector


def bundle(frames: list[bytes]) -> bytes:
    """Several frames as one message for the other processes' rooms (see ``unbundle``)."""
    body = write_var_uint(MESSAGE_BUNDLE) + write_var_uint(len(frames))
    return body + b"".join(write_message(frame) for frame in frames)


def unbundle(data: bytes) -> list[bytes]:
    """The frames of a bundle in the order they were sent; a plain frame as a list of one."""
    decoder = Decoder(data)
    if _var_uint(decoder) != MESSAGE_BUNDLE:
        return [data]
    frames = [_var_bytes(decoder) for _ in range(_var_uint(decoder))]
    if decoder.length != 0:
        raise ProtocolError("trailing bytes")
    return frames
