"""When to try a failed delivery again: exponential backoff with full jitter, for every channel.

    delay(attempt) = rng() * min(cap, base * 2 ** attempt)        rng() uniform in [0, 1)

attempt 0 is the first retry (after the first failed send). With the defaults the ceiling is
2, 4, 8, … seconds and stops growing at one hour (attempt 11). Full jitter (AWS architecture
blog, "Exponential Backoff And Jitter") spreads retries of many deliveries that failed together
over the whole window, so a receiver that comes back is not hit by all of them at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable

_MAX_EXPONENT = 64   # 2**64 seconds is past any cap; keeps the float arithmetic finite


def backoff(attempt: int, *, base: float = 2.0, cap: float = 3600.0,
            rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number `attempt` (0-based): uniform in [0, ceiling)."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, not {attempt}")
    ceiling = min(cap, base * 2.0 ** min(attempt, _MAX_EXPONENT))
    return rng() * ceiling
