"""One HTTP source misbehaving in every way at once, under a request budget: the scheduler keeps going, never
asks the host faster than its budget allows, and publishes exactly the frames upstream served whole, byte for
byte what a clean mirror of the same files gives.

Upstream is `tests.fetch.bucket_server` (a real HTTP server on 127.0.0.1) holding the HRRR run of the
synthetic mirror (f00-f03) and one more hour:
- f00: its GRIB answers slowly (the body trickled over 2 s), then hangs 2 s before answering;
- f01: its `.idx` answers 429 with Retry-After: 1 first; its GRIB resets mid-body, then answers 200 with the
  whole file instead of a 206;
- f02: its GRIB twice serves the file as rewritten since its `.idx` (a stale `.idx`), then the file;
- f03: appears late (its `.idx` is 404 for the first three asks);
- f04: vanishes (its `.idx` is seen once, then neither file is there).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench.soak_publish import compare_runs
from tests.fetch.bucket_server import Bucket, BucketServer

from twf.check import check_model
from twf.fetch.budget import BURST_SECONDS
from twf.manifest import load_manifest, read_latest
from twf.models import get_model
from twf.storage import LocalStore
from twf.store import parse_run_id

HRRR = get_model("hrrr")
VARIABLES = ("refc", "tmp2m")
PER_MINUTE = 300.0  # the source's budget: 5 requests a second, bursts of 25
RETRY_AFTER_S = 1.0


def upstream(mirror: Path, run: str, hours: tuple[int, ...]) -> Bucket:
    """The bucket of the module docstring, from the clean files of `mirror`."""
    bucket = Bucket(hang_seconds=2.0, slow_seconds=2.0)
    grib = [HRRR.file_key(parse_run_id(run), fh) for fh in (*hours, hours[-1] + 1)]
    idx = [key + HRRR.idx_suffix for key in grib]
    for fh in hours:
        bucket.put(grib[fh], (mirror / grib[fh]).read_bytes())
        bucket.put(idx[fh], (mirror / idx[fh]).read_bytes())
    bucket.fail(grib[0], "slow", "hang")
    bucket.fail(idx[1], f"429 retry-after={RETRY_AFTER_S:g}")
    bucket.fail(grib[1], "reset", "full200")
    bucket.fail(grib[2], "stale", "stale")
    bucket.objects[idx[3]].missing_for = 3
    bucket.put(idx[4], bucket.objects[idx[3]].data, present_for=1)
    return bucket


def scheduler(source: str, run: str, root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "twf", "scheduler", "--model", "hrrr", "--run", run, "--source", source,
            "--vars", ",".join(VARIABLES), "--workers", "2", "--data-root", str(root), *args]


def follow(command: list[str], log: Path, done: callable, env: dict[str, str]) -> int:
    """Run a long-running scheduler until `done()` (at most 3 minutes), then stop it as systemd does."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline and proc.poll() is None and not done():
                time.sleep(0.5)
        finally:
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=120)
    return code


def assert_within_budget(times: list[float]) -> None:
    """No run of requests is denser than the burst plus what the rate refills meanwhile (+2 for jitter)."""
    rate = PER_MINUTE / 60
    times = sorted(times)
    for i, start in enumerate(times):
        for j in range(i + 1, len(times)):
            assert j - i + 1 <= rate * BURST_SECONDS + rate * (times[j] - start) + 2, (i, j, times[j] - start)


def test_a_misbehaving_source_under_a_budget_yields_every_whole_frame_and_only_those(
        tmp_path: Path, synthetic_mirror: Path, synthetic_mirror_runs: dict) -> None:
    run, hours = synthetic_mirror_runs["hrrr"]
    wanted = {(var, fh) for var in VARIABLES for fh in hours}
    bucket = upstream(synthetic_mirror, run, hours)
    root, log = tmp_path / "v3", tmp_path / "scheduler.log"
    env = {**os.environ, "TWF_REQUEST_BUDGETS": f"127.0.0.1={PER_MINUTE:g}",
           "TWF_CACHE_DIR": str(tmp_path / "cache")}

    def published_and_f04_tried() -> bool:
        loaded = load_manifest(LocalStore(root), "hrrr", run)
        listed = loaded is not None and set(loaded[0].frames()) == wanted
        return listed and b"fh004 failed" in log.read_bytes()

    with BucketServer(bucket) as server:
        code = follow(scheduler(server.url, run, root, "--poll-seconds", "1", "--retry-seconds", "0.2"),
                      log, published_and_f04_tried, env)
    text = log.read_text()
    assert code == 0 and "Traceback" not in text, text[-4000:]
    storage = LocalStore(root)
    assert set(load_manifest(storage, "hrrr", run)[0].frames()) == wanted, text[-4000:]
    assert read_latest(storage, "hrrr").run == run
    assert check_model(storage, HRRR) == []
    assert all("NotYetAvailable" in line for line in text.splitlines() if "fh004 failed" in line)
    assert not any(bucket.faults.values()), dict(bucket.faults)  # every fault was met

    asked = [t for t, _, key, _ in bucket.log if key.endswith(f"f01.grib2{HRRR.idx_suffix}")]
    assert asked[1] - asked[0] >= RETRY_AFTER_S * 0.95  # the 429's Retry-After was waited out
    assert len(bucket.log) > 3 * PER_MINUTE / 60 * BURST_SECONDS  # well past a burst: the budget was binding
    assert_within_budget([t for t, *_ in bucket.log])

    reference = tmp_path / "reference" / "v3"
    clean = subprocess.run(scheduler(f"mirror:{synthetic_mirror}", run, reference, "--once"),
                           capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0, clean.stderr[-3000:]
    assert compare_runs(storage, LocalStore(reference), "hrrr", run) == []
