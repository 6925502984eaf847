"""Instant-runoff voting and the single transferable vote, on strict rankings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

import numpy as np

from .core import (
    Number,
    Outcome,
    RankItem,
    TallyError,
    _check_candidates,
    _check_seats,
    _fmt,
    _Piles,
    _ranked_groups,
    _record_equal_ties,
    _strict_input,
)
from .lottery import TieBreak, _Lottery


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


TiedRanks = Literal["refuse", "exhaust", "skip"]
TIED_RANK_RULES: tuple[TiedRanks, ...] = ("refuse", "exhaust", "skip")
"""What IRV and STV do with a ballot that ranks candidates equal (PrefLib .toi/.toc):
refuse it (the default: the platform's own ballots are strict), exhaust the ballot at
its first tied place (an overvote, as most IRV statutes have it), or skip every tied
place and go on with the next one. The rule looks at the ballot as cast, not at which
of the tied candidates are still continuing."""


def untie_rankings(
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    candidates: Sequence[str],
    rule: TiedRanks,
) -> dict[tuple[str, ...], int]:
    """Strict rankings (grouped, with counts) from rankings that may hold tied places,
    under ``rule`` ("exhaust" or "skip"); unknown or repeated candidates still raise."""
    if rule not in ("exhaust", "skip"):
        raise TallyError(f"unknown rule for tied ranks {rule!r} (exhaust or skip)")
    groups, blank, _strict = _ranked_groups(ballots, _check_candidates(candidates))
    out: Counter[tuple[str, ...]] = Counter()
    for ranking, count in groups:
        kept: list[str] = []
        for item in ranking:
            if isinstance(item, str):
                kept.append(item)
            elif rule == "exhaust":
                break
        out[tuple(kept)] += count
    if blank:
        out[()] += blank
    return dict(out)


def _untied(
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    cands: Sequence[str],
    rule: TiedRanks,
) -> Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int]:
    return ballots if rule == "refuse" else untie_rankings(ballots, cands, rule)


def irv(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seed: str = "",
    tied_ranks: TiedRanks = "refuse",
) -> IrvOutcome:
    """Instant-runoff: eliminate the candidate with the fewest votes until one is left.

    Candidates with no votes at all are eliminated together (it cannot change who wins);
    the count continues past the first majority so that the elimination order gives a
    full ranking (winner first). ``tied_ranks`` says what a ballot with tied places does
    (``TIED_RANK_RULES``)."""
    cands = _check_candidates(candidates)
    rows, row_counts, blank = _strict_input(_untied(ballots, cands, tied_ranks), cands, "IRV")
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


def stv(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[RankItem]] | Mapping[tuple[RankItem, ...], int],
    *,
    seats: int,
    seed: str = "",
    tied_ranks: TiedRanks = "refuse",
) -> StvOutcome:
    """STV with the Droop quota floor(valid / (seats + 1)) + 1 and the weighted inclusive
    Gregory method in exact fractions: an elected candidate's surplus moves all of their
    ballots on at (current value x surplus / total); an eliminated candidate's ballots move
    on at their current value. Surpluses go first, largest first; then the lowest
    candidate is eliminated (all candidates without a vote at once). When the continuing
    candidates just fill the seats left, they are all elected."""
    cands = _check_candidates(candidates)
    _check_seats(seats, cands)
    rows, row_counts, _blank = _strict_input(_untied(ballots, cands, tied_ranks), cands, "STV")
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
