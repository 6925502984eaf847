"""What every count shares: types, the outcome base, input checks, grouping and encoding of
rankings, and the piles that move ballots between candidates."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from itertools import chain

import numpy as np

from .lottery import TieBreak, _Lottery

Number = int | Fraction
RankItem = str | tuple[str, ...]
"""One place in a ranking: a candidate id, or a tuple of candidate ids ranked equal."""


class TallyError(ValueError):
    """Ballots or parameters that cannot be counted (unknown candidate, bad seats, ...)."""



def _jsonable(value: object) -> object:
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def _fmt(value: object) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{float(value):.4f} ({value})" if value.denominator < 10**6 else f"{float(value):.6f}"
    return str(value)


@dataclass(frozen=True)
class Outcome:
    """What every count returns: winners (in order of election) and, where the method has
    one, a full ranking best first, plus every tie the lottery decided."""

    method: str
    candidates: tuple[str, ...]
    winners: tuple[str, ...]
    ranking: tuple[str, ...] | None
    tie_breaks: tuple[TieBreak, ...]
    seed: str

    def to_dict(self) -> dict[str, object]:
        data = _jsonable(asdict(self))
        assert isinstance(data, dict)
        return data

    def explain(self) -> list[str]:
        """Plain-text lines an auditor can read: the method's own steps, then the ties."""
        lines = self._explain_body()
        for tie in self.tie_breaks:
            lines.append(
                f"Tie ({tie.context}) between {', '.join(tie.tied)} broken by lottery "
                f"(seed {self.seed!r}): order {', '.join(tie.order)}; chosen {tie.chosen}"
                + (" [decides a winner]" if tie.decides_winner else "")
            )
        return lines

    def _explain_body(self) -> list[str]:
        return []



def _matrix_lines(title: str, table: Mapping[str, Mapping[str, int]], shown: Sequence[str]) -> list[str]:
    if len(shown) > 15:
        return [f"{title}: {len(shown)} candidates, see the JSON output."]
    width = max(max(len(c) for c in shown), *(len(str(v)) for row in table.values() for v in row.values())) + 1
    lines = [title, " " * width + "".join(c.rjust(width) for c in shown)]
    for a in shown:
        lines.append(a.ljust(width) + "".join(
            ("-" if a == b else str(table[a][b])).rjust(width) for b in shown))
    return lines



def _check_candidates(candidates: Iterable[str]) -> tuple[str, ...]:
    cands = tuple(candidates)
    if len(set(cands)) != len(cands):
        raise TallyError("duplicate candidate ids")
    if not cands:
        raise TallyError("no candidates")
    return cands


def _check_seats(seats: int, cands: tuple[str, ...]) -> None:
    if not 1 <= seats <= len(cands):
        raise TallyError(f"seats must be between 1 and {len(cands)}, not {seats}")


def _normalise_ranking(ballot: Sequence[RankItem], known: Collection[str]) -> tuple[tuple[RankItem, ...], bool]:
    items: list[RankItem] = []
    seen: set[str] = set()
    strict = True
    for item in ballot:
        group = (item,) if isinstance(item, str) else tuple(item)
        for c in group:
            if c not in known:
                raise TallyError(f"ballot names unknown candidate {c!r}")
            if c in seen:
                raise TallyError(f"ballot ranks candidate {c!r} twice")
            seen.add(c)
        if len(group) == 1:
            items.append(group[0])
        elif group:
            strict = False
            items.append(group)
    return tuple(items), strict


