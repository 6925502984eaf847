"""The seeded lottery that decides every tie (docs/voting.md, "Ties")."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass


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
