"""Small elections worked out by hand, one or more per counting method."""

from __future__ import annotations

import hashlib
import json
import random
from fractions import Fraction

import pytest

from voting import tally

ABC = ["A", "B", "C"]


def borda_plurality_profile() -> list[tuple[str, ...]]:
    # First preferences: A 3, B 2, C 2, so A leads on first choices; B is everyone's
    # first or second choice, so B wins on Borda.
    return [("A", "B", "C")] * 3 + [("B", "C", "A")] * 2 + [("C", "B", "A")] * 2


def cycle_profile() -> list[tuple[str, ...]]:
    # A beats B 6-3, B beats C 7-2, C beats A 5-4: a Condorcet cycle.
    return [("A", "B", "C")] * 4 + [("B", "C", "A")] * 3 + [("C", "A", "B")] * 2


# --- the lottery ---------------------------------------------------------------------


def test_lottery_key_is_sha256_of_seed_newline_candidate() -> None:
    assert tally.lottery_key("poll-17", "B") == hashlib.sha256(b"poll-17\nB").hexdigest()


def test_lottery_order_is_reproducible_and_depends_on_the_seed() -> None:
    first = tally.lottery_order("s1", ["A", "B", "C", "D", "E"])
    assert first == tally.lottery_order("s1", ["E", "D", "C", "B", "A"])
    assert sorted(first) == ["A", "B", "C", "D", "E"]
    orders = {tally.lottery_order(seed, ["A", "B", "C", "D", "E"]) for seed in "abcdefgh"}
    assert len(orders) > 1


# --- yes / no --------------------------------------------------------------------------


def test_yes_no_tie_is_rejected_and_abstentions_do_not_count() -> None:
    result = tally.yes_no(["yes"] * 5 + ["no"] * 5 + ["abstain"] * 9)
    assert (result.yes, result.no, result.abstain) == (5, 5, 9)
    assert not result.passed
    assert tally.yes_no(["yes"] * 6 + ["no"] * 5 + ["abstain"] * 20).passed


def test_two_thirds_majority_counts_at_least_two_thirds_of_yes_plus_no() -> None:
    two_thirds = Fraction(2, 3)
    assert tally.yes_no({"yes": 6, "no": 3}, threshold=two_thirds, inclusive=True).passed
    assert not tally.yes_no({"yes": 6, "no": 4}, threshold=two_thirds, inclusive=True).passed
    assert not tally.yes_no({"yes": 6, "no": 3}, threshold=two_thirds).passed


def test_yes_no_without_valid_votes_is_rejected() -> None:
    assert not tally.yes_no({"abstain": 4}).passed


# --- approval, score, dot, majority judgment ------------------------------------------


def test_approval_counts_approvals_and_records_a_tie_at_the_last_seat() -> None:
    ballots = [{"A", "B"}, {"A", "C"}, {"B"}, {"C"}, {"A"}]
    result = tally.approval(ABC, ballots, seats=2, seed="x")
    assert result.scores == {"A": 3, "B": 2, "C": 2}
    assert result.winners[0] == "A"
    order = tally.lottery_order("x", ["B", "C"])
    assert result.winners == ("A", order[0])
    (tie,) = result.tie_breaks
    assert tie.tied == ("B", "C") and tie.decides_winner


def test_score_counts_blanks_as_zero_in_the_mean() -> None:
    ballots = [{"A": 5, "B": 3}, {"A": 1, "B": 4}, {"B": 2}]
    result = tally.score(["A", "B"], ballots)
    assert result.scores == {"A": Fraction(2), "B": Fraction(3)}
    assert result.winners == ("B",)
    assert result.extra["rated by"] == {"A": 2, "B": 3}


def test_score_rejects_out_of_range_points() -> None:
    with pytest.raises(tally.TallyError, match="out of range"):
        tally.score(["A"], [{"A": 6}])


def test_dot_voting_sums_points() -> None:
    result = tally.dot_voting(ABC, [{"A": 3, "B": 2}, {"C": 5}, {"B": 4, "C": 1}])
    assert result.scores == {"A": 3, "B": 6, "C": 6}
    assert set(result.winners) <= {"B", "C"} and result.tie_breaks[0].decides_winner


