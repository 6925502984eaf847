"""How long a check of a letter code waits after wrong guesses: pure, no Django, no clock.

Every attempt at one code gets a moment at which it is checked. The first few attempts are
checked at once (typing errors); after that each attempt waits longer than the one before,
doubling, up to a ceiling that no attempt ever waits beyond. So guessing slows down while the
holder of the code always gets in, at worst after the ceiling (docs/operations.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Slowdown:
    free_attempts: int  # attempts checked at once before the delays start
    first_delay: float  # seconds between the last free attempt and the next check
    max_delay: float  # the ceiling: no attempt waits longer, whatever came before it


def delay_after(counted: int, policy: Slowdown) -> float:
    """Seconds between the check of attempt number ``counted`` and the next check."""
    if counted < policy.free_attempts:
        return 0.0
    # The doubling stops at the ceiling: 2 ** n for thousands of guesses is past any float.
    doublings = min(counted - policy.free_attempts, 64)
    return min(policy.first_delay * 2.0**doublings, policy.max_delay)


def check_times(
    *, counted: int, next_check: datetime | None, now: datetime, policy: Slowdown
) -> tuple[datetime, datetime]:
    """When attempt number ``counted`` (arriving ``now``) is checked, and when the next may be.

    Attempts are checked one after the other, ``delay_after`` apart, but none later than
    ``now`` plus the ceiling: a burst of guesses cannot push the holder's attempt back."""
    due = max(now, next_check) if next_check else now
    due = min(due, now + timedelta(seconds=policy.max_delay))
    return due, due + timedelta(seconds=delay_after(counted, policy))
