from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.seating import Person, SeatingError, Table, age_group, seat, seat_by_choice

NEIGHBOURHOODS = ["centrum", "noord", "zuid", "oost"]


def people(count: int) -> list[Person]:
    return [
        Person(
            id=index,
            neighbourhood=NEIGHBOURHOODS[index % 4],
            age_group=["18-24", "25-39", "40-64", "65+"][(index // 4) % 4],
        )
        for index in range(count)
    ]


def test_everyone_gets_a_seat_and_no_table_goes_over_capacity():
    plan = seat(people(80), [Table(number=n, capacity=10) for n in range(1, 9)])
    assert set(plan) == set(range(80))
    assert max(Counter(plan.values()).values()) <= 10


def test_tables_mix_neighbourhoods_and_age_groups():
    plan = seat(people(80), [Table(number=n, capacity=10) for n in range(1, 9)])
    for number in range(1, 9):
        at_table = [p for p in people(80) if plan[p.id] == number]
        assert len({p.neighbourhood for p in at_table}) == 4
        assert len({p.age_group for p in at_table}) == 4


def test_hosts_stay_at_their_own_table():
    hosts = [Person(id=1000 + n) for n in range(1, 5)]
    tables = [Table(number=n, capacity=10, host_id=1000 + n) for n in range(1, 5)]
    plan = seat(people(20) + hosts, tables)
    assert all(plan[1000 + n] == n for n in range(1, 5))


def test_reseating_moves_people_away_from_their_previous_table():
    group = people(40)
    tables = [Table(number=n, capacity=10) for n in range(1, 5)]
    first = seat(group, tables)
    second = seat(group, tables, previous=first, seed=1)
    assert all(second[p.id] != first[p.id] for p in group)


def test_more_people_than_seats_is_refused():
    with pytest.raises(SeatingError):
        seat(people(11), [Table(number=1, capacity=10)])


def test_same_seed_gives_the_same_seating():
    tables = [Table(number=n, capacity=10) for n in range(1, 5)]
    assert seat(people(30), tables, seed=7) == seat(people(30), tables, seed=7)


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=1, max_value=8))
def test_seating_never_overfills_a_table(count, table_count):
    tables = [Table(number=n, capacity=8) for n in range(table_count)]
    if count > 8 * table_count:
        with pytest.raises(SeatingError):
            seat(people(count), tables)
        return
    plan = seat(people(count), tables)
    assert len(plan) == count
    assert all(size <= 8 for size in Counter(plan.values()).values())


def test_theme_tables_fill_by_preference_up_to_the_cap():
    choices = [(1, [10, 20]), (2, [10, 20]), (3, [10, 20]), (4, [30])]
    plan = seat_by_choice(choices, {10: 2, 20: 1, 30: 5})
    assert plan == {1: 10, 2: 10, 3: 20, 4: 30}


def test_theme_tables_send_people_without_room_to_the_emptiest():
    plan = seat_by_choice([(1, [10]), (2, [10])], {10: 1, 20: 3})
    assert plan == {1: 10, 2: 20}
    with pytest.raises(SeatingError):
        seat_by_choice([(1, [10]), (2, [10])], {10: 1})


def test_age_groups():
    assert age_group(2000, 2026) == "25-39"
    assert age_group(1950, 2026) == "65+"
    assert age_group(None, 2026) == ""
