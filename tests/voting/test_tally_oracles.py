"""Generated elections counted by voting.tally and by pref_voting / pabutools as oracles.

The libraries break ties differently from us, so each comparison either hands them our
lottery order as their tie-breaker (IRV, greedy, MES) or compares the whole tied set
(Schulze, Copeland) or the scores themselves (Borda).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election import ApprovalBallot, ApprovalProfile, Cardinality_Sat, Cost_Sat
from pabutools.election import Instance as PbInstance
from pabutools.election import Project as PbProject
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.rules.exhaustion import completion_by_rule_combination
from pabutools.tiebreaking import TieBreakingRule
from pref_voting.c1_methods import copeland as pv_copeland
from pref_voting.iterative_methods import instant_runoff as pv_instant_runoff
from pref_voting.margin_based_methods import beat_path as pv_beat_path
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_wig as pv_stv_wig
from pref_voting.scoring_methods import domination_borda_scores

from voting import tally

SETTINGS = settings(max_examples=60, deadline=None)


@st.composite
def ranked_elections(draw: st.DrawFn, max_candidates: int = 6) -> tuple[list[str], list[tuple[str, ...]], str]:
    m = draw(st.integers(2, max_candidates))
    cands = [f"c{i}" for i in range(m)]
    ballot = st.permutations(cands).flatmap(
        lambda order: st.integers(1, len(order)).map(lambda k: tuple(order[:k]))
    )
    ballots = draw(st.lists(ballot, min_size=1, max_size=25))
    seed = draw(st.text(alphabet="abcdef0123", max_size=6))
    return cands, ballots, seed


def pv_profile(cands: list[str], ballots: list[tuple[str, ...]]) -> ProfileWithTies:
    index = {c: i for i, c in enumerate(cands)}
    rankings = [{index[c]: rank for rank, c in enumerate(b, 1)} for b in ballots]
    profile = ProfileWithTies(rankings, candidates=list(range(len(cands))))
    # Ours: a ranked candidate is above every unranked one.
    profile.use_extended_strict_preference()
    return profile


def names(cands: list[str], indices: list[int]) -> set[str]:
    return {cands[i] for i in indices}


@SETTINGS
@given(ranked_elections())
def test_irv_winner_matches_pref_voting_with_the_same_tie_order(election: tuple[list[str], list[tuple[str, ...]], str]) -> None:
    cands, ballots, seed = election
    ours = tally.irv(cands, ballots, seed=seed)
    order = tally.lottery_order(seed, cands)
    # pref_voting eliminates tie_breaker[0] first: our least favoured comes first.
    tie_breaker = [cands.index(c) for c in reversed(order)]
    theirs = pv_instant_runoff(
        pv_profile(cands, ballots), tie_breaker=tie_breaker, exit_on_majority=False
    )
    assert names(cands, theirs) == set(ours.winners)


@SETTINGS
@given(ranked_elections(), st.sampled_from(["winning", "margin"]))
def test_schulze_undefeated_set_matches_pref_voting_beat_path(
    election: tuple[list[str], list[tuple[str, ...]], str], strength: str
) -> None:
    cands, ballots, seed = election
    ours = tally.schulze(cands, ballots, seed=seed, strength=strength)  # type: ignore[arg-type]
    profile = pv_profile(cands, ballots)
    function = profile.support if strength == "winning" else None
    theirs = pv_beat_path(profile, strength_function=function)
    assert names(cands, theirs) == set(ours.undefeated)
    assert ours.winners[0] in ours.undefeated


@SETTINGS
@given(ranked_elections())
def test_borda_scores_match_pref_voting_domination_borda(election: tuple[list[str], list[tuple[str, ...]], str]) -> None:
    cands, ballots, seed = election
    ours = tally.borda(cands, ballots, seed=seed)
    theirs = domination_borda_scores(pv_profile(cands, ballots))
    assert {cands[i]: s for i, s in theirs.items()} == dict(ours.scores)
    top = max(ours.scores.values())
    assert ours.scores[ours.winners[0]] == top


@SETTINGS
@given(ranked_elections())
def test_copeland_winners_match_pref_voting(election: tuple[list[str], list[tuple[str, ...]], str]) -> None:
    cands, ballots, seed = election
    ours = tally.copeland(cands, ballots, seed=seed)
    profile = pv_profile(cands, ballots)
    theirs = pv_copeland(profile)
    top = max(ours.scores.values())
    assert names(cands, theirs) == {c for c, s in ours.scores.items() if s == top}
    assert {cands[i]: s for i, s in profile.copeland_scores().items()} == dict(ours.scores)


@SETTINGS
@given(ranked_elections(max_candidates=5))
def test_stv_with_one_seat_elects_the_irv_winner(election: tuple[list[str], list[tuple[str, ...]], str]) -> None:
    cands, ballots, seed = election
    assert tally.stv(cands, ballots, seats=1, seed=seed).winners == tally.irv(cands, ballots, seed=seed).winners


@st.composite
def budget_elections(draw: st.DrawFn) -> tuple[dict[str, int], int, list[frozenset[str]], str]:
    m = draw(st.integers(2, 7))
    projects = {f"p{i}": draw(st.integers(1, 30)) * 10 for i in range(m)}
    ballots = draw(
        st.lists(st.frozensets(st.sampled_from(sorted(projects)), max_size=m), min_size=1, max_size=30)
    )
    budget = draw(st.integers(10, sum(projects.values())))
    seed = draw(st.text(alphabet="xyz789", max_size=5))
    return projects, budget, ballots, seed


def pabutools_input(
    projects: dict[str, int], budget: int, ballots: list[frozenset[str]], seed: str
) -> tuple[PbInstance, ApprovalProfile, TieBreakingRule]:
    # Projects nobody approved are never funded by our rules; pabutools' greedy would.
    supported = {p for b in ballots for p in b}
    objects = {p: PbProject(p, cost) for p, cost in projects.items() if p in supported}
    instance = PbInstance(objects.values(), budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot({objects[p] for p in b}) for b in ballots], instance=instance
    )
    rank = {c: i for i, c in enumerate(tally.lottery_order(seed, projects))}
    return instance, profile, TieBreakingRule(lambda _i, _p, project: rank[project.name])


@SETTINGS
@given(budget_elections())
def test_greedy_matches_pabutools(election: tuple[dict[str, int], int, list[frozenset[str]], str]) -> None:
    projects, budget, ballots, seed = election
    ours = tally.greedy_budget(projects, budget, ballots, seed=seed)
    instance, profile, ties = pabutools_input(projects, budget, ballots, seed)
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=ties)
    assert {p.name for p in theirs} == set(ours.winners)


@SETTINGS
@given(budget_elections(), st.sampled_from(["cost", "approval"]))
def test_mes_without_completion_matches_pabutools(
    election: tuple[dict[str, int], int, list[frozenset[str]], str], utility: str
) -> None:
    projects, budget, ballots, seed = election
    ours = tally.method_of_equal_shares(
        projects, budget, ballots, seed=seed, completion="none", utility=utility  # type: ignore[arg-type]
    )
    instance, profile, ties = pabutools_input(projects, budget, ballots, seed)
    sat = Cost_Sat if utility == "cost" else Cardinality_Sat
    theirs = method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=ties)
    assert [p.name for p in theirs] == list(ours.winners)


@SETTINGS
@given(budget_elections(), st.sampled_from(["greedy", "add1"]))
def test_mes_with_completion_matches_pabutools(
    election: tuple[dict[str, int], int, list[frozenset[str]], str], completion: str
) -> None:
    projects, budget, ballots, seed = election
    ours = tally.method_of_equal_shares(
        projects, budget, ballots, seed=seed, completion=completion  # type: ignore[arg-type]
    )
    instance, profile, ties = pabutools_input(projects, budget, ballots, seed)
    mes_params: dict[str, object] = {"sat_class": Cost_Sat, "tie_breaking": ties}
    if completion == "add1":
        mes_params["voter_budget_increment"] = 1
    theirs = completion_by_rule_combination(
        instance, profile, [method_of_equal_shares, greedy_utilitarian_welfare],
        [mes_params, {"sat_class": Cost_Sat, "tie_breaking": ties}],
    )
    assert {p.name for p in theirs} == set(ours.winners)


@SETTINGS
@given(ranked_elections(max_candidates=7), st.integers(1, 3))
def test_stv_elects_the_same_candidates_as_pref_voting_weighted_inclusive_gregory(
    election: tuple[list[str], list[tuple[str, ...]], str], seats: int
) -> None:
    cands, ballots, seed = election
    seats = min(seats, len(cands))
    ours = tally.stv(cands, ballots, seats=seats, seed=seed)
    rank = {cands.index(c): i for i, c in enumerate(tally.lottery_order(seed, cands))}
    theirs = pv_stv_wig(
        pv_profile(cands, ballots), num_seats=seats, quota_rule="droop", tie_break_key=rank.__getitem__
    )
    assert names(cands, theirs) == set(ours.winners)


@settings(max_examples=15, deadline=None)
@given(
    st.integers(3, 9),
    st.integers(300, 2_000),
    st.integers(0, 2**32 - 1),
    st.integers(1, 3),
)
def test_bulk_transfers_give_the_same_count_as_ballot_by_ballot(
    m: int, n: int, seed: int, seats: int
) -> None:
    """Big piles move as numpy arrays, small ones ballot by ballot: both give the same
    rounds, transfers and winners, and the same winners as pref_voting."""
    import random

    rng = random.Random(seed)
    cands = [f"c{i}" for i in range(m)]
    weights = [rng.random() + 0.05 for _ in cands]
    ballots = []
    for _ in range(n):
        order = sorted(cands, key=lambda c: rng.expovariate(1) / weights[cands.index(c)])
        ballots.append(tuple(order[: rng.randint(1, m)]))
    seats = min(seats, m - 1)
    bulk_irv = tally.irv(cands, ballots, seed=str(seed))
    bulk_stv = tally.stv(cands, ballots, seats=seats, seed=str(seed))
    small = tally._Piles.SMALL
    tally._Piles.SMALL = 10**9
    try:
        one_by_one_irv = tally.irv(cands, ballots, seed=str(seed))
        one_by_one_stv = tally.stv(cands, ballots, seats=seats, seed=str(seed))
    finally:
        tally._Piles.SMALL = small
    assert bulk_irv.to_dict() == one_by_one_irv.to_dict()
    assert bulk_stv.to_dict() == one_by_one_stv.to_dict()
    order = tally.lottery_order(str(seed), cands)
    theirs = pv_instant_runoff(
        pv_profile(cands, ballots),
        tie_breaker=[cands.index(c) for c in reversed(order)],
        exit_on_majority=False,
    )
    assert names(cands, theirs) == set(bulk_irv.winners)
