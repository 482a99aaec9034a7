"""BoundedCache: one build per key however many ask at once, and never more than its byte budget held."""

from __future__ import annotations

import threading
import time

from twf.bounded_cache import BoundedCache


def test_concurrent_requests_for_one_key_build_it_once() -> None:
    cache: BoundedCache[bytes] = BoundedCache(1 << 20, len)
    calls = []

    def build() -> bytes:
        calls.append(1)
        time.sleep(0.2)  # long enough that every thread arrives while the first still builds
        return b"x" * 100

    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_build("k", build)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and cache.builds == 1
    assert len(results) == 8 and all(r is results[0] for r in results)


def test_least_recently_used_values_go_once_the_budget_is_exceeded() -> None:
    cache: BoundedCache[bytes] = BoundedCache(250, len)
    for key in "abc":
        cache.get_or_build(key, lambda: b"x" * 100)
    assert cache.get("a") is None  # the oldest went when c came in
    assert cache.get("b") is not None and cache.get("c") is not None
    assert cache.bytes_held == 200


def test_a_failed_build_is_not_kept_and_the_next_request_builds_again() -> None:
    cache: BoundedCache[bytes] = BoundedCache(1000, len)

    def fail() -> bytes:
        raise OSError("disk went away")

    try:
        cache.get_or_build("k", fail)
    except OSError:
        pass
    assert cache.get("k") is None
    assert cache.get_or_build("k", lambda: b"ok") == b"ok"
