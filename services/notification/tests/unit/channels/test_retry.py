"""Backoff: exponential, capped, fully jittered."""

from __future__ import annotations

import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from notification.adapters.channels import backoff


def ceiling(attempt: int) -> float:
    return backoff(attempt, rng=lambda: 1.0)


def test_the_ceiling_doubles_from_two_seconds_up_to_an_hour() -> None:
    assert [ceiling(a) for a in range(13)] == [
        2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 3600, 3600]
    assert ceiling(10_000) == 3600   # no overflow however long it has failed


@settings(deadline=None)
@given(attempt=st.integers(0, 200), seed=st.integers(0, 2**32),
       base=st.floats(0.01, 60), cap=st.floats(1, 86400))
def test_a_delay_is_never_negative_nor_above_the_capped_ceiling(
        attempt: int, seed: int, base: float, cap: float) -> None:
    delay = backoff(attempt, base=base, cap=cap, rng=random.Random(seed).random)
    assert 0 <= delay <= min(cap, base * 2**attempt)


def test_delays_are_spread_over_the_whole_window() -> None:
    rng = random.Random(20260101).random
    delays = [backoff(8, rng=rng) for _ in range(2000)]   # window [0, 512)
    assert len(set(delays)) == len(delays)
    assert min(delays) < 512 * 0.05 and max(delays) > 512 * 0.95
    assert statistics.mean(delays) == pytest.approx(256, rel=0.05)


def test_the_typical_delay_grows_with_the_attempt() -> None:
    rng = random.Random(7).random
    means = [statistics.mean(backoff(a, rng=rng) for _ in range(500)) for a in range(10)]
    assert means == sorted(means)


def test_a_negative_attempt_is_a_bug() -> None:
    with pytest.raises(ValueError, match="attempt"):
        backoff(-1)
