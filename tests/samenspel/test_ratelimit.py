"""The per-person token bucket and the frame reader, without a database or a clock."""

import pytest

from samenspel.live import frames
from samenspel.live.ratelimit import RateLimiter, TokenBucket


def test_a_burst_is_taken_at_once_then_one_command_per_refill():
    limiter = RateLimiter(burst=20, per_second=4)
    verdicts = [limiter.take("host", now=100.0) for _ in range(21)]
    assert [v.allowed for v in verdicts] == [True] * 20 + [False]
    assert verdicts[20].retry_after == 0.25 and verdicts[20].refused_in_a_row == 1
    assert not limiter.take("host", now=100.2).allowed
    assert limiter.take("host", now=100.25).allowed
    assert not limiter.take("host", now=100.25).allowed


def test_a_flood_stores_the_burst_and_the_refill_only():
    """3,000 commands in 0.06 s: the burst, plus what 0.06 s refills (nothing at 3 per s)."""
    limiter = RateLimiter(burst=20, per_second=3)
    taken = sum(limiter.take(7, now=10 + n * 0.00002).allowed for n in range(3000))
    assert taken == 20


def test_one_person_flooding_leaves_another_untouched():
    limiter = RateLimiter(burst=5, per_second=1)
    for _ in range(50):
        limiter.take("script", now=0.0)
    assert all(limiter.take("host", now=0.0).allowed for _ in range(5))


def test_waiting_refills_up_to_the_burst_and_no_further():
    limiter = RateLimiter(burst=3, per_second=2)
    for _ in range(3):
        limiter.take("p", now=0.0)
    later = [limiter.take("p", now=3600.0).allowed for _ in range(4)]
    assert later == [True, True, True, False]


def test_a_zero_burst_turns_the_limit_off():
    limiter = RateLimiter(burst=0, per_second=0)
    assert all(limiter.take("p", now=0.0).allowed for _ in range(1000))


def test_a_limit_without_refill_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(burst=5, per_second=0)


def test_full_buckets_are_forgotten_when_there_are_many():
    limiter = RateLimiter(burst=2, per_second=1, max_keys=3)
    for person in ("a", "b", "c"):
        limiter.take(person, now=0.0)
    limiter.take("c", now=0.0)
    limiter.take("c", now=0.0)  # c is empty and must be remembered
    limiter.take("d", now=1.0)  # a and b have refilled: forgotten
    assert set(limiter.buckets) == {"c", "d"}
    assert limiter.buckets["c"].tokens == 1  # refilled by one, not yet full


def test_clock_going_back_does_not_add_tokens():
    bucket = TokenBucket(capacity=2, rate=1, tokens=0, at=10.0)
    assert bucket.take(now=5.0) > 0
    assert bucket.tokens == 0


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 1000 + "]" * 1000,
        '{"a":' * 20 + "1" + "}" * 20,
        '{"kind":"command","data":{"text":' + "[" * 9 + "]" * 9 + "}}",
        "NaN",
        '{"n": Infinity}',
        b"\xff\xfe{}",
        "[]",
        "7",
        '"text"',
        "",
    ],
)
def test_frames_that_are_no_plain_object_are_bad(raw):
    with pytest.raises(frames.BadFrame):
        frames.parse_object(raw)


def test_an_ordinary_command_frame_is_read():
    raw = (
        '{"kind":"command","id":"x","type":"idea.create","data":{"text":"Meer bankjes","a":[[1]]}}'
    )
    assert frames.parse_object(raw.encode())["data"]["text"] == "Meer bankjes"


def test_command_keys_are_uuids_written_as_text():
    assert frames.command_key("8a0f3b6e-4c1d-4f5e-9a7b-2c3d4e5f6a7b") is not None
    for raw in (12345678901234567890123456789012, None, ["x"], "abc", "a" * 15000):
        assert frames.command_key(raw) is None
