"""Benchmark voting.tally against pref_voting and pabutools in the same run.

    .venv/bin/python bench/tally.py [--quick]

Ballots come from a seeded Plackett-Luce model (popular options are ranked high more
often), approvals from seeded popularity-weighted draws.

Both sides are timed from the same raw ballots (a list of tuples) to the winners:

- ours: checking and grouping identical ballots, encoding them, and the count;
- the reference: building its profile from the ballots already grouped (identical ballots
  passed once with a count, as pref_voting's ``rcounts`` allows) plus the rule. pref_voting
  computes the pairwise margins while building a profile, so its "rule alone" time for
  Schulze leaves out the matrix that is most of the work; it is shown apart, for
  information, and is not the comparison.

Each reference runs in a forked child with a time limit. Winners are compared with the same
tie order handed to the reference (our lottery), or as sets of tied winners.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voting import tally  # noqa: E402

SEED = "bench"


def plackett_luce(rng: random.Random, m: int, n: int, k: int) -> tuple[list[str], list[tuple[str, ...]]]:
    weights = [1.0 / (i + 1) ** 0.8 for i in range(m)]
    names = [f"c{i}" for i in range(m)]
    ballots = []
    for _ in range(n):
        # Exponential race: sorting E_i / w_i samples a Plackett-Luce ranking exactly.
        keys = sorted((rng.expovariate(1.0) / weights[i], i) for i in range(m))
        ballots.append(tuple(names[c] for _, c in keys[:k]))
    return names, ballots


def approvals(rng: random.Random, projects: int, voters: int) -> tuple[dict[str, int], int, list[frozenset[str]]]:
    costs = {f"p{i}": rng.randint(10, 200) * 1000 for i in range(projects)}
    names = list(costs)
    popularity = [1.0 / (i + 1) ** 0.5 for i in range(projects)]
    ballots = [frozenset(rng.choices(names, weights=popularity, k=rng.randint(1, 8))) for _ in range(voters)]
    return costs, sum(costs.values()) // 3, ballots


def time_ours(run: Callable[[], Any], reps: int, limit: float) -> tuple[list[float], Any]:
    times: list[float] = []
    result = None
    start = time.perf_counter()
    while len(times) < reps and (not times or time.perf_counter() - start < limit):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return times, result


def _child(build: Callable[[], Callable[[], Any]], reps: int, limit: float, out: Any) -> None:
    t0 = time.perf_counter()
    run = build()
    out.put(("build", time.perf_counter() - t0, None))
    times: list[float] = []
    result = None
    start = time.perf_counter()
    while len(times) < reps and (not times or time.perf_counter() - start < limit):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
        out.put(("time", times[-1], result))
    out.put(("done", None, None))


def time_reference(
    build: Callable[[], Callable[[], Any]], reps: int, limit: float
) -> tuple[list[float], float, Any, bool]:
    """Run the reference in a forked child; stop it when it exceeds ``limit`` seconds."""
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_child, args=(build, reps, limit, queue))
    child.start()
    times: list[float] = []
    build_time = 0.0
    result = None
    deadline = time.monotonic() + limit + 30
    timed_out = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        try:
            kind, seconds, value = queue.get(timeout=remaining)
        except Exception:  # queue.Empty: the child is still on its first run
            timed_out = True
            break
        if kind == "done":
            break
        if kind == "build":
            build_time = seconds
            continue
        times.append(seconds)
        result = value
    if timed_out:
        child.terminate()
    child.join()
    return times, build_time, result, timed_out


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]


def pv_truncated(names: list[str], ballots: list[tuple[str, ...]]) -> Any:
    from pref_voting.profiles_with_ties import ProfileWithTies

    index = {c: i for i, c in enumerate(names)}
    grouped = Counter(ballots)
    profile = ProfileWithTies(
        [{index[c]: r for r, c in enumerate(b, 1)} for b in grouped],
        rcounts=list(grouped.values()),
        candidates=list(range(len(names))),
    )
    profile.use_extended_strict_preference()
    return profile


def pv_linear(names: list[str], ballots: list[tuple[str, ...]]) -> Any:
    from pref_voting.profiles import Profile

    index = {c: i for i, c in enumerate(names)}
    grouped = Counter(ballots)
    return Profile([[index[c] for c in b] for b in grouped], rcounts=list(grouped.values()))


def ranked_rows(label: str, names: list[str], ballots: list[tuple[str, ...]], full: bool,
                reps: int, ref_reps: int, limit: float) -> list[list[str]]:
    from pref_voting.iterative_methods import instant_runoff
    from pref_voting.margin_based_methods import beat_path
    from pref_voting.proportional_methods import stv_wig

    lottery = tally.lottery_order(SEED, names)
    tie_breaker = [names.index(c) for c in reversed(lottery)]
    rank = {names.index(c): i for i, c in enumerate(lottery)}
    rows = []

    def profile() -> Any:
        return pv_linear(names, ballots) if full else pv_truncated(names, ballots)

    cases: list[tuple[str, Callable[[], Any], Callable[[], Callable[[], Any]], Callable[[Any, Any], bool]]] = [
        (
            "IRV",
            lambda: tally.irv(names, ballots, seed=SEED),
            lambda: (lambda p: lambda: instant_runoff(p, tie_breaker=tie_breaker, exit_on_majority=False))(profile()),
            lambda ours, ref: {names[i] for i in ref} == set(ours.winners),
        ),
        (
            "STV 5 seats",
            lambda: tally.stv(names, ballots, seats=5, seed=SEED),
            lambda: (lambda p: lambda: stv_wig(
                p, num_seats=5, quota_rule="droop", tie_break_key=rank.__getitem__))(profile()),
            lambda ours, ref: {names[i] for i in ref} == set(ours.winners),
        ),
        (
            "Schulze",
            lambda: tally.schulze(names, ballots, seed=SEED, strength="margin"),
            lambda: (lambda p: lambda: beat_path(p))(profile()),
            lambda ours, ref: {names[i] for i in ref} == set(ours.undefeated),
        ),
    ]
    for name, ours_run, ref_build, same in cases:
        times, ours = time_ours(ours_run, reps, limit)
        ref_times, build, ref, timed_out = time_reference(ref_build, ref_reps, limit)
        rows.append(row(f"{name}, {label}", times, ref_times, build, timed_out, limit,
                        "yes" if ref is not None and same(ours, ref) else ("?" if ref is None else "NO")))
    return rows


def budget_rows(reps: int, ref_reps: int, limit: float, with_add1: bool) -> list[list[str]]:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
    from pabutools.rules.exhaustion import completion_by_rule_combination
    from pabutools.tiebreaking import TieBreakingRule

    costs, budget, ballots = approvals(random.Random(3), 40, 10_000)
    rank = {c: i for i, c in enumerate(tally.lottery_order(SEED, costs))}

    def build_input() -> tuple[Any, Any, Any]:
        supported = {p for b in ballots for p in b}
        objects = {p: Project(p, c) for p, c in costs.items() if p in supported}
        instance = Instance(objects.values(), budget_limit=budget)
        profile = ApprovalProfile([ApprovalBallot({objects[p] for p in b}) for b in ballots], instance=instance)
        return instance, profile, TieBreakingRule(lambda _i, _p, project: rank[project.name])

    def ref_mes(increment: int | None) -> Callable[[], Callable[[], Any]]:
        def build() -> Callable[[], Any]:
            instance, profile, ties = build_input()
            params: dict[str, Any] = {"sat_class": Cost_Sat, "tie_breaking": ties}
            if increment:
                params["voter_budget_increment"] = increment
            return lambda: completion_by_rule_combination(
                instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
                [params, {"sat_class": Cost_Sat, "tie_breaking": ties}],
            )
        return build

    def ref_greedy() -> Callable[[], Any]:
        instance, profile, ties = build_input()
        return lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=ties)

    cases: list[tuple[str, Callable[[], Any], Callable[[], Callable[[], Any]], int]] = [
        ("MES (greedy completion), 10,000 x 40",
         lambda: tally.method_of_equal_shares(costs, budget, ballots, seed=SEED), ref_mes(None), reps),
        ("Greedy, 10,000 x 40", lambda: tally.greedy_budget(costs, budget, ballots, seed=SEED), ref_greedy, reps),
    ]
    if with_add1:
        cases.append(("MES (add1 + greedy), 10,000 x 40",
                      lambda: tally.method_of_equal_shares(costs, budget, ballots, seed=SEED, completion="add1"),
                      ref_mes(1), 2))
    rows = []
    for name, ours_run, ref_build, n in cases:
        times, ours = time_ours(ours_run, n, limit)
        ref_times, build, ref, timed_out = time_reference(ref_build, min(ref_reps, n), limit)
        same = "?" if ref is None else ("yes" if {p.name for p in ref} == set(ours.winners) else "NO")
        rows.append(row(name, times, ref_times, build, timed_out, limit, same))
    return rows


def row(name: str, times: list[float], ref_times: list[float], build: float, timed_out: bool,
        limit: float, same: str) -> list[str]:
    ours = statistics.median(times)
    if ref_times:
        ref = statistics.median(ref_times)
        ref_all = fmt_ms(build + ref) + f" (n={len(ref_times)})"
        ref_rule = fmt_ms(ref)
        ratio = f"{(ref + build) / ours:,.1f}x"
    else:
        ref_all = f"> {limit:.0f} s (stopped)" if timed_out else "n/a"
        ref_rule = "-"
        ratio = f"> {limit / ours:,.0f}x" if timed_out else "n/a"
    return [name, fmt_ms(ours), fmt_ms(p99(times)), str(len(times)), ref_all, ratio, ref_rule, same]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no add1 row")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds per reference row")
    args = parser.parse_args()
    load_before = os.getloadavg()
    reps, ref_reps = (5, 1) if args.quick else (20, 3)
    rng = random.Random(2025)
    names_a, ballots_a = plackett_luce(rng, 100, 1_000, 10)
    names_b, ballots_b = plackett_luce(rng, 20, 100_000, 20)
    rows = ranked_rows("1,000 ballots, 10 of 100", names_a, ballots_a, False, reps, ref_reps, args.limit)
    rows += ranked_rows("100,000 ballots, full 20", names_b, ballots_b, True, max(5, reps // 4), ref_reps, args.limit)
    rows += budget_rows(reps, ref_reps, args.limit, with_add1=not args.quick)
    header = ["Row", "ours median", "ours p99", "n", "reference (build + rule)", "speed-up",
              "ref. rule alone", "same winners"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print("References: pref_voting 1.18.2 (Instant Runoff, STV-WIG with integer Droop quota, Beat Path"
          " with margins), pabutools 1.2.3 (MES with Cost_Sat, greedy utilitarian with Cost_Sat).")
    print("Both from the same raw ballot tuples to the winners: ours includes checks, grouping and"
          " encoding; the reference its profile build (from grouped ballots) and the rule."
          " 'ref. rule alone' leaves out the build, which for pref_voting includes the margins.")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    print("Load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}; after: {:.2f} {:.2f} {:.2f}".format(
        *load_before, *os.getloadavg()))


if __name__ == "__main__":
    main()
