"""Pure vote counting: plain data in, frozen dataclasses out.

No Django, no clock, no global random state. Every tie is broken by a seeded lottery that
anyone can redo (see ``lottery_order``). Exact integers or fractions decide every winner.
The rules are described for voters and auditors in docs/voting.md; keep the two in step.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from itertools import chain
from typing import Literal

import numpy as np

Number = int | Fraction
RankItem = str | tuple[str, ...]
"""One place in a ranking: a candidate id, or a tuple of candidate ids ranked equal."""


class TallyError(ValueError):
    """Ballots or parameters that cannot be counted (unknown candidate, bad seats, ...)."""


# ---------------------------------------------------------------------------------------
# Seeded lottery
# ---------------------------------------------------------------------------------------


def lottery_key(seed: str, candidate: str) -> str:
    """SHA-256 hex digest of ``seed``, a newline and the candidate id (UTF-8)."""
    return hashlib.sha256(f"{seed}\n{candidate}".encode()).hexdigest()


def lottery_order(seed: str, candidates: Iterable[str]) -> tuple[str, ...]:
    """Candidates sorted by ``lottery_key`` (then id): the first is the most favoured.

    The order is drawn once per count, so one published seed fixes every tie in advance:
    a tie to elect picks the tied candidate that comes first, a tie to eliminate removes
    the one that comes last.
    """
    return tuple(sorted(candidates, key=lambda c: (lottery_key(seed, c), c)))


class _Lottery:
    def __init__(self, seed: str, candidates: Iterable[str]) -> None:
        self.seed = seed
        self.order = lottery_order(seed, candidates)
        self.rank = {c: i for i, c in enumerate(self.order)}

    def sort(self, tied: Iterable[str]) -> tuple[str, ...]:
        return tuple(sorted(tied, key=self.rank.__getitem__))


@dataclass(frozen=True)
class TieBreak:
    """A tie the lottery decided: ``order`` is the tied candidates in lottery order."""

    context: str
    tied: tuple[str, ...]
    order: tuple[str, ...]
    chosen: str
    decides_winner: bool
    rule: str = "lottery: SHA-256(seed + newline + id), lowest hash favoured"


# ---------------------------------------------------------------------------------------
# Outcomes
# ---------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class YesNoOutcome(Outcome):
    yes: int
    no: int
    abstain: int
    threshold: Fraction
    inclusive: bool
    required: Fraction
    passed: bool

    def _explain_body(self) -> list[str]:
        rule = "at least" if self.inclusive else "more than"
        return [
            f"Yes {self.yes}, no {self.no}, abstain {self.abstain} (abstentions not counted).",
            f"Needed: {rule} {self.threshold} of {self.yes + self.no} valid yes/no votes "
            f"= {rule} {_fmt(self.required)} yes.",
            "Adopted." if self.passed else "Rejected.",
        ]


@dataclass(frozen=True)
class ScoredOutcome(Outcome):
    """Approval, Borda, score, dot voting and Copeland: one number per candidate."""

    scores: Mapping[str, Number]
    extra: Mapping[str, Mapping[str, Number]] = field(default_factory=dict)
    pairwise: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    def _explain_body(self) -> list[str]:
        order = self.ranking or self.candidates
        lines = []
        if self.pairwise:
            lines += _matrix_lines("Pairwise: ballots ranking row above column", self.pairwise, order)
        lines += [f"{i}. {c}: {_fmt(self.scores[c])}" for i, c in enumerate(order, 1)]
        for name, values in self.extra.items():
            lines.append(f"{name}: " + ", ".join(f"{c} {_fmt(v)}" for c, v in values.items()))
        return lines


def _matrix_lines(title: str, table: Mapping[str, Mapping[str, int]], shown: Sequence[str]) -> list[str]:
    if len(shown) > 15:
        return [f"{title}: {len(shown)} candidates, see the JSON output."]
    width = max(max(len(c) for c in shown), *(len(str(v)) for row in table.values() for v in row.values())) + 1
    lines = [title, " " * width + "".join(c.rjust(width) for c in shown)]
    for a in shown:
        lines.append(a.ljust(width) + "".join(
            ("-" if a == b else str(table[a][b])).rjust(width) for b in shown))
    return lines


@dataclass(frozen=True)
class IrvRound:
    number: int
    counts: Mapping[str, int]
    exhausted: int
    eliminated: tuple[str, ...]
    transfers: Mapping[str, int]
    exhausted_now: int


@dataclass(frozen=True)
class IrvOutcome(Outcome):
    rounds: tuple[IrvRound, ...]
    majority_round: int | None
    blank: int

    def _explain_body(self) -> list[str]:
        lines = []
        for r in self.rounds:
            counts = ", ".join(f"{c} {v}" for c, v in r.counts.items())
            lines.append(f"Round {r.number}: {counts}; exhausted {r.exhausted}")
            if r.eliminated:
                moved = ", ".join(f"{c} +{v}" for c, v in r.transfers.items())
                lines.append(
                    f"  eliminated {', '.join(r.eliminated)}; transfers: {moved or 'none'}"
                    f"; newly exhausted {r.exhausted_now}"
                )
        if self.majority_round is not None:
            lines.append(f"Majority of continuing ballots first reached in round {self.majority_round}.")
        lines.append(f"Winner: {self.winners[0]}" if self.winners else "No winner (no valid ballots).")
        return lines


@dataclass(frozen=True)
class StvRound:
    number: int
    action: Literal["elect", "surplus", "eliminate", "fill"]
    subjects: tuple[str, ...]
    counts: Mapping[str, Number]
    exhausted: Number
    transfer_value: Fraction | None
    transfers: Mapping[str, Number]


@dataclass(frozen=True)
class StvOutcome(Outcome):
    seats: int
    quota: int
    valid: int
    rounds: tuple[StvRound, ...]

    def _explain_body(self) -> list[str]:
        lines = [
            f"Valid ballots {self.valid}, seats {self.seats}, Droop quota "
            f"floor({self.valid}/{self.seats + 1}) + 1 = {self.quota}."
        ]
        for r in self.rounds:
            counts = ", ".join(f"{c} {_fmt(v)}" for c, v in r.counts.items())
            lines.append(f"Round {r.number}: {counts}; exhausted {_fmt(r.exhausted)}")
            what = {
                "elect": "elected (reached quota)",
                "surplus": "surplus transferred",
                "eliminate": "eliminated",
                "fill": "elected (as many continuing candidates as seats left)",
            }[r.action]
            detail = f"  {', '.join(r.subjects)} {what}"
            if r.transfer_value is not None:
                detail += f" at transfer value {_fmt(r.transfer_value)}"
            if r.transfers:
                detail += "; to " + ", ".join(f"{c} +{_fmt(v)}" for c, v in r.transfers.items())
            lines.append(detail)
        lines.append("Elected: " + ", ".join(self.winners))
        return lines


@dataclass(frozen=True)
class SchulzeOutcome(Outcome):
    strength: Literal["winning", "margin"]
    pairwise: Mapping[str, Mapping[str, int]]
    strongest_paths: Mapping[str, Mapping[str, int]]
    undefeated: tuple[str, ...]

    def _explain_body(self) -> list[str]:
        shown = list(self.ranking or self.candidates)
        lines = _matrix_lines("Pairwise: ballots ranking row above column", self.pairwise, shown)
        lines += _matrix_lines(f"Strongest paths ({self.strength} votes)", self.strongest_paths, shown)
        lines.append("Undefeated: " + ", ".join(self.undefeated))
        lines.append("Ranking: " + ", ".join(shown))
        return lines


@dataclass(frozen=True)
class MajorityJudgmentOutcome(Outcome):
    grades: tuple[str, ...]
    medians: Mapping[str, int]
    distribution: Mapping[str, tuple[int, ...]]

    def _explain_body(self) -> list[str]:
        order = self.ranking or self.candidates
        return [
            f"{i}. {c}: median {self.grades[self.medians[c]]}; grades "
            + ", ".join(f"{g} {n}" for g, n in zip(self.grades, self.distribution[c], strict=True))
            for i, c in enumerate(order, 1)
        ]


@dataclass(frozen=True)
class BudgetStep:
    phase: Literal["mes", "greedy"]
    project: str
    cost: Number
    votes: int
    selected: bool
    remaining: Number
    rho: Fraction | None = None
    payment: Fraction | None = None


@dataclass(frozen=True)
class BudgetOutcome(Outcome):
    budget: Number
    spent: Number
    votes: Mapping[str, int]
    costs: Mapping[str, Number]
    steps: tuple[BudgetStep, ...]
    utility: str
    completion: str
    voter_budget: Fraction | None

    def _explain_body(self) -> list[str]:
        lines = [f"Budget {_fmt(self.budget)}"]
        if self.voter_budget is not None:
            lines.append(
                f"Method of Equal Shares, {self.utility} utilities, completion "
                f"{self.completion}; final budget per voter {_fmt(self.voter_budget)}"
            )
        for s in self.steps:
            if s.phase == "mes":
                lines.append(
                    f"MES: buy {s.project} (cost {_fmt(s.cost)}, {s.votes} votes) at rho "
                    f"{_fmt(s.rho)}, each supporter pays at most {_fmt(s.payment)}; "
                    f"left {_fmt(s.remaining)}"
                )
            else:
                verdict = "selected" if s.selected else "skipped (does not fit)"
                lines.append(
                    f"Greedy: {s.project} ({s.votes} votes, cost {_fmt(s.cost)}) {verdict}; "
                    f"left {_fmt(s.remaining)}"
                )
        lines.append(f"Funded: {', '.join(self.winners) or 'nothing'}; spent {_fmt(self.spent)}")
        return lines


# ---------------------------------------------------------------------------------------
# Input checks and grouping
# ---------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------
# Yes / no / abstain
# ---------------------------------------------------------------------------------------


def yes_no(
    ballots: Iterable[str] | Mapping[str, int],
    *,
    threshold: Fraction = Fraction(1, 2),
    inclusive: bool = False,
) -> YesNoOutcome:
    """Adopted when yes is more than (or, if ``inclusive``, at least) ``threshold`` of
    yes + no. Abstentions are reported but are not valid votes for the threshold."""
    counts = Counter(ballots)
    unknown = set(counts) - {"yes", "no", "abstain"}
    if unknown:
        raise TallyError(f"unknown yes/no answers: {sorted(unknown)}")
    if not 0 < threshold < 1:
        raise TallyError("threshold must be between 0 and 1")
    yes, no, abstain = counts["yes"], counts["no"], counts["abstain"]
    required = Fraction(threshold) * (yes + no)
    passed = yes + no > 0 and (yes >= required if inclusive else yes > required)
    return YesNoOutcome(
        method="yes_no",
        candidates=("yes", "no"),
        winners=("yes",) if passed else ("no",),
        ranking=None,
        tie_breaks=(),
        seed="",
        yes=yes,
        no=no,
        abstain=abstain,
        threshold=Fraction(threshold),
        inclusive=inclusive,
        required=required,
        passed=passed,
    )


# ---------------------------------------------------------------------------------------
# Approval, score, dot voting
# ---------------------------------------------------------------------------------------


def approval(
    candidates: Sequence[str],
    ballots: Iterable[Collection[str]],
    *,
    seats: int = 1,
    seed: str = "",
) -> ScoredOutcome:
    """Most approvals win; the number of approvals per ballot is validated elsewhere."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    known = frozenset(cands)
    grouped = Counter(map(frozenset, ballots))
    scores = dict.fromkeys(cands, 0)
    for ballot, count in grouped.items():
        for c in ballot:
            if c not in known:
                raise TallyError(f"ballot names unknown candidate {c!r}")
            scores[c] += count
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score({c: -v for c, v in scores.items()}, lottery, seats)
    return ScoredOutcome("approval", cands, ranking[:seats], ranking, tuple(ties), seed, scores)


