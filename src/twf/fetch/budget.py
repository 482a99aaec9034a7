"""Per-host request budgets (token buckets) shared by every thread and process on the machine.

NOMADS blocks clients that send more than about 120 requests a minute, and the scheduler fetches with N
worker processes at once, each with its own transports; a budget kept in one process's memory would let N
processes send N times the rate. So a host's bucket lives in a small file under the cache folder, read and
updated under an exclusive `flock`: every request of every process on the machine draws from the same
tokens. A request that finds the bucket empty reserves the next free slot (the count goes negative) and
sleeps until then, so waiting requests are served in order instead of racing for each refill.

Only if the budget folder cannot be written (a read-only cache) does a process fall back to a bucket in its
own memory, with a warning: still limited, but no longer shared.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from twf.config import load_settings

NOMADS_HOST = "nomads.ncep.noaa.gov"
# Stay well under NOMADS's ~120/min ban threshold: every retry and HEAD counts.
DEFAULT_REQUESTS_PER_MINUTE: Mapping[str, float] = {NOMADS_HOST: 100.0}
BURST_SECONDS = 5.0  # a bucket holds this many seconds' worth of tokens: short bursts, steady average
BUDGET_FOLDER = "budgets"  # under the cache folder (TWF_CACHE_DIR)

log = logging.getLogger("twf.fetch")


class TokenBucket:
    """`rate` tokens per second, at most `capacity` saved up, in this process's memory only."""

    def __init__(self, per_minute: float, burst_seconds: float = BURST_SECONDS) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate) - 1.0
            self._stamp = now
            wait = max(0.0, -self._tokens / self.rate)
        time.sleep(wait)


class SharedTokenBucket:
    """A token bucket whose state (`tokens stamp`, wall-clock seconds) is a file locked while it is updated.

    The file is opened per request, so threads of one process exclude each other through `flock` exactly
    as processes do (each open is its own lock owner). Wall-clock time is used because it is the clock
    all processes share; a clock stepping back only delays refilling, never grants extra tokens.
    """

    def __init__(self, path: Path, per_minute: float, burst_seconds: float = BURST_SECONDS) -> None:
        self.path = path
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)

    def acquire(self) -> None:
        time.sleep(self.reserve())

    def reserve(self) -> float:
        """Take one token (or the next one to come) now; return how long to wait before using it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            now = time.time()
            tokens, stamp = _parse_state(os.pread(fd, 100, 0)) or (self.capacity, now)
            tokens = min(self.capacity, tokens + max(0.0, now - stamp) * self.rate) - 1.0
            state = f"{tokens!r} {now!r}\n".encode()
            os.pwrite(fd, state, 0)
            os.ftruncate(fd, len(state))
        finally:
            os.close(fd)  # also releases the lock
        return max(0.0, -tokens / self.rate)


def _parse_state(raw: bytes) -> tuple[float, float] | None:
    """(tokens, stamp) from a bucket file; None for a new or unreadable one (it starts full)."""
    try:
        tokens, stamp = (float(v) for v in raw.split())
    except ValueError:
        return None
    return tokens, stamp


def default_state_dir() -> Path:
    """Where the machine's shared buckets live: read when first needed, so TWF_CACHE_DIR set later counts."""
    return load_settings().cache_dir / BUDGET_FOLDER


def _file_name(host: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "_", host) + ".tokens"


class RateBudgets:
    """Token buckets by host, shared through files in `state_dir`; hosts without a rate are not limited.
    `per_minute` None: the built-in budgets with the operator's (TWF_REQUEST_BUDGETS) over them, read at the
    first request."""

    def __init__(
        self,
        per_minute: Mapping[str, float] | None = None,
        burst_seconds: float = BURST_SECONDS,
        state_dir: Path | None = None,
    ) -> None:
        self._per_minute = None if per_minute is None else dict(per_minute)
        self.burst_seconds = burst_seconds
        self.state_dir = state_dir
        self._buckets: dict[str, SharedTokenBucket | TokenBucket] = {}
        self._lock = threading.Lock()

    @property
    def per_minute(self) -> dict[str, float]:
        if self._per_minute is None:
            self._per_minute = {**DEFAULT_REQUESTS_PER_MINUTE, **dict(load_settings().request_budgets)}
        return self._per_minute

    def acquire(self, host: str) -> None:
        if host not in self.per_minute:
            return
        bucket = self._bucket(host)
        if isinstance(bucket, SharedTokenBucket):
            try:
                bucket.acquire()
                return
            except OSError as exc:
                bucket = self._fall_back(host, exc)
        bucket.acquire()

    def _bucket(self, host: str) -> SharedTokenBucket | TokenBucket:
        with self._lock:
            if host not in self._buckets:
                folder = self.state_dir or default_state_dir()
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    self._buckets[host] = SharedTokenBucket(
                        folder / _file_name(host), self.per_minute[host], self.burst_seconds
                    )
                except OSError as exc:
                    self._buckets[host] = self._local(host, exc)
            return self._buckets[host]

    def _fall_back(self, host: str, exc: OSError) -> TokenBucket:
        with self._lock:
            bucket = self._buckets[host]
            if isinstance(bucket, SharedTokenBucket):
                bucket = self._buckets[host] = self._local(host, exc)
            return bucket

    def _local(self, host: str, exc: OSError) -> TokenBucket:
        log.warning("request budget for %s is per process only: %s", host, exc)
        return TokenBucket(self.per_minute[host], self.burst_seconds)


MACHINE_BUDGETS = RateBudgets()
