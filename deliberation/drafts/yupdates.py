"""Reading Yjs updates (the v1 encoding) to decide whether the server may apply one.

pycrdt (yrs) and the browser's yjs read most updates alike, but not all: a Yjs client
splits a character outside the Basic Multilingual Plane (an emoji: two UTF-16 units) into
two U+FFFD when an insert or a delete lands between its halves, where yrs keeps it whole;
yrs keeps clocks as 32-bit numbers and applies an item at clock 2**50 that yjs holds back;
yrs integrates an item after a skipped range that yjs holds back as missing. The server would
then store a text that no editor sees. So an editor's update is read here first and refused
unless both read it the same way: it holds only text (strings and deleted ranges) of the
shared text, every number stays in the range both keep, it needs nothing the server lacks,
and it never cuts a character in two (``UpdateGuard``).

Reading and the guard are pure: bytes in, a verdict out; the guard learns the document's
clocks and the places of its two-unit characters from the updates the document applies
(``UpdateGuard.learn``). Where an insert lands needs the document (``needs_rereading``).
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from pycrdt import Assoc, StickyIndex, Text, merge_updates
from pycrdt._pycrdt import get_sticky_index_from_json_string

logger = logging.getLogger(__name__)

MAX_CLOCK = 2**32 - 1  # yrs keeps clocks as 32-bit numbers
MAX_NUMBER = 2**53 - 1  # yjs reads numbers into JavaScript numbers
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# Content kinds of the v1 encoding (the low five bits of a struct's info byte).
GC, DELETED, JSON, BINARY, STRING, EMBED, FORMAT, TYPE, ANY, DOC, SKIP = range(11)


class UpdateRefused(ValueError):
    """An update the server does not apply, store or relay; ``str(error)`` says why."""


class UpdateIncomplete(UpdateRefused):
    """A well-formed update that builds on something the server does not have (yet)."""


@dataclass(frozen=True)
class Struct:
    client: int
    clock: int
    length: int
    kind: int
    origin: tuple[int, int] | None = None
    right: tuple[int, int] | None = None
    # Clocks (offsets within the struct) of the first halves of its two-unit characters.
    halves: tuple[int, ...] = ()


@dataclass(frozen=True)
class Update:
    structs: list[Struct]
    # client -> (first clock, end clock) of the structs this update brings for that client
    ranges: dict[int, tuple[int, int]]
    deletes: list[tuple[int, int, int]]  # (client, start, end)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise UpdateRefused("truncated")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def number(self) -> int:
        data, pos = self.data, self.pos
        value, shift = 0, 0
        try:
            while True:
                byte = data[pos]
                pos += 1
                value |= (byte & 0x7F) << shift
                if byte < 0x80:
                    break
                shift += 7
                if shift > 56:
                    raise UpdateRefused("number too long")
        except IndexError as error:
            raise UpdateRefused("truncated") from error
        self.pos = pos
        if value > MAX_NUMBER:
            raise UpdateRefused("number out of range")
        return value

    def raw(self) -> bytes:
        length = self.number()
        if length > len(self.data) - self.pos:
            raise UpdateRefused("truncated")
        value = self.data[self.pos : self.pos + length]
        self.pos += length
        return value

    def string(self) -> str:
        try:
            return self.raw().decode("utf-8")  # strict: no lone surrogates, no overlong forms
        except UnicodeDecodeError as error:
            raise UpdateRefused("text is not UTF-8") from error

    def identifier(self) -> tuple[int, int]:
        return self.number(), self.number()

    def any_value(self, depth: int = 0) -> None:
        """Skip one value of lib0's ``any`` encoding (only when learning, never accepted)."""
        if depth > 32:
            raise UpdateRefused("too deeply nested")
        tag = self.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag == 125:  # a signed number: continuation bit 0x80, sign bit 0x40 in the first
            while self.byte() & 0x80:
                pass
        elif tag == 124:
            self._skip(4)
        elif tag in (123, 122):
            self._skip(8)
        elif tag == 119:
            self.raw()
        elif tag == 118:
            for _ in range(self.number()):
                self.raw()
                self.any_value(depth + 1)
        elif tag == 117:
            for _ in range(self.number()):
                self.any_value(depth + 1)
        elif tag == 116:
            self.raw()
        else:
            raise UpdateRefused("unknown value")

    def _skip(self, count: int) -> None:
        if count > len(self.data) - self.pos:
            raise UpdateRefused("truncated")
        self.pos += count


