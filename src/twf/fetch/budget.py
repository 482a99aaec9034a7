"""Per-host request budgets (token buckets), shared by every transport in the process.

NOMADS blocks clients that send more than about 120 requests a minute, and a scheduler fetches many frames at
once; the budget must therefore hold across threads and transports, so it lives in one process-wide registry.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

NOMADS_HOST = "nomads.ncep.noaa.gov"
# Stay well under NOMADS's ~120/min ban threshold: every retry and HEAD counts.
DEFAULT_REQUESTS_PER_MINUTE: Mapping[str, float] = {NOMADS_HOST: 100.0}
BURST_SECONDS = 5.0  # a bucket holds this many seconds' worth of tokens: short bursts, steady average


class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up; `acquire` blocks until a token is free."""

    def __init__(self, per_minute: float, burst_seconds: float = BURST_SECONDS) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                wait = (1.0 - self._tokens) / self.rate
            time.sleep(wait)


class RateBudgets:
    """Token buckets by host; hosts without a configured rate are not limited."""

    def __init__(
        self,
        per_minute: Mapping[str, float] = DEFAULT_REQUESTS_PER_MINUTE,
        burst_seconds: float = BURST_SECONDS,
    ) -> None:
        self._buckets = {host: TokenBucket(rate, burst_seconds) for host, rate in per_minute.items()}

    def acquire(self, host: str) -> None:
        bucket = self._buckets.get(host)
        if bucket is not None:
            bucket.acquire()


PROCESS_BUDGETS = RateBudgets()
