"""Malformed Yjs updates, written byte by byte, and what yjs (the browser's library) reads.

Each case is an update an editor could send: cut short, not UTF-8, not text, building on
what the server does not have, or cutting a two-unit character (an emoji) in two. ``yjs_read``
runs yjs in node from the frontend's packages, so a test can compare what the server stores
with what an editor's browser shows for the same bytes.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[2] / "frontend"

# The v1 encoding's content kinds (low five bits of a struct's info byte).
DELETED, STRING, EMBED, FORMAT, TYPE, ANY, SKIP = 1, 4, 5, 6, 7, 8, 10


def number(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def string(value: str | bytes) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return number(len(raw)) + raw


def item(
    kind: int,
    content: bytes,
    *,
    origin: tuple[int, int] | None = None,
    right: tuple[int, int] | None = None,
    parent: str | tuple[int, int] | None = None,
    key: str | None = None,
) -> bytes:
    info = kind | (0x80 if origin else 0) | (0x40 if right else 0) | (0x20 if key else 0)
    out = bytes([info])
    for reference in (origin, right):
        if reference:
            out += number(reference[0]) + number(reference[1])
    if not origin and not right:
        if isinstance(parent, str):
            out += number(1) + string(parent)
        else:
            assert parent is not None
            out += number(0) + number(parent[0]) + number(parent[1])
        if key:
            out += string(key)
    return out + content


def update(
    blocks: list[tuple[int, int, list[bytes]]],
    deletes: list[tuple[int, int, int]] = (),  # type: ignore[assignment]
) -> bytes:
    """An update of (client, first clock, structs) blocks and (client, clock, length) deletes."""
    out = number(len(blocks))
    for client, clock, structs in blocks:
        out += number(len(structs)) + number(client) + number(clock) + b"".join(structs)
    out += number(len(deletes))
    for client, clock, length in deletes:
        out += number(client) + number(1) + number(clock) + number(length)
    return out


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    incomplete: bool = False  # builds on what the server lacks (answered, not closed)


EMOJI_WORDS = "Sport 😀 samen"  # the emoji's first half is at clock 6, its second at 7
# The writer's next edits: "ab" after its "Sp" (clocks 14-15), then "cd" before it (16-17).
WRITER_EDITS = [(2, "ab"), (0, "cd")]
WRITTEN = "cdSpabort 😀 samen"


def cases(writer: int, attacker: int) -> list[Case]:
    """Malformed updates from client ``attacker`` against a text in which client ``writer``
    typed ``EMOJI_WORDS`` (clocks 0-13), then ``WRITER_EDITS``, at the end of the text."""
    text = "codemirror"
    hello = item(STRING, string("Hallo "), parent=text)
    return [
        Case("cut short", update([(attacker, 0, [item(STRING, string("Hallo"), parent=text)])])[:7]),
        Case("invalid UTF-8", update([(attacker, 0, [item(STRING, string(b"a\xff\xfeb"), parent=text)])])),
        Case("lone surrogate", update([(attacker, 0, [item(STRING, string(b"a\xed\xa0\x80b"), parent=text)])])),
        Case("length beyond the update", update([(attacker, 0, [item(STRING, number(50) + b"abc", parent=text)])])),
        Case("garbage after a valid update", update([(attacker, 0, [hello])]) + b"\x05rommel"),
        Case("another root", update([(attacker, 0, [item(STRING, string("elders"), parent="andere")])])),
        Case("a map entry of the text", update([(attacker, 0, [item(STRING, string("x"), parent=text, key="k")])])),
        Case("an embed", update([(attacker, 0, [item(EMBED, string('{"img":1}'), parent=text)])])),
        Case("a format", update([(attacker, 0, [item(FORMAT, string("bold") + string("true"), parent=text)])])),
        Case("a nested type", update([(attacker, 0, [item(TYPE, number(2), parent=text)])])),
        Case("values", update([(attacker, 0, [item(ANY, number(1) + bytes([119]) + string("x"), parent=text)])])),
        Case("a parent that is an item", update([(attacker, 0, [item(STRING, string("x"), parent=(writer, 0))])])),
        Case("an empty string", update([(attacker, 0, [item(STRING, string(""), parent=text)])])),
        Case("a clock past 32 bits", update([(attacker, 2**40, [item(STRING, string("x"), parent=text)])])),
        Case("a length past 32 bits", update([(attacker, 0, [item(DELETED, number(2**40), parent=text)])])),
        Case("a skipped range", update([(attacker, 0, [bytes([SKIP]) + number(3), item(STRING, string("na"), parent=text)])])),
        Case("a client twice", update([(attacker, 0, [hello]), (attacker, 6, [item(STRING, string("!"), origin=(attacker, 5))])])),
        Case("insert inside an emoji", update([(attacker, 0, [item(STRING, string("X"), origin=(writer, 6))])])),
        Case("insert before an emoji's second half", update([(attacker, 0, [item(STRING, string("X"), origin=(writer, 5), right=(writer, 7))])])),
        Case("delete an emoji's second half", update([], [(writer, 7, 1)])),
        Case("delete an emoji's first half", update([], [(writer, 5, 2)])),
        Case("insert inside its own emoji", update([(attacker, 0, [item(STRING, string("😀"), parent=text), item(STRING, string("Y"), origin=(attacker, 0))])])),
        Case("an insert between an item and itself", update([(attacker, 0, [item(STRING, string("X"), origin=(writer, 3), right=(writer, 3))])])),
        Case("an insert whose right neighbour comes first", update([(attacker, 0, [item(STRING, string("X"), origin=(writer, 10), right=(writer, 2))])])),
        Case("a gap in its clocks", update([(attacker, 5, [item(STRING, string("later"), origin=(attacker, 4))])]), incomplete=True),
        Case("an unknown origin", update([(attacker, 0, [item(STRING, string("x"), origin=(424242, 3))])]), incomplete=True),
        Case("delete what does not exist", update([], [(writer, 500, 10)]), incomplete=True),
    ]  # fmt: skip


def yjs_read(updates: list[bytes]) -> dict[str, object]:
    """What yjs makes of these updates applied in order: the text, and whether anything is
    held back waiting for something missing."""
    script = (
        'import * as Y from "yjs";'
        'import { readFileSync } from "node:fs";'
        'const doc = new Y.Doc(); const text = doc.getText("codemirror");'
        'for (const hex of JSON.parse(readFileSync(0, "utf8"))) Y.applyUpdate(doc, Buffer.from(hex, "hex"));'
        "process.stdout.write(JSON.stringify({text: text.toString(),"
        " pending: doc.store.pendingStructs !== null || doc.store.pendingDs !== null}));"
    )
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        input=json.dumps([data.hex() for data in updates]),
        capture_output=True,
        text=True,
        cwd=FRONTEND,
        timeout=30,
        check=True,
    )
    return dict(json.loads(result.stdout))
