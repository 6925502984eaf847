"""Whole numbers as typed in a form, a query string or a file: ASCII digits only.

``str.isdigit()`` is also true for '²' (which ``int()`` refuses, so a check with it ends in
a server error) and for other scripts' digits ('٣', which ``int()`` reads as 3). No Django
import: the recount tool uses it too.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]+")


def is_digits(text: str) -> bool:
    """True for one or more of the ASCII digits 0-9 and nothing else."""
    return _DIGITS.fullmatch(text) is not None


def whole_number(text: str) -> int | None:
    """The number ``text`` spells in ASCII digits, or None."""
    return int(text) if is_digits(text) else None