def _utf16(text: str) -> tuple[int, tuple[int, ...]]:
    """Length in UTF-16 units (Yjs clocks) and the offsets of the two-unit characters."""
    if text.isascii():
        return len(text), ()
    halves = []
    extra = 0
    for match in _ASTRAL.finditer(text):
        halves.append(match.start() + extra)
        extra += 1
    return len(text) + extra, tuple(halves)


def read_update(data: bytes, *, text_name: str, strict: bool = True) -> Update:
    """The structs and deletes of a v1 update; UpdateRefused if it is malformed or, with
    ``strict``, holds anything but strings and deleted ranges of the root text ``text_name``
    (other content is read over when ``strict`` is off, to learn from the server's own)."""
    reader = _Reader(data)
    structs: list[Struct] = []
    ranges: dict[int, tuple[int, int]] = {}
    for _ in range(reader.number()):
        count = reader.number()
        client = reader.number()
        clock = start = reader.number()
        if client in ranges:
            raise UpdateRefused("a client twice")  # yjs keeps the last, yrs both
        for _ in range(count):
            struct = _read_struct(reader, client, clock, text_name, strict)
            structs.append(struct)
            clock += struct.length
        if clock > MAX_CLOCK:
            raise UpdateRefused("clock out of range")
        ranges[client] = (start, clock)
    deletes = []
    for _ in range(reader.number()):
        client = reader.number()
        for _ in range(reader.number()):
            start = reader.number()
            length = reader.number()
            if length == 0 or start + length > MAX_CLOCK:
                raise UpdateRefused("delete out of range")
            deletes.append((client, start, start + length))
    if reader.pos != len(data):
        raise UpdateRefused("trailing bytes")
    return Update(structs=structs, ranges=ranges, deletes=deletes)


def _read_struct(reader: _Reader, client: int, clock: int, text_name: str, strict: bool) -> Struct:
    info = reader.byte()
    kind = info & 0x1F
    if kind in (GC, SKIP):
        if kind == SKIP and strict:
            raise UpdateRefused("skipped range")  # yrs reads what follows it as if it were not
        return Struct(client, clock, _length(reader.number()), kind)
    origin = reader.identifier() if info & 0x80 else None
    right = reader.identifier() if info & 0x40 else None
    if origin is None and right is None:
        if reader.number() == 1:
            parent = reader.string()
            if strict and parent != text_name:
                raise UpdateRefused("not the shared text")
        else:
            reader.identifier()
            if strict:
                raise UpdateRefused("not the shared text")
        if info & 0x20:
            reader.string()
            if strict:
                raise UpdateRefused("not the shared text")
    halves: tuple[int, ...] = ()
    if kind == DELETED:
        length = reader.number()
    elif kind == STRING:
        length, halves = _utf16(reader.string())
    elif strict:
        raise UpdateRefused("not text")
    else:
        length = _read_other_content(reader, kind)
    return Struct(client, clock, _length(length), kind, origin, right, halves)


def _length(length: int) -> int:
    if length == 0 or length > MAX_CLOCK:
        raise UpdateRefused("length out of range")
    return length


def _read_other_content(reader: _Reader, kind: int) -> int:
    if kind == JSON:
        count = reader.number()
        for _ in range(count):
            reader.raw()
        return count
    if kind in (BINARY, EMBED):
        reader.raw()
        return 1
    if kind == FORMAT:
        reader.raw()
        reader.raw()
        return 1
    if kind == TYPE:
        if reader.number() in (3, 5):  # an XML element's name, an XML hook's key
            reader.raw()
        return 1
    if kind == ANY:
        count = reader.number()
        for _ in range(count):
            reader.any_value()
        return count
    if kind == DOC:
        reader.raw()
        reader.any_value()
        return 1
    raise UpdateRefused("unknown content")


