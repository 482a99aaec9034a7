"""Serving from S3 (SeaweedFS on 127.0.0.1) against serving from a local data root, over HTTP, same frame.

One run builds a real frame (HRRR tmp2m f01 from the NOAA samples) with the real builder and publisher into a
local data root, uploads the same objects into a bucket of a local SeaweedFS (`twf.storage.seaweed`), and
starts two `twf serve` processes, one per store. On the same 500 random in-bounds tiles at z3-z10 and 500
random points it measures, for each:

- cold first tile: a freshly started server's first tile of the frame (manifest, geometry and level reads
  from the store), the median of a few restarts, and the CPU the server spent on it (/proc: what the
  machine's load does not blur);
- first look at a frame in a running server: the same tile of copies of the frame no server has read (the
  run again under other run ids, hard links, uploaded as other objects), each after its manifest was asked
  for, as a viewer's discovery does before its tiles: what stepping to a frame not yet seen costs;
- warm tile p50/p95 over HTTP (sequential, keep-alive, after one warm-up pass);
- warm sample p50/p95 over HTTP.

Targets (issue 14): warm tile p50 from S3 within 1.5x of the local store's; cold first tile ≤ 40 ms;
sample p50 ≤ 2 ms warm.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.bench_tiles import (
    FH,
    GRIB,
    MODEL,
    RUN,
    SEED,
    TILES,
    VAR,
    http_latency,
    p50_p95,
    publish_frame,
    random_tiles,
    server,
)
from twf.config import S3Credentials
from twf.storage.seaweed import running

BUCKET = "twf-bench"
CREDENTIALS = S3Credentials("twf-bench-key", "twf-bench-secret")
COLD_RESTARTS = 5
COLD_TILE = (5, 6, 11)  # a z5 tile over the Pacific Northwest, as a viewer's first screen asks
FIRST_LOOKS = 9  # copies of the frame under other run ids, each read once


def cpu_ms(pid: int) -> float:
    """User + system CPU a process has spent (all its threads), in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def cold_first_tile_ms(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """The median first-tile latency of freshly started servers (each answers /docs first, so the process is
    up, but has read nothing of the store), and the median CPU the server spent on it (what the machine's
    load cannot blur: 10 ms clock ticks)."""
    z, x, y = COLD_TILE
    path = f"/tiles/v3/{MODEL}/{RUN}/{VAR}/{FH}/{z}/{x}/{y}.png"
    wall, cpu = [], []
    for _ in range(COLD_RESTARTS):
        with server(command, env) as url, httpx.Client(base_url=url, timeout=30) as client:
            time.sleep(0.5)  # the server idle: its CPU count moves only with the tile
            before, t0 = cpu_ms(url.pid), time.perf_counter()
            status = client.get(path).status_code
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append(cpu_ms(url.pid) - before)
            assert status == 200, status
    return statistics.median(wall), statistics.median(cpu)


def frame_copies(root: Path, count: int) -> list[str]:
    """The published run again under `count` other run ids of the same day (hard links and a manifest of
    each): frames that no server has read."""
    from twf import store
    from twf.manifest import empty_manifest, read_manifest, write_manifest
    from twf.storage.local import LocalStore

    storage = LocalStore(root)
    source = read_manifest(storage, MODEL, RUN)
    runs = [f"{RUN[:9]}{hour:02d}z" for hour in range(count)]
    for run in runs:
        shutil.copytree(storage.path(store.published_run(MODEL, RUN)),
                        storage.path(store.published_run(MODEL, run)), copy_function=os.link)
        copy = empty_manifest(MODEL, run)
        for var, entry in source.variables.items():
            copy = copy.with_frames(var, entry.kind, entry.units, entry.expected_frames, set(entry.fhs),
                                    datetime.now(UTC))
        write_manifest(storage, copy, None)
    return runs


def first_looks_ms(base: str, runs: list[str]) -> list[float]:
    """The cold tile of each run's copy of the frame in one running server, each after its manifest."""
    z, x, y = COLD_TILE
    times = []
    with httpx.Client(base_url=base, timeout=30) as client:
        assert client.get(f"/tiles/v3/{MODEL}/{RUN}/{VAR}/{FH}/{z}/{x}/{y}.png").status_code == 200
        for run in runs:
            assert client.get(f"/api/v3/{MODEL}/{run}/manifest").status_code == 200
            started = time.perf_counter()
            status = client.get(f"/tiles/v3/{MODEL}/{run}/{VAR}/{FH}/{z}/{x}/{y}.png").status_code
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, status
    return times


def main() -> None:
    if not GRIB.is_file():
        print(f"skipped: NOAA sample {GRIB} not found")
        return
    from twf.storage.local import LocalStore
    from twf.storage.s3 import S3Store

    with tempfile.TemporaryDirectory(prefix="bench-storage-") as tmp:
        work = Path(tmp)
        root = work / "data" / "v3"
        publish_frame(root)
        copies = frame_copies(root, FIRST_LOOKS)
        with running(work / "objectstore", CREDENTIALS, (BUCKET,)) as objects:
            url = objects.url(BUCKET, "bench")
            s3 = S3Store(url, CREDENTIALS)
            local = LocalStore(root)
            for key in local.list(""):
                s3.put_file(key, local.path(key))
            serve = [sys.executable, "-m", "twf", "serve", "--log-level", "warning"]
            stores = {
                "local": ({"TWF_DATA_ROOT": str(root), "TWF_STORAGE_URL": ""}, ),
                "S3": ({"TWF_STORAGE_URL": url, "AWS_ACCESS_KEY_ID": CREDENTIALS.access_key_id,
                        "AWS_SECRET_ACCESS_KEY": CREDENTIALS.secret_access_key}, ),
            }
            tiles = [f"/tiles/v3/{MODEL}/{RUN}/{VAR}/{FH}/{z}/{x}/{y}.png" for z, x, y in random_tiles()]
            rng = random.Random(SEED)
            query = f"/api/v3/sample?model={MODEL}&run={RUN}&var={VAR}&fh={FH}"
            samples = [f"{query}&lat={rng.uniform(30, 47):.4f}&lon={rng.uniform(-120, -75):.4f}"
                       for _ in range(TILES)]
            results: dict[str, dict[str, object]] = {}
            for name, (env,) in stores.items():
                cold = cold_first_tile_ms(serve, env)
                with server(serve, env) as base:
                    first_looks = first_looks_ms(base, copies)
                    tile_ms, tile_err = http_latency(base, tiles)
                    sample_ms, sample_err = http_latency(base, samples)
                results[name] = {"cold": cold, "first looks": first_looks, "tile": tile_ms,
                                 "sample": sample_ms, "errors": tile_err + sample_err}
    local_p50 = statistics.median(results["local"]["tile"])
    s3_p50 = statistics.median(results["S3"]["tile"])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{TILES} random tiles z3-z10 and {TILES} points of {MODEL} {RUN} {VAR} f{FH:03d}; one uvicorn "
          f"worker per server; SeaweedFS `weed mini` on 127.0.0.1; load average {load}")
    rows = [
        ("cold first tile, median of 5 restarts (ms)",
         *(f"{results[n]['cold'][0]:.1f}" for n in ("local", "S3")), "S3 ≤ 40"),
        ("  server CPU spent on it (ms)", *(f"{results[n]['cold'][1]:.0f}" for n in ("local", "S3")), ""),
        (f"first look at a frame, running server, p50 / max of {FIRST_LOOKS} (ms)",
         *(f"{statistics.median(results[n]['first looks']):.1f} / {max(results[n]['first looks']):.1f}"
           for n in ("local", "S3")), "S3 ≤ 40"),
        ("warm tile p50 / p95 over HTTP (ms)", *(p50_p95(results[n]["tile"]) for n in ("local", "S3")),
         f"S3/local {s3_p50 / local_p50:.2f}x ≤ 1.5x"),
        ("warm sample p50 / p95 over HTTP (ms)", *(p50_p95(results[n]["sample"]) for n in ("local", "S3")),
         "S3 p50 ≤ 2"),
        ("errors", *(str(results[n]["errors"]) for n in ("local", "S3")), "0"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {'local store':>14}  {'S3 store':>14}  target")
    for name, local_v, s3_v, target in rows:
        print(f"{name:{width}}  {local_v:>14}  {s3_v:>14}  {target}")