def test_majority_judgment_breaks_equal_medians_by_majority_value() -> None:
    # A: 1, 3, 4 and B: 2, 3, 3 both have median 3 ("good"). Removing one median grade
    # leaves A {1, 4} (lower median 1) and B {2, 3} (lower median 2): B wins.
    ballots = [{"A": 4, "B": 3}, {"A": 3, "B": 3}, {"A": 1, "B": 2}]
    result = tally.majority_judgment(["A", "B"], ballots)
    assert result.medians == {"A": 3, "B": 3}
    assert result.winners == ("B",)
    assert result.distribution["A"] == (0, 1, 0, 1, 1, 0)


def test_majority_judgment_counts_an_ungraded_candidate_as_reject() -> None:
    result = tally.majority_judgment(["A", "B"], [{"A": 5}, {"A": 5}, {"B": 1}])
    assert result.distribution["B"] == (2, 1, 0, 0, 0, 0)
    assert result.winners == ("A",)


# --- ranked methods ----------------------------------------------------------------------


def test_borda_and_plurality_disagree() -> None:
    first_choices = tally.approval(ABC, [{b[0]} for b in borda_plurality_profile()])
    assert first_choices.winners == ("A",)
    result = tally.borda(ABC, borda_plurality_profile(), seed="s")
    assert result.scores == {"A": 6, "B": 9, "C": 6}
    assert result.winners == ("B",)
    assert result.tie_breaks[0].tied == ("A", "C") and not result.tie_breaks[0].decides_winner


def test_borda_gives_unranked_candidates_nothing() -> None:
    # One ballot ranks only A; with three candidates A scores 2, B and C score 0.
    result = tally.borda(ABC, [("A",), ("B", "C", "A")])
    assert result.scores == {"A": 2, "B": 2, "C": 1}


def test_irv_tie_for_elimination_is_decided_by_the_seeded_lottery() -> None:
    # Round 1: A 3, B 2, C 2. Eliminating C sends its ballots to B (B 4 > A 3); eliminating
    # B sends them to C (C 4 > A 3). The lottery decides, reproducibly.
    winners = set()
    for seed in "ab":
        result = tally.irv(ABC, borda_plurality_profile(), seed=seed)
        favoured, eliminated = tally.lottery_order(seed, ["B", "C"])
        assert result.winners == (favoured,)
        assert result.rounds[0].eliminated == (eliminated,)
        assert result.tie_breaks[0].chosen == eliminated and result.tie_breaks[0].decides_winner
        assert result == tally.irv(ABC, borda_plurality_profile(), seed=seed)
        winners.add(result.winners[0])
    assert winners == {"B", "C"}


def test_irv_rounds_show_counts_transfers_and_exhausted_ballots() -> None:
    ballots = [("A",)] * 4 + [("B", "A")] * 3 + [("C", "B")] * 2 + [("D",)]
    result = tally.irv(["A", "B", "C", "D"], ballots)
    first, second, third, last = result.rounds
    assert dict(first.counts) == {"A": 4, "B": 3, "C": 2, "D": 1}
    assert first.eliminated == ("D",) and first.exhausted_now == 1
    assert second.eliminated == ("C",) and dict(second.transfers) == {"B": 2}
    assert dict(third.counts) == {"B": 5, "A": 4}
    assert third.exhausted == 1
    assert result.majority_round == 3
    assert result.winners == ("B",)
    assert result.ranking == ("B", "A", "C", "D")
    assert dict(last.counts) == {"B": 5}  # A's four ballots name nobody else
    assert last.exhausted == 5


def test_irv_eliminates_candidates_without_votes_together() -> None:
    result = tally.irv(["A", "B", "X", "Y"], [("A", "B")] * 2 + [("B",)])
    assert set(result.rounds[0].eliminated) == {"X", "Y"}
    assert result.winners == ("A",)


def test_irv_refuses_rankings_with_ties() -> None:
    with pytest.raises(tally.TallyError, match="strict"):
        tally.irv(ABC, [(("A", "B"), "C")])


