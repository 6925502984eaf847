"""Pairwise methods: the pairwise matrix, Schulze, Copeland and Borda."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .core import (
    Outcome,
    RankItem,
    _check_candidates,
    _check_seats,
    _encode_strict,
    _matrix_lines,
    _rank_by_score,
    _ranked_groups,
)
from .lottery import _Lottery
from .scores import ScoredOutcome


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
