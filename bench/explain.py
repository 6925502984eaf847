"""What explaining a budget count costs: the Method of Equal Shares with its shortfalls (the
replay that says why a project got no money) against the same count without them, and the
explanation in words built from the stored result.

    .venv/bin/python bench/explain.py [--voters 1000 10000] [--runs 15]

Approvals are seeded, popularity-weighted draws of 1 to 6 of 40 projects (costs EUR 2.000 to
EUR 60.000, budget EUR 400.000). Prints medians and p99 in milliseconds, and how many
projects the explanation answers "why not funded" for.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting import explain, methods, tally  # noqa: E402
from voting.tally import budgets  # noqa: E402

PROJECTS = 40
BUDGET = 400_000


def election(voters: int, seed: int = 2026) -> tuple[dict[str, int], list[set[str]]]:
    rng = random.Random(seed)
    keys = [str(i) for i in range(1, PROJECTS + 1)]
    costs = {k: rng.randrange(2_000, 60_001, 100) for k in keys}
    weights = [1 / (i + 1) ** 0.7 for i in range(PROJECTS)]
    ballots = [set(rng.choices(keys, weights, k=rng.randint(1, 6))) for _ in range(voters)]
    return costs, ballots


def timed(function, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    for voters in args.voters:
        measure(voters, args.runs)


def measure(voters: int, runs: int) -> None:
    kind = methods.get("budget_mes")
    costs, ballots = election(voters)
    outcome = tally.method_of_equal_shares(costs, BUDGET, ballots, seed="bench")
    assert outcome.voter_budget is not None
    grouped = Counter(map(frozenset, ballots))
    mes_steps = [s for s in outcome.steps if s.phase == "mes"]
    bought = [s.project for s in mes_steps]
    stored = json.loads(json.dumps({**outcome.to_dict(), "explanation": []}))
    names = {k: f"Project {k}" for k in costs}
    count = timed(lambda: tally.method_of_equal_shares(costs, BUDGET, ballots, seed="bench"), runs)
    replay = timed(lambda: budgets._mes_shortfalls(  # noqa: SLF001
        list(costs), grouped, outcome.voter_budget, mes_steps, bought), runs)  # type: ignore[arg-type]
    words = timed(lambda: kind.explanation(stored, names, explain.DUTCH), runs)
    answered = sum(len(step.lines) for step in kind.explanation(stored, names) if step.title.startswith("Waarom"))
    print(f"{voters} voters, {len(grouped)} distinct ballots, {len(mes_steps)} bought by equal shares, "
          f"{len(outcome.winners)} funded, {len(outcome.shortfalls)} shortfalls, "
          f"{answered} 'why not funded' answers ({runs} runs)")
    for name, values in (("count with shortfalls", count), ("shortfalls replay alone", replay),
                         ("explanation in words", words)):
        print(f"  {name:26} median {statistics.median(values):8.2f} ms   p99 {p99(values):8.2f} ms")

if __name__ == "__main__":
    main()
