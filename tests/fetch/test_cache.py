"""The download cache: atomic entries, keys that change with the upstream version, a size bound."""

from __future__ import annotations

import os
import threading
import time

from twf.fetch.cache import DownloadCache


def test_entries_round_trip_and_the_key_includes_the_inventory_version(tmp_path):
    cache = DownloadCache(tmp_path)
    old = DownloadCache.key("http://h/f", "bytes=0-9", "2026-01-29T18:00:00+00:00")
    new = DownloadCache.key("http://h/f", "bytes=0-9", "2026-01-29T19:00:00+00:00")
    cache.put(old, b"0123456789")
    assert cache.get(old) == b"0123456789"
    assert old != new and cache.get(new) is None


def test_the_size_bound_evicts_least_recently_used_entries(tmp_path):
    cache = DownloadCache(tmp_path, max_bytes=3000)
    keys = [DownloadCache.key("u", f"bytes={i}") for i in range(3)]
    for i, key in enumerate(keys):
        cache.put(key, bytes(1000))
        path = next(tmp_path.glob(f"??/{key}.bin"))
        os.utime(path, (time.time() - 100 + i, time.time() - 100 + i))
    assert cache.get(keys[0]) is not None  # used now: the newest
    cache.put(DownloadCache.key("u", "bytes=3"), bytes(1000))
    assert cache.get(keys[1]) is None and cache.get(keys[0]) is not None
    assert cache.size_bytes <= 3000
    assert DownloadCache(tmp_path, max_bytes=3000).size_bytes == cache.size_bytes


def test_concurrent_writers_of_one_key_leave_one_whole_entry(tmp_path):
    cache = DownloadCache(tmp_path)
    key = DownloadCache.key("u", "bytes=0-")
    payloads = [bytes([i]) * 200_000 for i in range(8)]
    threads = [threading.Thread(target=cache.put, args=(key, p)) for p in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get(key) in payloads
    assert not list(tmp_path.glob("??/.*"))
