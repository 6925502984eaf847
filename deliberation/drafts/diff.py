"""Word diff between two texts: a pure function over plain strings (no Django)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "insert", "delete"]
_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


def tokens(text: str) -> list[str]:
    """Words and the whitespace between them; joining the tokens gives the text back."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that turn ``old`` into ``new``: equal + delete rebuild old, equal + insert new.

    Adjacent segments of the same kind are merged, so the result is as short as possible.
    """
    a, b = tokens(old), tokens(new)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    segments: list[Segment] = []

    def add(op: Op, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return segments
