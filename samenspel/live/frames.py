"""JSON frames on a live route: ours written with ``dumps``; a client's read by
``parse_object``, as an object or ``BadFrame`` with a reason.

Whatever a client sends (not UTF-8, not JSON, nested a thousand deep, ``NaN``) ends here as
``BadFrame``, never as an exception that closes the socket.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

# Deeper than any command needs (a command's data is an object of plain values). Checked on
# the parsed frame, so the answer does not depend on how deep the server's stack happens to be.
MAX_DEPTH = 8


def dumps(message: Mapping[str, Any]) -> str:
    """Serialise a frame the way every live channel does (compact, dates as ISO 8601)."""
    return json.dumps(message, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


class BadFrame(Exception):
    """The frame cannot be read; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_object(raw: str | bytes) -> dict[str, Any]:
    """The frame as a JSON object; raises ``BadFrame`` for anything else."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        frame = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        # RecursionError: nesting deeper than the parser's stack (a thousand ``[``).
        raise BadFrame(_("Dit bericht is geen geldige JSON.")) from None
    if not isinstance(frame, dict):
        raise BadFrame(_("Dit bericht is geen geldig object."))
    if too_deep(frame, MAX_DEPTH):
        raise BadFrame(_("Dit bericht is te diep genest."))
    return frame


def too_deep(value: Any, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def command_key(raw_id: Any) -> uuid.UUID | None:
    """A command's ``id`` as a UUID, or None when it is not a UUID written as a string."""
    if not isinstance(raw_id, str) or len(raw_id) > 64:
        return None
    try:
        return uuid.UUID(raw_id)
    except ValueError:
        return None