def _point_totals(
    cands: tuple[str, ...], ballots: Iterable[Mapping[str, int]], low: int, high: int | None
) -> tuple[dict[str, int], dict[str, int], int]:
    known = frozenset(cands)
    grouped = Counter(tuple(sorted(b.items())) for b in ballots)
    totals = dict.fromkeys(cands, 0)
    rated = dict.fromkeys(cands, 0)
    voters = 0
    for ballot, count in grouped.items():
        voters += count
        for c, points in ballot:
            if c not in known:
                raise TallyError(f"ballot names unknown candidate {c!r}")
            if not isinstance(points, int) or points < low or (high is not None and points > high):
                raise TallyError(f"points for {c!r} out of range: {points!r}")
            totals[c] += points * count
            rated[c] += count
    return totals, rated, voters


def score(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, int]],
    *,
    low: int = 0,
    high: int = 5,
    seats: int = 1,
    seed: str = "",
) -> ScoredOutcome:
    """Score voting: a candidate left blank counts as ``low``; ranked by mean over all
    ballots (equivalently by total)."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    totals, rated, voters = _point_totals(cands, ballots, low, high)
    means: dict[str, Number] = {
        c: Fraction(totals[c] + low * (voters - rated[c]), voters) if voters else Fraction(0)
        for c in cands
    }
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score({c: -v for c, v in means.items()}, lottery, seats)
    extra: dict[str, Mapping[str, Number]] = {"total": totals, "rated by": rated}
    return ScoredOutcome("score", cands, ranking[:seats], ranking, tuple(ties), seed, means, extra)


def dot_voting(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, int]],
    *,
    seats: int = 1,
    seed: str = "",
) -> ScoredOutcome:
    """Dot voting / cumulative points: most points win. The per-voter point budget is
    validated when the ballot is cast."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    totals, _, _ = _point_totals(cands, ballots, 0, None)
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score({c: -v for c, v in totals.items()}, lottery, seats)
    return ScoredOutcome("dot", cands, ranking[:seats], ranking, tuple(ties), seed, dict(totals))


