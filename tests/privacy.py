"""What the privacy scans look for: a resident's personal data, found as a word in a long text."""

from __future__ import annotations

import re
from typing import Any


def personal_data(person: Any, code: str, token: str) -> list[str]:
    """Every value that would name or reach this resident: the account, the name and address
    on it, the login code of their letter and their API token (the blank ones left out)."""
    values = [
        person.username,
        person.display_name,
        person.first_name,
        person.last_name,
        person.email,
        person.street_address,
        person.postcode,
        code,
        token,
    ]
    return [value for value in values if value]


def as_a_word(text: str, value: str, *, folded: str | None = None) -> re.Match[str] | None:
    """Where ``value`` stands in ``text`` as a word of its own, in any case. A scan asks this
    for hundreds of values over megabytes of text: a plain search of the case-folded text
    (``folded``, made once by the caller) rules most of them out before the slower pattern runs."""
    if folded is not None and value.casefold() not in folded:
        return None
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE)
