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

    The spaces between two changed words belong to the change, so rewriting a few words
    reads as one deletion and one insertion, not word by word. Adjacent segments of the
    same kind are merged, so the result is as short as possible.
    """
    a, b = tokens(old), tokens(new)
    opcodes = SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    segments: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def add(op: Op, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    def change_done() -> None:
        add("delete", deleted)
        add("insert", inserted)
        deleted.clear()
        inserted.clear()

    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        # Opcodes alternate, so an equal run inside the list lies between two changes.
        between = 0 < index < len(opcodes) - 1
        if tag == "equal" and not (between and "".join(a[i1:i2]).isspace()):
            change_done()
            add("equal", a[i1:i2])
        else:
            deleted.extend(a[i1:i2])
            inserted.extend(b[j1:j2])
    change_done()
    return segments