# ---------------------------------------------------------------------------------------
# Majority judgment
# ---------------------------------------------------------------------------------------


def _majority_value(distribution: Sequence[int]) -> tuple[int, ...]:
    """Grades removed one lower median at a time (Balinski-Laraki majority value)."""
    counts = list(distribution)
    left = sum(counts)
    out: list[int] = []
    while left:
        idx = (left - 1) // 2
        seen = 0
        for grade, n in enumerate(counts):
            seen += n
            if seen > idx:
                out.append(grade)
                counts[grade] -= 1
                break
        left -= 1
    return tuple(out)


def majority_judgment(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, int]],
    *,
    grades: Sequence[str] = ("reject", "poor", "fair", "good", "very good", "excellent"),
    seats: int = 1,
    seed: str = "",
) -> MajorityJudgmentOutcome:
    """Highest (lower) median grade wins; a candidate left ungraded gets the lowest grade.
    Equal medians: compare the majority values (remove one median grade from each and
    compare again, repeatedly); identical grade distributions go to the lottery."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    top = len(grades) - 1
    known = frozenset(cands)
    grouped = Counter(tuple(sorted(b.items())) for b in ballots)
    dist = {c: [0] * len(grades) for c in cands}
    voters = 0
    for ballot, count in grouped.items():
        voters += count
        for c, g in ballot:
            if c not in known:
                raise TallyError(f"ballot names unknown candidate {c!r}")
            if not isinstance(g, int) or not 0 <= g <= top:
                raise TallyError(f"grade for {c!r} out of range: {g!r}")
            dist[c][g] += count
    for c in cands:
        dist[c][0] += voters - sum(dist[c])
    values = {c: _majority_value(dist[c]) for c in cands}
    medians = {c: values[c][0] if values[c] else 0 for c in cands}
    lottery = _Lottery(seed, cands)
    keys = {c: tuple(-g for g in values[c]) for c in cands}
    ranking, ties = _rank_by_score(keys, lottery, seats)
    return MajorityJudgmentOutcome(
        "majority_judgment", cands, ranking[:seats], ranking, tuple(ties), seed,
        tuple(grades), medians, {c: tuple(dist[c]) for c in cands},
    )


# ---------------------------------------------------------------------------------------
# Instant-runoff voting
# ---------------------------------------------------------------------------------------


def irv(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seed: str = "",
) -> IrvOutcome:
    """Instant-runoff: eliminate the candidate with the fewest votes until one is left.

    Candidates with no votes at all are eliminated together (it cannot change who wins);
    the count continues past the first majority so that the elimination order gives a
    full ranking (winner first)."""
    cands = _check_candidates(candidates)
    rows, row_counts, blank = _strict_input(ballots, cands, "IRV")
    m = len(cands)
    lottery = _Lottery(seed, cands)
    continuing = set(cands)
    still_in = np.ones(m + 1, bool)
    still_in[m] = True  # the pad stops the search: it means "exhausted"
    ballots_in = _Piles(rows, row_counts, m)
    tally = dict.fromkeys(cands, 0)
    # Piles hold ballot rows; only the eliminated candidate's pile ever moves.
    piles: dict[str, list[np.ndarray]] = {c: [] for c in cands}
    for ci, (part, size) in ballots_in.first().items():
        piles[cands[ci]].append(part)
        tally[cands[ci]] += size
    exhausted = 0
    rounds: list[IrvRound] = []
    ties: list[TieBreak] = []
    out_order: list[str] = []
    majority_round: int | None = None
    number = 0
    while continuing:
        number += 1
        counts = {
            c: tally[c]
            for c in sorted(continuing, key=lambda c: (-tally[c], lottery.rank[c]))
        }
        active = sum(counts.values())
        leader = next(iter(counts))
        if majority_round is None and active and 2 * counts[leader] > active:
            majority_round = number
        if len(continuing) == 1:
            rounds.append(IrvRound(number, counts, exhausted, (), {}, 0))
            out_order.append(leader)
            break
        low = min(counts.values())
        lowest = [c for c in counts if counts[c] == low]
        if low == 0 and len(lowest) < len(counts):
            losers = lottery.sort(lowest)[::-1]
        elif len(lowest) > 1:
            order = lottery.sort(lowest)
            losers = (order[-1],)
            ties.append(
                TieBreak(
                    f"round {number}, elimination", tuple(sorted(lowest)), order, order[-1],
                    decides_winner=True,
                )
            )
        else:
            losers = (lowest[0],)
        continuing.difference_update(losers)
        transfers: Counter[str] = Counter()
        newly_exhausted = 0
        moving: list[np.ndarray] = []
        for loser in losers:
            out_order.append(loser)
            still_in[cands.index(loser)] = False
            moving.extend(piles.pop(loser))
        if moving:
            idx = np.concatenate(moving) if len(moving) > 1 else moving[0]
            for ci, (part, moved) in ballots_in.move(idx, still_in).items():
                if ci == m:
                    newly_exhausted += moved
                else:
                    piles[cands[ci]].append(part)
                    transfers[cands[ci]] += moved
        for c, n in transfers.items():
            tally[c] += n
        exhausted += newly_exhausted
        rounds.append(
            IrvRound(number, counts, exhausted - newly_exhausted, tuple(losers),
                     dict(transfers.most_common()), newly_exhausted)
        )
    ranking_out = tuple(reversed(out_order))
    winners = ranking_out[:1] if len(rows) else ()
    return IrvOutcome(
        "irv", cands, winners, ranking_out if len(rows) else None, tuple(ties), seed,
        tuple(rounds), majority_round, blank,
    )


# ---------------------------------------------------------------------------------------
# Single transferable vote
# ---------------------------------------------------------------------------------------


def stv(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seats: int,
    seed: str = "",
) -> StvOutcome:
    """STV with the Droop quota floor(valid / (seats + 1)) + 1 and the weighted inclusive
    Gregory method in exact fractions: an elected candidate's surplus moves all of their
    ballots on at (current value x surplus / total); an eliminated candidate's ballots move
    on at their current value. Surpluses go first, largest first; then the lowest
    candidate is eliminated (all candidates without a vote at once). When the continuing
    candidates just fill the seats left, they are all elected."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    rows, row_counts, _blank = _strict_input(ballots, cands, "STV")
    m = len(cands)
    index = {c: i for i, c in enumerate(cands)}
    lottery = _Lottery(seed, cands)
    valid = int(row_counts.sum())
    quota = valid // (seats + 1) + 1
    hopeful = set(cands)
    elected: list[str] = []
    eliminated: list[str] = []
    pending: list[str] = []
    tally: dict[str, Number] = dict.fromkeys(cands, 0)
    # A pile maps a value per ballot to the ballot rows that carry it: rows that arrived
    # with the same value move together, so a surplus costs one multiplication per value.
    piles: dict[str, dict[Number, list[np.ndarray]]] = {c: {} for c in cands}
    ballots_in = _Piles(rows, row_counts, m)
    for ci, (part, size) in ballots_in.first().items():
        piles[cands[ci]][1] = [part]
        tally[cands[ci]] += size
    exhausted: Number = 0
    rounds: list[StvRound] = []
    ties: list[TieBreak] = []

    def snapshot() -> dict[str, Number]:
        shown = [c for c in cands if c in hopeful or c in elected]
        shown.sort(key=lambda c: (-tally[c], lottery.rank[c]))
        return {c: tally[c] for c in shown}

    def move(
        parcels: list[dict[Number, list[np.ndarray]]], factor: Fraction | None
    ) -> tuple[dict[str, Number], Number]:
        still_in = np.zeros(m + 1, bool)
        still_in[[index[c] for c in hopeful]] = True
        still_in[m] = True  # the pad: exhausted
        by_value: dict[Number, list[np.ndarray]] = {}
        for pile in parcels:
            for value, parts in pile.items():
                by_value.setdefault(value, []).extend(parts)
        moved: dict[str, Number] = {}
        lost: Number = 0
        for value, parts in by_value.items():
            new_value = value * factor if factor is not None else value
            if not new_value:
                continue
            idx = np.concatenate(parts) if len(parts) > 1 else parts[0]
            for ci, (part, size) in ballots_in.move(idx, still_in).items():
                amount = new_value * size
                if ci == m:
                    lost += amount
                    continue
                c = cands[ci]
                piles[c].setdefault(new_value, []).append(part)
                tally[c] += amount
                moved[c] = moved.get(c, 0) + amount
        return dict(sorted(moved.items(), key=lambda kv: (-kv[1], lottery.rank[kv[0]]))), lost

    number = 0
    while len(elected) < seats:
        number += 1
        counts = snapshot()
        if len(elected) + len(hopeful) <= seats:
            fill = sorted(hopeful, key=lambda c: (-tally[c], lottery.rank[c]))
            elected.extend(fill)
            hopeful.clear()
            rounds.append(StvRound(number, "fill", tuple(fill), counts, exhausted, None, {}))
            break
        reached = [c for c in hopeful if tally[c] >= quota]
        if reached:
            order = sorted(reached, key=lambda c: (-tally[c], lottery.rank[c]))
            _record_equal_ties(order, lambda c: tally[c], lottery, ties, f"round {number}, order of election", False)
            for c in order:
                elected.append(c)
                hopeful.discard(c)
                pending.append(c)
            rounds.append(StvRound(number, "elect", tuple(order), counts, exhausted, None, {}))
            continue
        pending = [c for c in pending if tally[c] > quota]
        if pending:
            top_surplus = max(tally[c] for c in pending)
            tied = [c for c in pending if tally[c] == top_surplus]
            chosen = lottery.sort(tied)[0]
            if len(tied) > 1:
                ties.append(TieBreak(f"round {number}, which surplus first", tuple(sorted(tied)),
                                     lottery.sort(tied), chosen, decides_winner=True))
            pending.remove(chosen)
            total = tally[chosen]
            factor = Fraction(total - quota) / total
            moved, lost = move([piles.pop(chosen)], factor)
            piles[chosen] = {}
            tally[chosen] = quota
            exhausted += lost
            rounds.append(StvRound(number, "surplus", (chosen,), counts, exhausted - lost, factor, moved))
            continue
        low = min(tally[c] for c in hopeful)
        lowest = [c for c in hopeful if tally[c] == low]
        order_low = lottery.sort(lowest)
        if low == 0 and len(hopeful) - len(lowest) >= seats - len(elected):
            # Candidates without a single vote go out together: nothing moves, and enough
            # candidates remain to fill the seats, so their order cannot change a winner.
            losers = order_low[::-1]
        else:
            losers = (order_low[-1],)
            if len(lowest) > 1:
                ties.append(TieBreak(f"round {number}, elimination", tuple(sorted(lowest)),
                                     order_low, losers[0], decides_winner=True))
        hopeful.difference_update(losers)
        eliminated.extend(losers)
        parcels = []
        for loser in losers:
            parcels.append(piles.pop(loser))
            piles[loser] = {}
        moved, lost = move(parcels, None)
        exhausted += lost
        rounds.append(StvRound(number, "eliminate", tuple(losers), counts, exhausted - lost, None, moved))
    return StvOutcome(
        "stv", cands, tuple(elected), None, tuple(ties), seed, seats, quota, valid, tuple(rounds)
    )


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