@dataclass
class UpdateGuard:
    """What the server's document holds, as far as checking an editor's update needs it:
    each client's next clock, and the clock of every first half of a two-unit character."""

    text_name: str
    state: dict[int, int] = field(default_factory=dict)
    halves: set[tuple[int, int]] = field(default_factory=set)
    # client -> the right neighbour of its last insert: the next keystroke typed after it
    # names that insert's last unit and the same right neighbour.
    typing: dict[int, tuple[int, int] | None] = field(default_factory=dict)

    def learn(self, update: bytes) -> None:
        """Take in an update the document applied (its own encoding of a transaction)."""
        read = read_update(update, text_name=self.text_name, strict=False)
        for client, (_start, end) in read.ranges.items():
            if end > self.state.get(client, 0):
                self.state[client] = end
        for struct in read.structs:
            for offset in struct.halves:
                self.halves.add((struct.client, struct.clock + offset))
            if struct.kind in (STRING, DELETED):
                self.typing[struct.client] = struct.right

    def check(self, data: bytes) -> Update:
        """The update read, if the server may apply it; UpdateIncomplete if it builds on
        what the server lacks, UpdateRefused if the server would read it otherwise than a
        Yjs client does."""
        read = read_update(data, text_name=self.text_name)
        known = dict(self.state)
        for client, (start, end) in read.ranges.items():
            have = self.state.get(client, 0)
            if start > have:
                raise UpdateIncomplete("a gap in a client's clocks")
            known[client] = max(have, end)
        new_halves = {
            (struct.client, struct.clock + offset)
            for struct in read.structs
            for offset in struct.halves
        }

        def cuts(client: int, clock: int) -> bool:
            """Whether a boundary before ``clock`` falls inside a character."""
            spot = (client, clock - 1)
            return spot in self.halves or spot in new_halves

        for struct in read.structs:
            have = self.state.get(struct.client, 0)
            if struct.clock < have < struct.clock + struct.length and cuts(struct.client, have):
                raise UpdateRefused("cuts a character in two")
            for reference, after in ((struct.origin, 1), (struct.right, 0)):
                if reference is None:
                    continue
                client, clock = reference
                if clock >= known.get(client, 0):
                    raise UpdateIncomplete("builds on an unknown item")
                if cuts(client, clock + after):
                    raise UpdateRefused("cuts a character in two")
        for client, start, end in read.deletes:
            if end > known.get(client, 0):
                raise UpdateIncomplete("deletes an unknown item")
            if cuts(client, start) or cuts(client, end):
                raise UpdateRefused("cuts a character in two")
        return read


def _state_vector(state: bytes) -> dict[int, int]:
    reader = _Reader(state)
    vector = {}
    for _ in range(reader.number()):
        client = reader.number()
        vector[client] = reader.number()
    return vector


class _Watched:
    """A guard kept in step with one document (``guard_for``)."""

    def __init__(self, doc: Any, text_name: str) -> None:
        self.doc = weakref.ref(doc)
        self.text_name = text_name
        self.guard: UpdateGuard | None = None
        doc.observe(self._applied)

    def _applied(self, event: Any) -> None:
        if self.guard is None:
            return
        try:
            self.guard.learn(event.update)
        except Exception:
            # Never let the guard break the document's transaction: it reads the whole
            # document again at its next check instead.
            self.guard = None

    def current(self) -> UpdateGuard:
        if self.guard is None:
            doc = self.doc()
            assert doc is not None
            guard = UpdateGuard(self.text_name)
            # Only a shown two-unit character can be cut in a way anyone sees (a deleted one
            # keeps no text), and reading the whole document is the costly part.
            if _ASTRAL.search(str(doc.get(self.text_name, type=Text))):
                try:
                    guard.learn(doc.get_update())
                except UpdateRefused:
                    logger.warning("a draft's document holds an update that cannot be read")
            # Applied clocks only: the whole encoding also carries what waits for a missing one.
            guard.state = _state_vector(doc.get_state())
            self.guard = guard
        return self.guard


_watched: weakref.WeakKeyDictionary[Any, _Watched] = weakref.WeakKeyDictionary()


def guard_for(doc: Any, *, text_name: str) -> UpdateGuard:
    """The guard of a pycrdt document, learning from every transaction the document applies
    from now on (an editor's update, another process's, the log's, a service's)."""
    watched = _watched.get(doc)
    if watched is None:
        watched = _watched[doc] = _Watched(doc, text_name)
    return watched.current()


def _offset(transaction: Any, identifier: tuple[int, int], assoc: int) -> int:
    """Where an item's unit is in the text, with ``assoc`` -1 just after it; a deleted unit
    has both the same. pycrdt counts the items before the unit's item in UTF-8 bytes and
    the units before it within its item in UTF-16 units: exact at an item's first unit."""
    client, clock = identifier
    sticky = get_sticky_index_from_json_string(
        f'{{"item":{{"client":{client},"clock":{clock}}},"assoc":{assoc}}}'
    )
    return int(sticky.get_offset(transaction._txn))


