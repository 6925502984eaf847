"""Participatory budgeting: greedy by votes and the Method of Equal Shares."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from .core import Number, Outcome, TallyError, _check_candidates, _fmt, _record_equal_ties
from .lottery import TieBreak, _Lottery


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
class Shortfall:
    """Why the equal shares did not buy a project: its ``supporters`` had ``money_left``
    together when MES stopped (less than its cost), having paid ``paid_for[q]`` together
    towards each project q bought before."""

    supporters: int
    money_left: Fraction
    paid_for: Mapping[str, Fraction]


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
    shortfalls: Mapping[str, Shortfall] = field(default_factory=dict)
    """MES only: for every project with votes that the equal shares did not buy, what its
    supporters had left and what they had already paid for (see ``_mes_shortfalls``)."""

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
    shortfalls = _mes_shortfalls(cands, grouped, voter_budget, steps, chosen)
    if completion in ("greedy", "add1"):
        extra, left = _greedy_fill(cands, projects, votes, budget - spent, chosen, lottery, ties)
        steps.extend(extra)
        spent = budget - left
    return BudgetOutcome(
        "mes", cands, tuple(chosen), None, tuple(ties), seed, budget, spent, votes,
        dict(projects), tuple(steps), utility, completion, voter_budget, shortfalls,
    )


def _mes_shortfalls(
    cands: Sequence[str], grouped: Counter[frozenset[str]],
    voter_budget: Fraction, steps: Sequence[BudgetStep], bought: Collection[str],
) -> dict[str, Shortfall]:
    """Replays the purchases of a MES run (each supporter of a bought project paid
    min(own budget, the step's payment)) to say, for each project with votes that was not
    bought, how much its supporters had left and where their money went. Explanation only:
    the count does not use it.

    A voter's money depends only on which of the bought projects they chose, so the replay
    runs once per such set (a class), not once per voter or distinct ballot."""
    purchases = [(s.project, s.payment) for s in steps if s.phase == "mes" and s.payment is not None]
    bought_by_mes = frozenset(project for project, _pay in purchases)
    # class -> unbought project -> supporters in that class
    skip = frozenset(bought)
    weights: dict[frozenset[str], dict[str, int]] = {}
    for ballot, count in grouped.items():
        if not count or ballot <= skip:
            continue
        key = ballot & bought_by_mes
        row = weights.get(key)
        if row is None:
            row = weights[key] = {}
        for p in ballot:
            if p not in skip:
                row[p] = row.get(p, 0) + count
    # Whole numbers of 1/scale: every budget and payment is a multiple of it, so the sums
    # below are integer additions instead of fraction arithmetic (a gcd per step).
    scale = math.lcm(voter_budget.denominator, *(pay.denominator for _project, pay in purchases))
    budget_units = int(voter_budget * scale)
    purchase_units = [(project, int(pay * scale)) for project, pay in purchases]
    supporters_of: Counter[str] = Counter()
    money_left: Counter[str] = Counter()
    paid_for: dict[str, Counter[str]] = {}
    for chosen, supporters in weights.items():
        left = budget_units
        paid: dict[str, int] = {}
        for project, pay in purchase_units:
            if project in chosen:
                share = min(left, pay)
                left -= share
                paid[project] = share
        for p, n in supporters.items():
            supporters_of[p] += n
            money_left[p] += left * n
            towards = paid_for.setdefault(p, Counter())
            for q, share in paid.items():
                towards[q] += share * n
    return {
        p: Shortfall(
            supporters=supporters_of[p],
            money_left=Fraction(money_left[p], scale),
            paid_for={q: Fraction(units, scale) for q, units in paid_for[p].most_common()},
        )
        for p in cands
        if p in supporters_of
    }