# ---------------------------------------------------------------------------------------
# Pairwise methods: matrix, Schulze, Copeland, Borda
# ---------------------------------------------------------------------------------------


def _pairwise_loops(
    groups: list[tuple[Sequence[int], int]], m: int
) -> tuple[list[list[int]], list[int]]:
    """d[a][b]: ballots ranking a above b, where any ranked candidate is above every
    unranked one. Counts only ranked pairs, then fills in the unranked ones."""
    ranked_above = [[0] * m for _ in range(m)]
    ranked = [0] * m
    for ballot, count in groups:
        for i, a in enumerate(ballot):
            ranked[a] += count
            row = ranked_above[a]
            for b in ballot[i + 1:]:
                row[b] += count
    # a ranked and b not ranked above a: ranked[a] - ranked_above[b][a]
    return [
        [ranked[a] - ranked_above[b][a] if a != b else 0 for b in range(m)] for a in range(m)
    ], ranked


def _pairwise_rows(rows: np.ndarray, counts: np.ndarray, m: int) -> list[list[int]]:
    """d[a][b] from encoded strict rankings (see ``_encode_strict``): the weighted number of
    rows where a stands before b, an unranked candidate standing after every ranked one."""
    g, width = rows.shape
    if not g:
        return [[0] * m for _ in range(m)]
    ranked_width = width - 1  # the last column is always the pad
    if ranked_width * (ranked_width - 1) * 2 < m * m:
        # Short rankings of many candidates: count the ranked pairs of each row (whole
        # numbers in float64, exact below 2**53); a ranked candidate beats unranked ones.
        first_at, then_at = np.triu_indices(ranked_width, 1)
        first, then = rows[:, first_at], rows[:, then_at]
        both = then != m
        ids = first[both].astype(np.int64) * m + then[both]
        weights = np.broadcast_to(counts[:, None], first.shape)[both].astype(np.float64)
        above = np.rint(np.bincount(ids, weights=weights, minlength=m * m)).astype(np.int64)
        listed = rows[:, :ranked_width]
        ranked = np.rint(np.bincount(
            listed.ravel(), weights=np.repeat(counts, ranked_width).astype(np.float64), minlength=m + 1
        )).astype(np.int64)[:m]
        d_pairs = ranked[:, None] - above.reshape(m, m).T
        np.fill_diagonal(d_pairs, 0)
        return d_pairs.tolist()
    # place[r, c]: where row r ranks candidate c; every unranked candidate shares the last.
    place = np.full((g, m + 1), width, dtype=np.int16 if width < 32_000 else np.int32)
    place[np.arange(g)[:, None], rows] = np.arange(width, dtype=place.dtype)
    place = place[:, :m]
    single = counts == 1
    ones, several = place[single], place[~single]
    weights = counts[~single].astype(np.float64)
    d = np.zeros((m, m), np.int64)
    for a in range(m):
        d[a] = np.count_nonzero(ones[:, a:a + 1] < ones, axis=0)
        if len(several):
            # exact: whole numbers below 2**53
            d[a] += np.rint(weights @ (several[:, a:a + 1] < several)).astype(np.int64)
    return d.tolist()


