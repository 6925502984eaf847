"""Yes / no, approval, score, dot voting and majority judgment: one number per candidate."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .core import (
    Number,
    Outcome,
    TallyError,
    _check_candidates,
    _check_seats,
    _fmt,
    _matrix_lines,
    _rank_by_score,
)
from .lottery import _Lottery


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
class YesNoPointsOutcome(Outcome):
    """Several decision points voted yes/no/abstain on one ballot (amendments): each
    point is decided on its own; ``winners`` are the points adopted, in candidate order."""

    points: Mapping[str, YesNoOutcome]
    names: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        data = super().to_dict()
        data.pop("names", None)
        return data

    def _explain_body(self) -> list[str]:
        lines: list[str] = []
        for key in self.candidates:
            lines += [f"{key}. {self.names.get(key, key)}", *self.points[key].explain()]
        return lines


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


def yes_no_points(
    candidates: Sequence[str],
    ballots: Iterable[Mapping[str, str]],
    *,
    threshold: Fraction = Fraction(1, 2),
    inclusive: bool = False,
    names: Mapping[str, str] | None = None,
    seed: str = "",
) -> YesNoPointsOutcome:
    """``yes_no`` for every decision point; a ballot answers each point ("yes", "no" or
    "abstain"), and a point a ballot leaves out counts as an abstention."""
    cands = _check_candidates(candidates)
    rows = list(ballots)
    known = frozenset(cands)
    for row in rows:
        if not known.issuperset(row):
            raise TallyError(f"ballot names unknown decision points {sorted(set(row) - known)}")
    points = {
        c: yes_no([row.get(c, "abstain") for row in rows], threshold=threshold, inclusive=inclusive)
        for c in cands
    }
    return YesNoPointsOutcome(
        "yes_no", cands, tuple(c for c in cands if points[c].passed), None, (), seed,
        points, dict(names or {}),
    )
