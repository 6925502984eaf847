"""Someone who chose a theme goes to the table of that theme with most room (pure)."""

from deliberation.seating import table_with_room


def test_the_table_with_most_free_seats_and_the_lowest_number_among_equals():
    assert table_with_room({4: 2, 7: 5, 9: 5}) == 7


def test_full_tables_are_never_chosen():
    assert table_with_room({4: 0, 7: 0}) is None
    assert table_with_room({4: 0, 7: -1, 9: 1}) == 9