def _pairwise_weak(groups: list[tuple[tuple[RankItem, ...], int]], index: Mapping[str, int], m: int) -> list[list[int]]:
    d = [[0] * m for _ in range(m)]
    everyone = set(range(m))
    for ballot, count in groups:
        levels = [[index[ballot_item]] if isinstance(ballot_item, str) else [index[c] for c in ballot_item]
                  for ballot_item in ballot]
        placed = {c for level in levels for c in level}
        later = everyone - placed
        for level in reversed(levels):
            for a in level:
                row = d[a]
                for b in later:
                    row[b] += count
            later = later | set(level)
    return d


def pairwise_matrix(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
) -> dict[str, dict[str, int]]:
    """How many ballots rank a above b (ranked candidates are above unranked ones)."""
    cands = _check_candidates(candidates)
    return _named_matrix(_pairwise_any(ballots, cands), cands)


def _pairwise_any(
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    cands: tuple[str, ...],
) -> list[list[int]]:
    """The pairwise matrix: from encoded rows for strict rankings, else ranking by ranking."""
    listed = ballots if isinstance(ballots, Mapping) else list(ballots)
    encoded = _encode_strict(listed, cands)
    if encoded is not None:
        return _pairwise_rows(encoded[0], encoded[1], len(cands))
    groups, _, strict = _ranked_groups(listed, cands)
    return _pairwise(groups, strict, cands)