def _ranked_groups(
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    cands: tuple[str, ...],
) -> tuple[list[tuple[tuple[RankItem, ...], int]], int, bool]:
    """Identical ballots grouped (ranking, count); blank ballots counted apart."""
    raw: Counter[tuple[RankItem, ...]] = Counter()
    if isinstance(ballots, Mapping):
        for key, count in ballots.items():
            if count < 0:
                raise TallyError("negative ballot count")
            raw[tuple(key)] += count
    else:
        raw.update(map(tuple, ballots))
    known = frozenset(cands)
    try:
        # Fast path, all in C: every entry is a known id and no ballot repeats one.
        if known.issuperset(chain.from_iterable(raw)) and list(map(len, map(set, raw))) == list(
            map(len, raw)
        ):
            blank = raw.pop((), 0)
            return [(b, c) for b, c in raw.items() if c], blank, True
    except TypeError:
        pass  # an unhashable entry (a list for a tie): the careful path below handles it
    merged: Counter[tuple[RankItem, ...]] = Counter()
    strict = True
    for ballot, count in raw.items():
        try:
            # Fast path for the usual ballot: distinct plain ids, nothing to normalise.
            plain = known.issuperset(ballot) and len(set(ballot)) == len(ballot)
        except TypeError:
            plain = False
        if plain:
            merged[ballot] += count
            continue
        norm, is_strict = _normalise_ranking(ballot, known)
        strict = strict and is_strict
        merged[norm] += count
    blank = merged.pop((), 0)
    return [(b, c) for b, c in merged.items() if c], blank, strict


