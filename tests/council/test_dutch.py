"""A report's periods read as a Dutch reader writes them."""

from datetime import date

from council.report.dutch import dutch_period


def test_a_period_of_one_day_is_said_once() -> None:
    assert dutch_period(date(2026, 12, 7), date(2026, 12, 7)) == "op 7 december 2026"


def test_a_period_of_several_days_and_one_without_a_start() -> None:
    assert dutch_period(date(2026, 3, 3), date(2026, 3, 17)) == "van 3 maart 2026 tot 17 maart 2026"
    assert dutch_period(None, date(2026, 3, 17)) == "tot 17 maart 2026"