def _named_matrix(d: list[list[int]], cands: tuple[str, ...]) -> dict[str, dict[str, int]]:
    named = {}
    for a, row in zip(cands, d, strict=True):
        entries = dict(zip(cands, row, strict=True))
        del entries[a]
        named[a] = entries
    return named


def _pairwise(groups: list[tuple[tuple[RankItem, ...], int]], strict: bool, cands: tuple[str, ...]) -> list[list[int]]:
    if not strict:
        return _pairwise_weak(groups, {c: i for i, c in enumerate(cands)}, len(cands))
    rows, counts, _ = _encode_strict(dict(groups), cands)  # type: ignore[misc]  # normalised
    return _pairwise_rows(rows, counts, len(cands))


def _strongest_paths(strength: list[list[int]]) -> list[list[int]]:
    """All-pairs widest paths (Floyd-Warshall on max-min), one numpy step per pivot.
    Integers throughout, so exact; the diagonal is 0."""
    p = np.array(strength, dtype=np.int64).reshape(len(strength), len(strength))
    for k in range(len(p)):
        np.maximum(p, np.minimum(p[:, k:k + 1], p[k:k + 1, :]), out=p)
    np.fill_diagonal(p, 0)
    return p.tolist()


def schulze(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seats: int = 1,
    seed: str = "",
    strength: Literal["winning", "margin"] = "winning",
) -> SchulzeOutcome:
    """Schulze: a beats b when the strongest path from a to b is stronger than back.
    A link a->b exists when more ballots rank a over b than b over a; its strength is the
    number ranking a over b ("winning votes", the default) or the margin."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    d = _pairwise_any(ballots, cands)
    pairs = np.array(d, dtype=np.int64).reshape(len(cands), len(cands))
    wins = pairs > pairs.T
    links = np.where(wins, pairs if strength == "winning" else pairs - pairs.T, 0)
    p = _strongest_paths(links.tolist())
    strongest = np.array(p, dtype=np.int64).reshape(pairs.shape)
    beaten = dict(zip(cands, (strongest < strongest.T).sum(axis=1).tolist(), strict=True))
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score(beaten, lottery, seats)
    undefeated = tuple(c for c in ranking if beaten[c] == 0)
    return SchulzeOutcome(
        "schulze", cands, ranking[:seats], ranking, tuple(ties), seed, strength,
        _named_matrix(d, cands),
        _named_matrix(p, cands),
        undefeated,
    )


def copeland(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seats: int = 1,
    seed: str = "",
) -> ScoredOutcome:
    """Copeland: head-to-head wins minus head-to-head losses."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    d = _pairwise_any(ballots, cands)
    m = len(cands)
    wins = {cands[a]: sum(1 for b in range(m) if d[a][b] > d[b][a]) for a in range(m)}
    losses = {cands[a]: sum(1 for b in range(m) if d[a][b] < d[b][a]) for a in range(m)}
    scores = {c: wins[c] - losses[c] for c in cands}
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score({c: -v for c, v in scores.items()}, lottery, seats)
    return ScoredOutcome(
        "copeland", cands, ranking[:seats], ranking, tuple(ties), seed, scores,
        {"wins": wins, "losses": losses}, _named_matrix(d, cands),
    )