def _unit_at(text: Any, index: int, assoc: Assoc) -> tuple[int, int] | None:
    """The unit right of (``Assoc.AFTER``) or left of (``Assoc.BEFORE``) a byte offset that
    falls between two items."""
    item = StickyIndex.new(text, index, assoc).to_json().get("item")
    return None if item is None else (int(item["client"]), int(item["clock"]))


def _neighbours(
    transaction: Any, text: Any, origin: tuple[int, int], right: tuple[int, int]
) -> bool:
    """Whether ``right`` is the next shown unit after ``origin`` (or only deleted text lies
    between them); UpdateRefused if it comes before ``origin``."""
    after_left = _offset(transaction, origin, -1)
    before_right, after_right = _offset(transaction, right, 0), _offset(transaction, right, -1)
    if before_right == after_right:
        return False  # deleted: its offset says too little
    if after_left > before_right:
        raise UpdateRefused("an insert whose neighbours are out of order")
    if origin == (right[0], right[1] - 1) and after_left == before_right:
        return True  # side by side in one item (counted alike)
    if _unit_at(text, before_right, Assoc.AFTER) != right:
        return False  # not the first unit of its item: its offset is not in bytes
    shown = _offset(transaction, origin, 0) != after_left
    if not shown:
        return after_left == before_right  # both in bytes now
    return _unit_at(text, before_right, Assoc.BEFORE) == origin


def needs_rereading(doc: Any, read: Update, guard: UpdateGuard) -> bool:
    """Whether an update's inserts must be checked by applying it both ways (``reads_alike``).

    An insert names the item left of it (origin) and the one right of it (right origin);
    a Yjs client names two neighbours. If the right one comes before the left one, where the
    insert lands depends on what the document already holds, so a newcomer (who gets the
    whole document at once) reads another text than the editors who got it piece by piece:
    refused. When the two are neighbours in the shown text, or only deleted text lies
    between them, the insert can land nowhere else; anything else (two people typing at one
    spot at once, a neighbour deleted meanwhile, a neighbour in the same update) is rare and
    is checked the slow way."""
    inserts = []
    for struct in read.structs:
        have = guard.state.get(struct.client, 0)
        if struct.clock + struct.length <= have or struct.origin is None or struct.right is None:
            continue
        if struct.origin == struct.right:
            raise UpdateRefused("an insert between an item and itself")
        typed_on = (
            struct.clock == have
            and struct.origin == (struct.client, have - 1)
            and struct.client in guard.typing
            and guard.typing[struct.client] == struct.right
        )
        if typed_on:
            # Typed on after its own last insert, which lies between the same two: it cannot
            # come out of order. The commonest edit needs no lookup this way.
            continue
        neighbours = (struct.origin, struct.right)
        if any(clock >= guard.state.get(client, 0) for client, clock in neighbours):
            return True
        inserts.append(neighbours)
    if not inserts:
        return False
    text = doc.get(guard.text_name, type=Text)
    with doc.transaction() as transaction:  # one for every lookup: each costs a commit
        for origin, right in inserts:
            try:
                if not _neighbours(transaction, text, origin, right):
                    return True
            except UpdateRefused:
                raise
            except BaseException:  # an item collected away: pycrdt panics instead of answering
                return True
    return False


def reads_alike(doc: Any, update: bytes, *, text_name: str) -> bool:
    """Whether the text is the same with the update applied after the document (as the
    editors get it) and together with it (as a newcomer, or the log after compaction)."""
    whole = doc.get_update()
    piecewise = type(doc)()
    piecewise.apply_update(whole)
    piecewise.apply_update(update)
    together = type(doc)()
    together.apply_update(merge_updates(whole, update))
    return bool(str(piecewise.get(text_name, type=Text)) == str(together.get(text_name, type=Text)))


def check_update(doc: Any, data: bytes, *, text_name: str) -> None:
    """Raise UpdateRefused (or UpdateIncomplete) unless the server may apply ``data`` to
    ``doc``: read alike by pycrdt and yjs, needing nothing missing, and landing in the same
    place however it reaches an editor."""
    guard = guard_for(doc, text_name=text_name)
    read = guard.check(data)
    if needs_rereading(doc, read, guard) and not reads_alike(doc, data, text_name=text_name):
        raise UpdateRefused("an insert that lands elsewhere for a newcomer")
