"""The waiting times of letter-code attempts, as pure data (samenspel/slowdown.py)."""

from datetime import UTC, datetime, timedelta

from samenspel.slowdown import Slowdown, check_times, delay_after

POLICY = Slowdown(free_attempts=3, first_delay=1.0, max_delay=30.0)  # as the settings give them
NOW = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


def test_typing_errors_are_checked_at_once_then_each_wait_doubles_up_to_the_ceiling():
    delays = [delay_after(n, POLICY) for n in range(1, 11)]
    assert delays == [0, 0, 1, 2, 4, 8, 16, 30, 30, 30]
    assert delay_after(100_000, POLICY) == 30  # a flood of guesses stays at the ceiling


def test_a_burst_is_checked_one_after_the_other_and_nobody_waits_past_the_ceiling():
    next_check = None
    moments = []
    for counted in range(1, 41):  # forty attempts arriving at the same moment
        due, next_check = check_times(
            counted=counted, next_check=next_check, now=NOW, policy=POLICY
        )
        moments.append((due - NOW).total_seconds())
    assert moments[:4] == [0, 0, 0, 1]
    assert moments[4:7] == [3, 7, 15]
    assert max(moments) == 30


def test_an_old_lock_does_not_hold_an_attempt_longer_than_the_ceiling():
    due, _next = check_times(
        counted=1, next_check=NOW + timedelta(minutes=15), now=NOW, policy=POLICY
    )
    assert due == NOW + timedelta(seconds=30)