def test_stv_surplus_transfer_decides_the_second_seat() -> None:
    # 15 ballots, 2 seats: Droop quota 15 // 3 + 1 = 6. A has 8, elected; the surplus of 2
    # moves on at 2/8 = 1/4 per ballot: C +6/4, B +2/4. Then B (1/2) and D (4) go out and C
    # (4 1/2) takes the second seat, although D had more first preferences than C.
    ballots = [("A", "C")] * 6 + [("A", "B")] * 2 + [("C",)] * 3 + [("D",)] * 4
    result = tally.stv(["A", "B", "C", "D"], ballots, seats=2)
    assert result.quota == 6
    assert result.winners == ("A", "C")
    actions = [(r.action, r.subjects) for r in result.rounds]
    assert actions == [
        ("elect", ("A",)),
        ("surplus", ("A",)),
        ("eliminate", ("B",)),
        ("eliminate", ("D",)),
        ("fill", ("C",)),
    ]
    surplus = result.rounds[1]
    assert surplus.transfer_value == Fraction(1, 4)
    assert dict(surplus.transfers) == {"C": Fraction(3, 2), "B": Fraction(1, 2)}
    assert result.rounds[4].exhausted == Fraction(9, 2)
    assert result.rounds[4].counts["C"] == Fraction(9, 2)


def test_stv_rejects_impossible_seat_counts() -> None:
    with pytest.raises(tally.TallyError, match="seats"):
        tally.stv(ABC, [("A",)], seats=4)


def test_schulze_resolves_a_condorcet_cycle_with_strongest_paths() -> None:
    result = tally.schulze(ABC, cycle_profile())
    assert result.pairwise["A"]["B"] == 6 and result.pairwise["B"]["C"] == 7
    assert result.pairwise["C"]["A"] == 5
    # A->B 6, A->C min(6, 7) = 6; B->C 7, B->A 5; C->A 5, C->B min(5, 6) = 5
    assert result.strongest_paths == {
        "A": {"B": 6, "C": 6},
        "B": {"A": 5, "C": 7},
        "C": {"A": 5, "B": 5},
    }
    assert result.ranking == ("A", "B", "C")
    assert result.winners == ("A",) and result.undefeated == ("A",)
    assert not result.tie_breaks


def test_copeland_ties_everyone_in_a_cycle_and_the_lottery_picks() -> None:
    result = tally.copeland(ABC, cycle_profile(), seed="cycle")
    assert result.scores == {"A": 0, "B": 0, "C": 0}
    assert result.winners == (tally.lottery_order("cycle", ABC)[0],)
    assert result.tie_breaks[0].decides_winner


def test_pairwise_treats_ranked_candidates_as_above_unranked_ones() -> None:
    matrix = tally.pairwise_matrix(ABC, [("A",), ("B", "A")])
    assert matrix == {"A": {"B": 1, "C": 2}, "B": {"A": 1, "C": 1}, "C": {"A": 0, "B": 0}}


def test_schulze_accepts_rankings_with_ties() -> None:
    matrix = tally.pairwise_matrix(ABC, [(("A", "B"), "C"), ("C", "A")])
    assert matrix["A"] == {"B": 1, "C": 1} and matrix["B"] == {"A": 0, "C": 1}


def test_pairwise_matrix_of_weighted_rows_agrees_with_a_loop_over_ballots() -> None:
    rng = random.Random(5)
    cands = tuple(f"k{i}" for i in range(12))
    grouped: dict[tuple[str, ...], int] = {}
    for _ in range(300):
        order = rng.sample(cands, 12)
        grouped[tuple(order[: rng.randint(1, 12)])] = rng.choice([1, 1, 2, 5])
    rows, counts, _ = tally._encode_strict(grouped, cands)  # type: ignore[misc]
    index = {c: i for i, c in enumerate(cands)}
    plain, _ = tally._pairwise_loops(
        [(tuple(index[c] for c in b), n) for b, n in grouped.items()], 12
    )
    assert tally._pairwise_rows(rows, counts, 12) == plain


def test_strongest_paths_equal_floyd_warshall() -> None:
    rng = random.Random(11)
    for _ in range(20):
        m = rng.randint(2, 9)
        links = [[0] * m for _ in range(m)]
        for a in range(m):
            for b in range(a + 1, m):
                x, y = rng.randint(0, 9), rng.randint(0, 9)
                if x > y:
                    links[a][b] = x
                elif y > x:
                    links[b][a] = y
        expected = [row[:] for row in links]
        for k in range(m):
            for i in range(m):
                for j in range(m):
                    if i != j and k not in (i, j):
                        expected[i][j] = max(expected[i][j], min(expected[i][k], expected[k][j]))
        got = tally._strongest_paths(links)
        assert all(got[i][j] == expected[i][j] for i in range(m) for j in range(m) if i != j)


