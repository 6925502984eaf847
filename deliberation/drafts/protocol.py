"""The y-websocket wire format, on top of pycrdt's encoders: parse frames, build awareness."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

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


# A presence is small: a name, two colours and a cursor of two positions (about 300 bytes).
PRESENCE_MAX_BYTES = 2048
PRESENCE_MAX_NAME = 200
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_SAFE_NUMBER = 2**53 - 1


def _is_count(value: Any) -> bool:
    return type(value) is int and 0 <= value <= _SAFE_NUMBER


def _is_identifier(value: Any) -> bool:
    return value is None or (
        isinstance(value, dict)
        and set(value) == {"client", "clock"}
        and _is_count(value["client"])
        and _is_count(value["clock"])
    )


def _is_position(value: Any, text_name: str) -> bool:
    """A Yjs relative position as JSON (``Y.RelativePosition``), in the shared text."""
    return (
        isinstance(value, dict)
        and set(value) <= {"type", "tname", "item", "assoc"}
        and _is_identifier(value.get("type"))
        and _is_identifier(value.get("item"))
        and value.get("tname") in (None, text_name)
        and (value.get("assoc") is None or type(value.get("assoc")) is int)
    )


def _is_user(value: dict[str, Any]) -> bool:
    name = value.get("name")
    if name is not None and not (isinstance(name, str) and len(name) <= PRESENCE_MAX_NAME):
        return False
    return all(
        value.get(key) is None
        or (isinstance(value[key], str) and _COLOUR.fullmatch(value[key]) is not None)
        for key in ("color", "colorLight")
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python reads NaN and Infinity, browsers do not


def presence_is_valid(state: str, *, text_name: str) -> bool:
    """Whether a client's presence may be kept and passed on: ``null`` (it left) or a JSON
    object whose ``user`` and ``cursor``, when there, have the shapes an editor page reads
    (y-codemirror.next puts the colours in a style attribute and looks the cursor up in the
    document; another shape raises an error in every page that receives it)."""
    if len(state.encode("utf-8")) > PRESENCE_MAX_BYTES:
        return False
    try:
        value = json.loads(state, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # a thousand nested brackets fit in the size
        return False
    if value is None:
        return True
    if not isinstance(value, dict):
        return False
    if isinstance(value.get("user"), dict) and not _is_user(value["user"]):
        return False
    # Pages look a cursor up only when it has both ends (any other value shows none).
    cursor = value.get("cursor")
    if not isinstance(cursor, dict) or cursor.get("anchor") is None or cursor.get("head") is None:
        return True
    return _is_position(cursor["anchor"], text_name) and _is_position(cursor["head"], text_name)


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
