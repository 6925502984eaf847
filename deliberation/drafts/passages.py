"""Passages of a version: where a piece of the rendered text comes from in the markdown source.

A reader selects words in the rendered version (no ``**``, no link addresses, paragraphs joined
by line breaks). Comments and amendments store the passage as the slice of the markdown
source those words came from, with its offset, so accepting an amendment replaces exactly
that slice. Pure functions over strings; nothing of Django.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser

from .markdown import render_markdown

# Elements that start or end a line of text: the rendered text gets a line break there, as a
# browser's selection does, so words of two blocks never run together.
BLOCK_TAGS = frozenset(
    {"p", "li", "ul", "ol", "blockquote", "pre", "hr", "br", "table", "thead", "tbody", "tr"}
    | {"td", "th", "h1", "h2", "h3", "h4", "h5", "h6"}
)

# Source text that never shows as text: HTML tags and comments, image alt texts (images are
# not allowed), link addresses and titles, reference labels and their definitions. Without
# this mask a letter of the text after a link could be matched to a letter of its address.
HIDDEN_SOURCE = re.compile(
    r"<!--[\s\S]*?-->"
    r"|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"
    r"|!\[[^\]\n]*\]"
    r"|\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\)"
    r"|\]\[[^\]\n]*\]"
    r"|^ {0,3}\[[^\]\n]+\]:[^\n]*$",
    re.MULTILINE,
)
ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Stands in for a passage when checking that replacing it leaves the rest of the text as is.
PLACEHOLDER = "\ue000"
MAX_MATCHES_TRIED = 3


@dataclass(frozen=True)
class Passage:
    """A slice ``start:end`` of the source. ``whole`` is False when the slice begins or ends
    inside markup (half a link or a table), so replacing it would change more than it."""

    start: int
    end: int
    text: str
    whole: bool


@dataclass(frozen=True)
class _Piece:
    """One token of the rendered HTML; ``text`` is what it adds to the rendered text."""

    raw: str
    text: str = ""
    is_text: bool = False
    is_reference: bool = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.pieces: list[_Piece] = []

    def _tag(self, tag: str, raw: str) -> None:
        block = tag in BLOCK_TAGS
        self.pieces.append(_Piece(raw=raw, text="\n" if block else ""))

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._tag(tag, self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        self._tag(tag, self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._tag(tag, f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.pieces.append(_Piece(raw=data, text=data, is_text=True))

    def handle_entityref(self, name: str) -> None:
        raw = f"&{name};"
        self.pieces.append(
            _Piece(raw=raw, text=html.unescape(raw), is_text=True, is_reference=True)
        )

    def handle_charref(self, name: str) -> None:
        raw = f"&#{name};"
        self.pieces.append(
            _Piece(raw=raw, text=html.unescape(raw), is_text=True, is_reference=True)
        )


def _normalise(text: str) -> tuple[str, list[int]]:
    """Whitespace runs as one space, no space at the ends; and where each character came from."""
    chars: list[str] = []
    origin: list[int] = []
    space_at = -1
    for index, char in enumerate(text):
        if char.isspace():
            if chars and space_at < 0:
                space_at = index
            continue
        if space_at >= 0:
            chars.append(" ")
            origin.append(space_at)
            space_at = -1
        chars.append(char)
        origin.append(index)
    return "".join(chars), origin


def normalise(text: str) -> str:
    return " ".join(text.split())


def _rendered_text(source: str) -> str:
    reader = _Reader()
    reader.feed(render_markdown(source))
    reader.close()
    return normalise("".join(piece.text for piece in reader.pieces))


def plain_text(source: str) -> str:
    """A piece of markdown as a reader sees it: the words, without marks or link addresses."""
    return _rendered_text(source)


class VersionText:
    """The rendered text of one markdown source, each character tied to its source slice."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.html = render_markdown(source)
        reader = _Reader()
        reader.feed(self.html)
        reader.close()
        self.pieces = reader.pieces
        self.rendered = "".join(piece.text for piece in self.pieces)
        self.spans = self._align()
        self.normal, self.normal_origin = _normalise(self.rendered)

    def _align(self) -> list[tuple[int, int] | None]:
        """Tie each visible character to the first fitting source character after the last.

        The rendered text is the source without its markup, so it is a subsequence of the
        source, apart from characters written as entities (``&amp;``) and hidden parts.
        """
        source = self.source
        hidden = bytearray(len(source))
        for match in HIDDEN_SOURCE.finditer(source):
            hidden[match.start() : match.end()] = b"\x01" * (match.end() - match.start())

        def find(char: str, at: int) -> int:
            found = source.find(char, at)
            while found >= 0 and hidden[found]:
                found = source.find(char, found + 1)
            return found

        entities = [
            (match.start(), match.end(), html.unescape(match[0]))
            for match in ENTITY.finditer(source)
            if not hidden[match.start()]
        ]
        entity_starts = [start for start, _end, _char in entities]

        spans: list[tuple[int, int] | None] = []
        at = 0
        for char in self.rendered:
            if char.isspace():
                spans.append(None)
                continue
            found = find(char, at)
            # The character may be written as an entity (&amp;, &euro;) before that.
            next_entity = bisect_left(entity_starts, at)
            if next_entity < len(entities):
                start, end, written = entities[next_entity]
                if written == char and (found < 0 or start <= found):
                    spans.append((start, end))
                    at = end
                    continue
            if found < 0:
                spans.append(None)
                continue
            spans.append((found, found + 1))
            at = found + 1
        return spans

    @cached_property
    def _shown(self) -> bytearray:
        """Source positions that show as a character of the rendered text."""
        shown = bytearray(len(self.source))
        for span in self.spans:
            if span is not None:
                shown[span[0] : span[1]] = b"\x01" * (span[1] - span[0])
        return shown

    def _source_span(self, first: int, last: int) -> tuple[int, int] | None:
        """The source slice of the rendered characters ``first..last`` (inclusive)."""
        mapped = [span for span in self.spans[first : last + 1] if span is not None]
        if not mapped:
            return None
        return mapped[0][0], mapped[-1][1]

    def _candidates(self, start: int, end: int) -> list[tuple[int, int]]:
        """The slice itself, then the slice grown over markup that touches it (``**``, ``[``,
        ``](address)``) on the left, the right, or both."""
        source, shown = self.source, self._shown
        left = start
        while left > 0 and not shown[left - 1] and not source[left - 1].isspace():
            left -= 1
        right = end
        while right < len(source) and not shown[right] and not source[right].isspace():
            right += 1
        options = [(start, end), (left, end), (start, right), (left, right)]
        return list(dict.fromkeys(options))

    def _replaceable(self, start: int, end: int, at: int, length: int) -> bool:
        """Replacing the slice changes the rendered text only where the passage was."""
        changed = self.source[:start] + PLACEHOLDER + self.source[end:]
        expected = self.normal[:at] + PLACEHOLDER + self.normal[at + length :]
        return _rendered_text(changed) == normalise(expected)

    def _matches(self, wanted: str, near: int | None) -> list[int]:
        found: list[int] = []
        at = self.normal.find(wanted)
        while at >= 0:
            found.append(at)
            at = self.normal.find(wanted, at + 1)
        if near is not None:
            found.sort(key=lambda index: abs(index - near))
        return found

    def locate(self, quoted: str, *, near: int | None = None) -> Passage | None:
        """The source slice of ``quoted``: words as shown on the page (whitespace may differ),
        or a piece of the markdown source itself. With ``near`` (an offset in the rendered
        text, whitespace collapsed) the occurrence closest to it; else the first."""
        wanted = normalise(quoted)
        if not wanted:
            return None
        fallback: Passage | None = None
        for at in self._matches(wanted, near)[:MAX_MATCHES_TRIED]:
            first = self.normal_origin[at]
            last = self.normal_origin[at + len(wanted) - 1]
            span = self._source_span(first, last)
            if span is None:
                continue
            for start, end in self._candidates(*span):
                if self._replaceable(start, end, at, len(wanted)):
                    return Passage(start, end, self.source[start:end], whole=True)
            if fallback is None:
                fallback = Passage(span[0], span[1], self.source[span[0] : span[1]], whole=False)
        exact = quoted.strip()
        start = self.source.find(exact)
        if start >= 0:
            return Passage(start, start + len(exact), exact, whole=True)
        return fallback

    def shown_text(self, start: int, end: int) -> str:
        """The words of the source slice ``start:end`` as the page shows them."""
        first, last = self._rendered_range(start, end)
        if first < 0:
            return normalise(self.source[start:end])
        return normalise(self.rendered[first : last + 1])

    @cached_property
    def _mapped(self) -> tuple[list[int], list[int], list[int]]:
        """Rendered characters tied to the source, with their source starts (rising) and ends."""
        indexes, starts, ends = [], [], []
        for index, span in enumerate(self.spans):
            if span is not None:
                indexes.append(index)
                starts.append(span[0])
                ends.append(span[1])
        return indexes, starts, ends

    def _rendered_range(self, start: int, end: int) -> tuple[int, int]:
        """The first and last rendered character inside the source slice, or (-1, -1)."""
        indexes, starts, ends = self._mapped
        first = bisect_left(starts, start)
        last = bisect_left(starts, end) - 1
        while last >= first and ends[last] > end:
            last -= 1
        if last < first:
            return -1, -1
        return indexes[first], indexes[last]

    def marked_html(self, passages: Iterable[tuple[int, int, str]]) -> str:
        """The rendered HTML with each passage ``(start, end, anchor)`` highlighted in
        ``<mark>`` and an empty element with ``id=anchor`` where it begins."""
        anchors: dict[int, list[str]] = {}
        covered: list[int] = [0] * (len(self.rendered) + 1)
        for start, end, anchor in passages:
            first, last = self._rendered_range(start, end)
            if first < 0:
                continue
            anchors.setdefault(first, []).append(anchor)
            covered[first] += 1
            covered[last + 1] -= 1
        if not anchors:
            return self.html
        depth = 0
        marked = []
        for index in range(len(self.rendered)):
            depth += covered[index]
            marked.append(depth > 0)
        out: list[str | tuple[int, bool, str]] = []
        position = 0
        for piece in self.pieces:
            if not piece.is_text:
                out.append(piece.raw)
                position += len(piece.text)
                continue
            chunks = [piece.raw] if piece.is_reference else list(piece.raw)
            for offset, chunk in enumerate(chunks):
                index = position + offset
                for anchor in anchors.get(index, []):
                    out.append(f'<span id="{html.escape(anchor)}"></span>')
                out.append((index, marked[index], chunk))
            position += len(piece.text)
        return _join_marks(out)


def _join_marks(parts: list[str | tuple[int, bool, str]]) -> str:
    """Join HTML parts; runs of marked characters inside one text node become one <mark>."""
    out: list[str] = []
    open_mark = False
    last_index = -2
    for part in parts:
        if isinstance(part, str):
            if open_mark:
                out.append("</mark>")
                open_mark = False
            out.append(part)
            continue
        index, is_marked, chunk = part
        if open_mark and (not is_marked or index != last_index + 1):
            out.append("</mark>")
            open_mark = False
        if is_marked and not open_mark:
            out.append('<mark class="ss-passage-mark">')
            open_mark = True
        out.append(chunk)
        last_index = index
    if open_mark:
        out.append("</mark>")
    return "".join(out)