def borda(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seats: int = 1,
    seed: str = "",
) -> ScoredOutcome:
    """Borda: a ranked candidate scores one point for every candidate ranked below it,
    counting every unranked candidate as below; unranked candidates score 0. With n
    candidates a full ranking gives n-1, n-2, ..., 0; a ranking of k gives n-1 ... n-k."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    groups, _, _ = _ranked_groups(ballots, cands)
    m = len(cands)
    scores = dict.fromkeys(cands, 0)
    for ballot, count in groups:
        above = 0
        for item in ballot:
            level = (item,) if isinstance(item, str) else item
            above += len(level)
            for c in level:
                scores[c] += (m - above) * count
    lottery = _Lottery(seed, cands)
    ranking, ties = _rank_by_score({c: -v for c, v in scores.items()}, lottery, seats)
    return ScoredOutcome("borda", cands, ranking[:seats], ranking, tuple(ties), seed, scores)


# ---------------------------------------------------------------------------------------
# Participatory budgeting: greedy and the Method of Equal Shares
# ---------------------------------------------------------------------------------------


def _budget_input(
    projects: Mapping[str, Number], budget: Number, ballots: Iterable[Collection[str]]
) -> tuple[tuple[str, ...], Counter[frozenset[str]], dict[str, int]]:
    cands = _check_candidates(projects)
    if budget < 0 or any(cost < 0 for cost in projects.values()):
        raise TallyError("budget and costs must not be negative")
    grouped = Counter(map(frozenset, ballots))
    known = frozenset(cands)
    votes = dict.fromkeys(cands, 0)
    for ballot, count in grouped.items():
        for p in ballot:
            if p not in known:
                raise TallyError(f"ballot names unknown project {p!r}")
            votes[p] += count
    return cands, grouped, votes


def _greedy_fill(
    cands: Sequence[str], costs: Mapping[str, Number], votes: Mapping[str, int],
    left: Number, chosen: list[str], lottery: _Lottery, ties: list[TieBreak],
) -> tuple[list[BudgetStep], Number]:
    """Most votes first; a project that does not fit is skipped; no votes, no money."""
    pool = [p for p in cands if p not in chosen and votes[p] > 0]
    order = sorted(pool, key=lambda p: (-votes[p], lottery.rank[p]))
    _record_equal_ties(order, lambda p: votes[p], lottery, ties, "greedy order by votes", False)
    steps: list[BudgetStep] = []
    for p in order:
        fits = costs[p] <= left
        if fits:
            left -= costs[p]
            chosen.append(p)
        steps.append(BudgetStep("greedy", p, costs[p], votes[p], fits, left))
    return steps, left


def greedy_budget(
    projects: Mapping[str, Number],
    budget: Number,
    ballots: Iterable[Collection[str]],
    *,
    seed: str = "",
) -> BudgetOutcome:
    """Greedy by approval votes: fund projects from most votes down, skipping any that no
    longer fit, until the list ends."""
    cands, _, votes = _budget_input(projects, budget, ballots)
    lottery = _Lottery(seed, cands)
    ties: list[TieBreak] = []
    chosen: list[str] = []
    steps, left = _greedy_fill(cands, projects, votes, budget, chosen, lottery, ties)
    return BudgetOutcome(
        "greedy", cands, tuple(chosen), None, tuple(ties), seed, budget, budget - left,
        votes, dict(projects), tuple(steps), "approval", "none", None,
    )


def _max_payment(pool: Mapping[int, int], class_value: Sequence[Fraction], cost: Number) -> Fraction | None:
    """Smallest t with sum(weight * min(budget, t)) == cost over the supporters' budget
    classes, or None if they cannot pay it together."""
    paid: Number = 0
    left = sum(pool.values())
    for k in sorted(pool, key=class_value.__getitem__):
        weight = pool[k]
        value = class_value[k]
        if value * left >= cost - paid:
            return Fraction(cost - paid) / left
        paid += value * weight
        left -= weight
    return None


def _mes_run(
    cands: Sequence[str], costs: Mapping[str, Number], grouped: Counter[frozenset[str]],
    voter_budget: Fraction, budget: Number, utility: str, lottery: _Lottery,
    ties: list[TieBreak],
) -> tuple[list[str], list[BudgetStep], Number]:
    group_list = list(grouped.items())
    # Voters with the same purchase history have the same budget: a budget class. Pools map
    # class id -> number of supporters, so the hot loop hashes ints, never fractions.
    class_value: list[Fraction] = [voter_budget]
    voter_class = [0] * len(group_list)
    supporters: dict[str, list[int]] = {p: [] for p in cands}
    for gi, (ballot, _count) in enumerate(group_list):
        for p in ballot:
            supporters[p].append(gi)
    pools: dict[str, dict[int, int]] = {}
    chosen: list[str] = []
    for p in cands:
        weight = sum(group_list[gi][1] for gi in supporters[p])
        if weight == 0:
            continue
        if costs[p] == 0:
            chosen.append(p)
            continue
        pools[p] = {0: weight}
    lower_bound = dict.fromkeys(pools, Fraction(0))
    steps: list[BudgetStep] = []
    spent: Number = sum(costs[p] for p in chosen)
    votes = {p: sum(group_list[gi][1] for gi in supporters[p]) for p in cands}
    number = 0
    while pools:
        number += 1
        best: list[str] = []
        best_rho: Fraction | None = None
        best_pay: dict[str, Fraction] = {}
        # rho never falls as budgets shrink, so the last rho is a lower bound to prune with.
        for p in sorted(pools, key=lambda q: (lower_bound[q], lottery.rank[q])):
            if best_rho is not None and lower_bound[p] > best_rho:
                break
            pay = _max_payment(pools[p], class_value, costs[p])
            if pay is None:
                del pools[p]
                continue
            rho = pay / costs[p] if utility == "cost" else pay
            lower_bound[p] = rho
            if best_rho is None or rho < best_rho:
                best_rho, best = rho, [p]
            elif rho == best_rho:
                best.append(p)
            best_pay[p] = pay
        if best_rho is None:
            break
        order = lottery.sort(best)
        project = order[0]
        if len(best) > 1:
            ties.append(TieBreak(f"MES step {number}", tuple(sorted(best)), order, project, True))
        pay = best_pay[project]
        del pools[project]
        moved_to: dict[int, int] = {}
        for gi in supporters[project]:
            old = voter_class[gi]
            if old < 0:
                continue
            new = moved_to.get(old, -1)
            if new < 0:
                remaining = class_value[old] - pay
                # A class with nothing left is dropped from the pools: it pays nothing.
                new = len(class_value) if remaining > 0 else -2
                if new >= 0:
                    class_value.append(remaining)
                moved_to[old] = new
            voter_class[gi] = new
            weight = group_list[gi][1]
            for q in group_list[gi][0]:
                pool = pools.get(q)
                if pool is None:
                    continue
                left_weight = pool[old] - weight
                if left_weight:
                    pool[old] = left_weight
                else:
                    del pool[old]
                if new >= 0:
                    pool[new] = pool.get(new, 0) + weight
        chosen.append(project)
        spent += costs[project]
        steps.append(BudgetStep("mes", project, costs[project], votes[project], True,
                                budget - spent, best_rho, pay))
    return chosen, steps, spent


def method_of_equal_shares(
    projects: Mapping[str, Number],
    budget: Number,
    ballots: Iterable[Collection[str]],
    *,
    utility: Literal["cost", "approval"] = "cost",
    completion: Literal["none", "greedy", "add1"] = "greedy",
    seed: str = "",
) -> BudgetOutcome:
    """Method of Equal Shares on approval ballots: every voter (blank ballots included)
    gets budget / voters; repeatedly buy the project whose supporters can pay it with the
    lowest rho (payment per unit of utility; utility is the project's cost for "cost",
    1 for "approval"), each supporter paying min(own budget, rho x utility).

    Completion: "none" stops there; "greedy" (default) then fills the rest greedily by
    votes; "add1" (as on equalshares.net) first reruns MES with one currency unit more per
    voter while the result stays within the budget and is not yet exhaustive, keeps the
    last result within budget, then fills the rest greedily by votes. "add1" reruns MES
    once per unit, so it is much slower on large budgets."""
    cands, grouped, votes = _budget_input(projects, budget, ballots)
    voters = sum(grouped.values())
    lottery = _Lottery(seed, cands)
    if voters == 0:
        return BudgetOutcome("mes", cands, (), None, (), seed, budget, 0, votes, dict(projects),
                             (), utility, completion, None)
    voter_budget = Fraction(budget) / voters
    ties: list[TieBreak] = []
    chosen, steps, spent = _mes_run(cands, projects, grouped, voter_budget, budget, utility, lottery, ties)
    if completion == "add1":
        supported = [p for p in cands if votes[p] > 0]
        while True:
            left = budget - spent
            if all(p in chosen or projects[p] > left for p in supported):
                break
            trial_ties: list[TieBreak] = []
            trial = _mes_run(
                cands, projects, grouped, voter_budget + 1, budget, utility, lottery, trial_ties
            )
            if trial[2] > budget:
                break
            voter_budget += 1
            chosen, steps, spent = trial
            ties = trial_ties
    if completion in ("greedy", "add1"):
        extra, left = _greedy_fill(cands, projects, votes, budget - spent, chosen, lottery, ties)
        steps.extend(extra)
        spent = budget - left
    return BudgetOutcome(
        "mes", cands, tuple(chosen), None, tuple(ties), seed, budget, spent, votes,
        dict(projects), tuple(steps), utility, completion, voter_budget,
    )