def test_unknown_or_repeated_candidates_are_refused() -> None:
    with pytest.raises(tally.TallyError, match="unknown candidate 'Z'"):
        tally.irv(ABC, [("A", "Z")])
    with pytest.raises(tally.TallyError, match="twice"):
        tally.schulze(ABC, [("A", "B", "A")])


# --- participatory budgeting ----------------------------------------------------------


def mes_example() -> tuple[dict[str, int], list[set[str]]]:
    # Budget 100 for 10 voters. Six like the playground (50), five of them also the
    # skate park (48); four only want the library corner (40).
    projects = {"playground": 50, "skatepark": 48, "library": 40}
    ballots = [{"playground", "skatepark"}] * 5 + [{"playground"}] + [{"library"}] * 4
    return projects, ballots


def test_greedy_funds_the_majority_twice() -> None:
    projects, ballots = mes_example()
    result = tally.greedy_budget(projects, 100, ballots)
    assert result.winners == ("playground", "skatepark")
    assert result.spent == 98
    assert [(s.project, s.selected) for s in result.steps] == [
        ("playground", True), ("skatepark", True), ("library", False),
    ]


def test_mes_gives_the_minority_its_share() -> None:
    # Each voter holds 10. Playground: 6 supporters pay 50/6 each, rho = 1/6. Library: 4
    # pay 10 each, rho = 1/4. Skate park: 5 pay 9.6, rho = 1/5. Buy the playground; its
    # supporters keep 5/3 each, too little for the skate park; then the library.
    projects, ballots = mes_example()
    result = tally.method_of_equal_shares(projects, 100, ballots)
    assert result.winners == ("playground", "library")
    first, second, greedy_step = result.steps
    assert (first.project, first.rho, first.payment) == ("playground", Fraction(1, 6), Fraction(25, 3))
    assert (second.project, second.rho, second.payment) == ("library", Fraction(1, 4), Fraction(10))
    assert greedy_step.phase == "greedy" and not greedy_step.selected
    assert result.spent == 90


def test_mes_add1_completion_raises_voter_budgets_until_exhaustive() -> None:
    # Four voters hold 25 each. Two want x (55): 50 is not enough. Two want y (30): bought.
    # add1 tries 26, 27, 28 per voter; at 28 the pair can pay 55 and x is bought by MES
    # itself (not by the greedy fill); 15 is left and nothing else fits: exhaustive.
    projects = {"x": 55, "y": 30}
    ballots = [{"x"}] * 2 + [{"y"}] * 2
    plain = tally.method_of_equal_shares(projects, 100, ballots, completion="none")
    topped = tally.method_of_equal_shares(projects, 100, ballots, completion="add1")
    assert plain.winners == ("y",)
    assert topped.voter_budget == 28
    assert set(topped.winners) == {"x", "y"}
    assert all(step.phase == "mes" for step in topped.steps)


def test_budget_ties_use_the_lottery() -> None:
    projects = {"x": 10, "y": 10}
    result = tally.greedy_budget(projects, 10, [{"x"}, {"y"}], seed="kaas")
    assert result.winners == (tally.lottery_order("kaas", ["x", "y"])[0],)
    assert result.tie_breaks


def test_outcomes_serialise_to_json_and_explain_themselves() -> None:
    outcome = tally.stv(["A", "B", "C", "D"], [("A", "C")] * 6 + [("D",)] * 4, seats=2)
    data = json.loads(json.dumps(outcome.to_dict()))
    assert data["winners"] == ["A", "C"] or data["winners"] == list(outcome.winners)
    assert any("Droop quota" in line for line in outcome.explain())


def test_pairwise_matrix_of_many_complete_rankings_matches_the_plain_count() -> None:
    # Many complete rankings, mostly distinct: checked against a loop over the ballots.
    rng = random.Random(8)
    cands = [f"k{i}" for i in range(12)]
    ballots = [tuple(rng.sample(cands, 12)) for _ in range(20_000)]
    matrix = tally.pairwise_matrix(cands, ballots)
    index = {c: i for i, c in enumerate(cands)}
    grouped: dict[tuple[int, ...], int] = {}
    for b in ballots:
        key = tuple(index[c] for c in b)
        grouped[key] = grouped.get(key, 0) + 1
    plain, _ = tally._pairwise_loops(list(grouped.items()), 12)  # type: ignore[arg-type]
    assert all(matrix[a][b] == plain[index[a]][index[b]] for a in cands for b in cands if a != b)
