"""Per-person limits on live commands: a token bucket per person, with the clock passed in.

Transport protection, not a rule of any process: a screen that sends commands faster than a
person can (a script, a stuck loop) is refused with ``rate_limited`` before its commands reach
the database, and no one else waits for it. The buckets live in one server process: a person
with sockets on two processes has a bucket on each.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass
from typing import NamedTuple

from .loops import PerLoop


@dataclass
class TokenBucket:
    """``capacity`` commands at once, then ``rate`` per second; ``at`` is when ``tokens`` held."""

    capacity: float
    rate: float
    tokens: float
    at: float
    refused_in_a_row: int = 0

    def refill(self, now: float) -> None:
        if now > self.at:
            self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
            self.at = now

    def take(self, now: float) -> float:
        """Take one token: 0.0 when there was one, else the seconds until there is one."""
        self.refill(now)
        if self.tokens >= 1:
            self.tokens -= 1
            self.refused_in_a_row = 0
            return 0.0
        self.refused_in_a_row += 1
        return (1 - self.tokens) / self.rate

    def is_full(self, now: float) -> bool:
        self.refill(now)
        return self.tokens >= self.capacity


class Verdict(NamedTuple):
    allowed: bool
    retry_after: float  # seconds until a command would be taken; 0.0 when allowed
    refused_in_a_row: int  # 1 for the first refusal after an allowed command


ALLOWED = Verdict(True, 0.0, 0)


class RateLimiter:
    """A bucket per key (a person), made full on first use. ``burst`` 0 switches it off.

    Buckets that have filled up again are forgotten once there are more than ``max_keys``:
    a full bucket is the same as a new one, so forgetting it changes nothing.
    """

    def __init__(self, *, burst: int, per_second: float, max_keys: int = 10_000) -> None:
        if burst > 0 and not per_second > 0:
            raise ValueError("a rate limit needs a refill rate above 0 per second")
        self.burst = burst
        self.per_second = per_second
        self.max_keys = max_keys
        self.buckets: dict[Hashable, TokenBucket] = {}

    def take(self, key: Hashable, now: float) -> Verdict:
        if self.burst <= 0:
            return ALLOWED
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self.forget_full(now)
            bucket = self.buckets[key] = TokenBucket(
                capacity=self.burst, rate=self.per_second, tokens=self.burst, at=now
            )
        wait = bucket.take(now)
        if wait == 0.0:
            return ALLOWED
        # Rounded up to whole hundredths, so a client that waits exactly that long is taken.
        return Verdict(False, math.ceil(wait * 100) / 100, bucket.refused_in_a_row)

    def forget_full(self, now: float) -> None:
        self.buckets = {k: b for k, b in self.buckets.items() if not b.is_full(now)}


# Per loop, one limiter for each pair of settings (a test may change them between sockets).
_limiters: PerLoop[dict[tuple[int, float], RateLimiter]] = PerLoop(lambda loop: {})


def limiter_for_loop(*, burst: int, per_second: float) -> RateLimiter:
    """The running event loop's limiter (one per server process), made with these settings."""
    limiters = _limiters.get()
    limiter = limiters.get((burst, per_second))
    if limiter is None:
        limiter = limiters[(burst, per_second)] = RateLimiter(burst=burst, per_second=per_second)
    return limiter
