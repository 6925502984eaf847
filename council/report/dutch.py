"""Dates and numbers as a Dutch reader writes them (20 januari 2026; 1.250,5), through
Django's Dutch formats, and counts of small groups hidden as "<5"."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, translation

SMALL_GROUP = 5  # a group smaller than this is shown as "<5", never by its size
SMALL_TEXT = "<5"


def dutch_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    with translation.override("nl"):
        return formats.date_format(value, "j F Y", use_l10n=True)


def dutch_period(start: date | None, end: date | None) -> str:
    """'van 3 maart 2026 tot 17 maart 2026', 'op 7 december 2026' for a single day, or
    'tot 17 maart 2026' without a start."""
    if start is None:
        return f"tot {dutch_date(end)}"
    if start == end:
        return f"op {dutch_date(start)}"
    return f"van {dutch_date(start)} tot {dutch_date(end)}"


def dutch_number(value: float | int, decimals: int | None = None) -> str:
    """1250.5 -> '1.250,5'; whole numbers without decimals unless ``decimals`` is given."""
    if decimals is None and float(value).is_integer():
        value = int(value)
    with translation.override("nl"):
        return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def group_count(count: int) -> int | str:
    """A demographic group's size: the number, or "<5" for a group smaller than five (and
    larger than none), so that nobody can be picked out of a small group."""
    return SMALL_TEXT if 0 < count < SMALL_GROUP else count
