"""Small groups in the participation report's breakdowns (by neighbourhood, by age band):
a group of 1 to 4 is shown as "<5", and no hidden group's size can be worked out from the
breakdown's total (which the report publishes: the people present) and the groups shown."""

from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from council.report.content import demographic_groups
from council.report.suppression import HIDDEN_TEXT, SMALL_TEXT, suppressed


def sizes_a_reader_can_find(counts: list[int], shown: tuple[int | str, ...]) -> list[set[int]]:
    """Every size each hidden group can have, for a reader who knows the total (the sum of
    ``counts``), the groups shown, and that "<5" means 1 to 4 and "verborgen" 5 or more:
    found by trying every assignment, not by the rule under test."""
    total = sum(counts)
    hidden = [i for i, value in enumerate(shown) if isinstance(value, str)]
    rest = total - sum(value for value in shown if isinstance(value, int))
    choices = [range(1, 5) if shown[i] == SMALL_TEXT else range(5, rest + 1) for i in hidden]
    possible: list[set[int]] = [set() for _ in hidden]
    for sizes in product(*choices):
        if sum(sizes) == rest:
            for place, size in enumerate(sizes):
                possible[place].add(size)
    return possible


def test_a_lone_small_group_next_to_a_shown_total_takes_the_next_smallest_with_it():
    # 3 + 12 + 40 people; without the second step, 55 - 12 - 40 gives the 3 away.
    assert suppressed([3, 12, 40]) == (SMALL_TEXT, HIDDEN_TEXT, 40)


def test_groups_of_five_or_more_and_empty_groups_are_shown():
    assert suppressed([5, 12, 40]) == (5, 12, 40)
    assert suppressed([0, 7]) == (0, 7)


def test_two_small_groups_whose_sum_gives_them_away_are_covered_too():
    # 1 + 1: the hidden pair sums to 2, so each is 1; hide the smallest other group as well.
    assert suppressed([1, 1, 9, 30]) == (SMALL_TEXT, SMALL_TEXT, HIDDEN_TEXT, 30)
    # 2 + 3 = 5 can be 1 + 4, 2 + 3, ...: nothing more to hide.
    assert suppressed([2, 3, 9, 30]) == (SMALL_TEXT, SMALL_TEXT, 9, 30)


def test_the_next_smallest_group_is_hidden_even_when_a_tie_decides_it():
    assert suppressed([20, 4, 6, 6]) == (20, SMALL_TEXT, HIDDEN_TEXT, 6)


def test_a_small_group_beside_a_group_of_exactly_five_takes_one_more():
    # 1 and a hidden group of at least 5 summing to 6 would give both away.
    assert suppressed([1, 5, 8, 30]) == (SMALL_TEXT, HIDDEN_TEXT, HIDDEN_TEXT, 30)


def test_the_reports_age_bands_and_neighbourhoods_hide_the_next_smallest_group():
    people = (
        [("Centrum", 1990)] * 3 + [("Noord", 1960)] * 8 + [("Zuid", 2000)] * 20
    )  # ages on 2026: 36, 66, 26
    groups = {(g.category, g.label): g.count for g in demographic_groups(people, 2026)}
    assert groups[("wijk", "Centrum")] == SMALL_TEXT
    assert groups[("wijk", "Noord")] == HIDDEN_TEXT, "else 31 - 20 - 8 = 3 gives Centrum away"
    assert groups[("wijk", "Zuid")] == 20
    assert groups[("leeftijd", "30-49")] == SMALL_TEXT
    assert groups[("leeftijd", "50-66")] == HIDDEN_TEXT
    assert groups[("leeftijd", "18-29")] == 20


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=6))
def test_no_hidden_group_can_be_worked_out_from_the_total_and_the_groups_shown(counts):
    shown = suppressed(counts)
    for count, value in zip(counts, shown, strict=True):
        assert (
            value == count
            or (value == SMALL_TEXT and 0 < count < 5)
            or (value == HIDDEN_TEXT and count >= 5)
        ), "a shown group is its true size; '<5' is 1-4; 'verborgen' is 5 or more"
    if any(isinstance(value, int) and value >= 5 for value in shown):
        # Something was left to hide, so the rule had a choice: no hidden size is certain.
        for possible in sizes_a_reader_can_find(counts, shown):
            assert len(possible) > 1, (counts, shown)


@pytest.mark.parametrize("counts", [[3], [2, 2], [4, 9]])
def test_when_everything_is_hidden_only_the_public_total_is_left(counts):
    assert all(isinstance(value, str) for value in suppressed(counts))
