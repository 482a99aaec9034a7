"""The per-host request budget: threads and worker processes on one machine draw from the same tokens."""

from __future__ import annotations

import multiprocessing
import threading
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

from twf.fetch.budget import RateBudgets
from twf.fetch.transport import Transport

from .conftest import FAST

PER_SECOND, BURST = 30.0, 1.0
KEY = "noaa/file.grib2.idx"


def budgets(state_dir: Path) -> RateBudgets:
    return RateBudgets({"127.0.0.1": PER_SECOND * 60}, burst_seconds=BURST / PER_SECOND, state_dir=state_dir)


def assert_within_budget(times: list[float]) -> None:
    """No half-second window holds more than the burst plus what the rate refills (+ scheduling jitter),
    and the whole series took at least as long as the rate allows."""
    times = sorted(times)
    for i, t in enumerate(times):
        assert sum(1 for u in times[i:] if u - t < 0.5) <= BURST + PER_SECOND * 0.5 + 3
    assert times[-1] - times[0] >= (len(times) - BURST) / PER_SECOND * 0.9


def hammer(url: str, state_dir: str, requests: int, start: Barrier) -> None:
    """One worker process: its own transport and budget object, as a scheduler worker has."""
    with Transport(FAST, budgets(Path(state_dir))) as transport:
        start.wait()
        for _ in range(requests):
            transport.head(url)


def test_worker_processes_together_stay_within_the_hosts_budget(make_server, tmp_path):
    bucket, server, _ = make_server()
    bucket.put(KEY, b"1:0:d=2026012917:TMP:2 m above ground:anl:\n")
    context = multiprocessing.get_context("fork")  # separate memory, as spawned workers have; starts at once
    workers, each = 4, 12
    start = context.Barrier(workers)
    processes = [
        context.Process(target=hammer, args=(server.url + KEY, str(tmp_path), each, start))
        for _ in range(workers)
    ]
    for p in processes:
        p.start()
    for p in processes:
        p.join(timeout=20)
    assert [p.exitcode for p in processes] == [0] * workers
    times = [t for t, method, *_ in bucket.log if method == "HEAD"]
    assert len(times) == workers * each
    assert_within_budget(times)


def test_threads_of_one_process_share_the_hosts_budget(make_server, tmp_path):
    bucket, server, _ = make_server()
    bucket.put(KEY, b"x")
    with Transport(FAST, budgets(tmp_path)) as transport:
        threads = [
            threading.Thread(target=lambda: [transport.head(server.url + KEY) for _ in range(6)])
            for _ in range(4)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert_within_budget([t for t, *_ in bucket.log])


def test_hosts_without_a_rate_are_not_limited(make_server, tmp_path):
    bucket, server, _ = make_server()
    bucket.put(KEY, b"x")
    started = time.monotonic()
    with Transport(FAST, RateBudgets({"nomads.ncep.noaa.gov": 60.0}, state_dir=tmp_path)) as transport:
        for _ in range(20):
            transport.head(server.url + KEY)
    assert time.monotonic() - started < 20 / PER_SECOND
    assert not list(tmp_path.iterdir())


def test_an_unwritable_budget_folder_still_limits_the_process(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    limited = RateBudgets({"h": PER_SECOND * 60}, burst_seconds=BURST / PER_SECOND, state_dir=blocker / "b")
    started = time.monotonic()
    for _ in range(7):
        limited.acquire("h")
    assert time.monotonic() - started >= 6 / PER_SECOND * 0.9