def _encode_strict(
    ballots: Sequence[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    cands: tuple[str, ...],
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Strict rankings as one padded integer array (a row per distinct ballot, padded with
    ``m``, the number of candidates, and always ending in one pad) with a count per row,
    and the number of blank ballots. None when a ballot needs the careful path (a tie, an
    unknown or repeated id): ``_ranked_groups`` then says what is wrong or normalises it.

    Identical ballots become one weighted row first, so counting works on distinct rankings."""
    m = len(cands)
    index = {c: i for i, c in enumerate(cands)}
    grouped: Mapping[tuple[RankItem, ...], int]
    if isinstance(ballots, Mapping):
        grouped = {tuple(k): n for k, n in ballots.items()}
        if any(n < 0 for n in grouped.values()):
            raise TallyError("negative ballot count")
    else:
        try:
            grouped = Counter(map(tuple, ballots))
        except TypeError:  # an unhashable entry (a list for a tie)
            return None
    keys = list(grouped)
    ids = map(index.__getitem__, chain.from_iterable(keys))  # type: ignore[arg-type]  # a tie (a tuple) raises KeyError
    try:
        # bytes() packs small ids in C, several times faster than numpy.fromiter
        flat = (
            np.frombuffer(bytes(ids), dtype=np.uint8).astype(np.int32)
            if m < 255
            else np.frombuffer(array("i", ids), dtype=np.int32)
        )
    except (KeyError, TypeError):
        return None
    n = len(keys)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=n)
    width = int(lengths.max()) if n else 0
    rows = np.full((n, width + 1), m, dtype=np.int32)
    rows[np.arange(width + 1) < lengths[:, None]] = flat
    if width > 1:
        ordered = np.sort(rows[:, :width], axis=1)
        if ((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != m)).any():
            return None
    counts = np.fromiter(grouped.values(), dtype=np.int64, count=n)
    blank = int(counts[lengths == 0].sum())
    keep = (lengths > 0) & (counts > 0)
    return rows[keep], counts[keep], blank


def _strict_input(
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    cands: tuple[str, ...],
    method: str,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows, counts and blanks of strict rankings, or TallyError naming the problem."""
    listed = ballots if isinstance(ballots, Mapping) else list(ballots)
    encoded = _encode_strict(listed, cands)
    if encoded is not None:
        return encoded
    raw, blank, strict = _ranked_groups(listed, cands)
    groups = _strict_only(raw, strict, method)
    rows, counts, _ = _encode_strict(dict(groups), cands)  # type: ignore[misc]  # now clean
    return rows, counts, blank


class _Piles:
    """Ballot rows on the move: where each row stands in its ranking, and the next
    continuing choice of many rows at once (numpy), or of a few (plain Python, cheaper)."""

    SMALL = 200

    def __init__(self, rows: np.ndarray, counts: np.ndarray, m: int) -> None:
        self.rows, self.counts, self.m = rows, counts, m
        self.pos = np.zeros(len(rows), np.int64)

    def first(self) -> dict[int, tuple[np.ndarray, int]]:
        return self._split(np.arange(len(self.rows)), self.rows[:, 0].astype(np.int64))

    def move(self, idx: np.ndarray, continuing: np.ndarray) -> dict[int, tuple[np.ndarray, int]]:
        """Move rows ``idx`` on to their next continuing choice: {candidate index: (rows,
        ballots)}, with index ``m`` for the exhausted ones."""
        if len(idx) <= self.SMALL:
            return self._move_few(idx, continuing)
        p = self.pos[idx] + 1
        dest = self.rows[idx, p].astype(np.int64)
        todo = np.flatnonzero(~continuing[dest])
        while len(todo):
            p[todo] += 1
            dest[todo] = self.rows[idx[todo], p[todo]]
            todo = todo[~continuing[dest[todo]]]
        self.pos[idx] = p
        return self._split(idx, dest)

    def _split(self, idx: np.ndarray, dest: np.ndarray) -> dict[int, tuple[np.ndarray, int]]:
        order = np.argsort(dest, kind="stable")
        sizes = np.bincount(dest, minlength=self.m + 1)
        weights = np.zeros(self.m + 1, np.int64)
        np.add.at(weights, dest, self.counts[idx])
        parts = np.split(idx[order], np.cumsum(sizes)[:-1])
        return {int(c): (parts[c], int(weights[c])) for c in np.flatnonzero(sizes)}

    def _move_few(self, idx: np.ndarray, continuing: np.ndarray) -> dict[int, tuple[np.ndarray, int]]:
        keep = continuing.tolist()
        rows = self.rows[idx].tolist()
        positions = self.pos[idx].tolist()
        sizes = self.counts[idx].tolist()
        found: dict[int, tuple[list[int], list[int]]] = {}
        for k, (row, p) in enumerate(zip(rows, positions, strict=True)):
            p += 1
            while not keep[row[p]]:
                p += 1
            positions[k] = p
            c = row[p]
            if c not in found:
                found[c] = ([], [])
            found[c][0].append(k)
            found[c][1].append(sizes[k])
        self.pos[idx] = positions
        return {c: (idx[ks], sum(ns)) for c, (ks, ns) in found.items()}


def _strict_only(groups: list[tuple[tuple[RankItem, ...], int]], strict: bool, method: str) -> list[tuple[tuple[str, ...], int]]:
    if not strict:
        raise TallyError(f"{method} needs strict rankings; a ballot ranks candidates equal")
    return groups  # type: ignore[return-value]  # strict: every item is a plain id


def _rank_by_score(
    keys: Mapping[str, Number | tuple[int, ...]],
    lottery: _Lottery,
    seats: int,
    context: str = "ranking",
) -> tuple[tuple[str, ...], list[TieBreak]]:
    """Best first by ascending key; equal keys ordered by the lottery."""
    ranking = sorted(keys, key=lambda c: (keys[c], lottery.rank[c]))  # type: ignore[return-value]
    ties: list[TieBreak] = []
    i = 0
    while i < len(ranking):
        j = i + 1
        while j < len(ranking) and keys[ranking[j]] == keys[ranking[i]]:
            j += 1
        if j - i > 1:
            group = tuple(ranking[i:j])
            ties.append(
                TieBreak(
                    context=f"{context}, places {i + 1}-{j}",
                    tied=tuple(sorted(group)),
                    order=group,
                    chosen=group[0],
                    decides_winner=i < seats < j,
                )
            )
        i = j
    return tuple(ranking), ties


def _record_equal_ties(
    order: list[str], key: Callable[[str], Number], lottery: _Lottery,
    ties: list[TieBreak], context: str, decides: bool,
) -> None:
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and key(order[j]) == key(order[i]):
            j += 1
        if j - i > 1:
            group = tuple(order[i:j])
            ties.append(TieBreak(context, tuple(sorted(group)), group, group[0], decides))
        i = j
