"""Point series speed of `twf serve` (issue 12), side by side with reading the same hours frame by frame.

The data (built once, ~10 minutes on 2 cores, kept in `.cache/bench-series`): complete runs of 4 models x 6
variables (HRRR 18z f00-f48, NAM 18z f00-f60, NBM 18z f001-f264, GFS 12z f000-f384: 2,458 frames) as value
COGs of smooth fields with fine noise (as real float fields have) on each model's value grid, their manifests,
and each variable's series store filled hour by hour exactly as the publisher does after each commit
(`twf.series.write.update_series`), recording what every published frame costs the store. HRRR tmp2m is
built from synthetic GRIB and published by the real pipeline (so the viewer can show it: `node e2e/perf.mjs
--data-root .cache/bench-series/v3` measures click → meteogram on this data). A copy of every run under
another run id (hard links) gives runs no server has touched yet.

Over HTTP against `twf serve` (one worker, sequential requests, OS page cache warm):
- `/api/v3/series` for 4 models x 6 variables x all hours (the default request) at random points: cold,
  the first request of a fresh server process; first touch of a run in a running server (runs never read
  by it); warm, later requests, a new random point each;
- the reference: the same requests with every series store removed (each hour read from its value COG
  through the API's value cache, as the route does for hours a store lacks);
- a run still filling: every hour but the last committed, its stores in blocks;
- `POST /api/v3/sample/batch` of 500 random points on one frame.

Targets: series p50 <= 15 ms warm, <= 60 ms cold; batch of 500 p50 <= 10 ms; store write per published
frame <= a few MB.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

from bench.soak import free_port, start_server, stop
from twf import store
from twf.api.series import DEFAULT_VARS
from twf.artifacts import VALUE
from twf.builder.cog_writer import write_value_cog
from twf.builder.pipeline import build_frame
from twf.manifest import (
    Manifest,
    empty_manifest,
    list_run,
    load_manifest,
    read_manifest,
    write_latest,
    write_manifest,
)
from twf.models import get_model
from twf.models.base import ModelSpec
from twf.publish import RunPlan, publish_frames
from twf.series.document import commit_series, load_series
from twf.series.layout import SeriesLayout
from twf.series.write import update_series
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.mirror import write_forecast_file

RUNS = {"hrrr": "20260129_18z", "nam": "20260129_18z", "nbm": "20260129_18z", "gfs": "20260129_12z"}
# The same runs under the ids of the same cycles one and two days before (the same planned hours).
UNTOUCHED = {name: f"20260128_{run[-3:]}" for name, run in RUNS.items()}
FILLING = {name: f"20260127_{run[-3:]}" for name, run in RUNS.items()}
PUBLISHED = ("hrrr", "tmp2m")  # built from GRIB and published by the real pipeline: the viewer's map
SEED = 20260129
WARM, COLD, FIRST_TOUCH, REFERENCE, BATCHES = 200, 7, 7, 5, 200
CONUS = ((26.0, 48.0), (-122.0, -70.0))  # lat, lon ranges of random points (inside every model's data)
NOW = datetime(2026, 1, 30, tzinfo=UTC)
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench-series"
HERE = Path(__file__).resolve().parents[1]


def field(rng: np.random.Generator, shape: tuple[int, int], fh: int) -> np.ndarray:
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    smooth = 40.0 + 25.0 * np.sin(x / 50.0 + fh / 9.0) + 12.0 * np.cos(y / 35.0 - fh / 13.0)
    return (smooth + rng.normal(0.0, 0.2, shape)).astype(np.float32)


def stored(storage: LocalStore, prefix: str) -> dict[str, tuple[int, int]]:
    """key → (inode, size) of every object under `prefix`."""
    out = {}
    for key in storage.list(prefix):
        st = storage.path(key).stat()
        out[key] = (st.st_ino, st.st_size)
    return out


def fill_store(storage: LocalStore, spec: ModelSpec, manifest: Manifest, var: str,
               hours: tuple[int, ...]) -> list[tuple[int, float]]:
    """The publisher's store update after each of `hours` is committed in turn; (bytes, s) each."""
    prefix = store.series(spec.name, manifest.run, var).prefix
    entry = spec.variables[var]
    costs = []
    for i in range(len(hours)):
        listed = manifest.with_frames(var, entry.kind, entry.units, len(hours), set(hours[:i + 1]), NOW)
        before = stored(storage, prefix)
        started = time.perf_counter()
        update_series(storage, spec, listed, var)
        elapsed = time.perf_counter() - started
        after = stored(storage, prefix)
        costs.append((sum(size for key, (ino, size) in after.items() if before.get(key) != (ino, size)),
                      elapsed))
    return costs


def publish_map_variable(storage: LocalStore, spec: ModelSpec, run: str, var: str, work: Path) -> None:
    """Every hour of one variable built from synthetic GRIB and published one by one (the live path)."""
    plan = RunPlan.for_run(spec, run, [var])
    for fh in plan.hours[var]:
        grib, _ = write_forecast_file(work / "mirror", spec, parse_run_id(run), fh)
        build_frame(spec.name, run, var, fh, [grib], storage, store.staging_var(spec.name, run, var))
        report = publish_frames(storage, plan, [(var, fh)], final=True, now=NOW)
        assert not report.failed, report.failed


def build(root: Path) -> dict[str, list[tuple[int, float]]]:
    """The complete runs; per model the (bytes, seconds) each published frame cost its store."""
    storage = LocalStore(root)
    rng = np.random.default_rng(SEED)
    costs: dict[str, list[tuple[int, float]]] = {}
    for name, run in RUNS.items():
        spec = get_model(name)
        if name == PUBLISHED[0]:
            publish_map_variable(storage, spec, run, PUBLISHED[1], CACHE / "work-build")
        loaded = load_manifest(storage, name, run)
        manifest, based_on = loaded if loaded else (empty_manifest(name, run, NOW), None)
        for var in DEFAULT_VARS:
            if (name, var) == PUBLISHED:
                continue
            entry = spec.variables[var]
            hours = SeriesLayout.for_variable(spec, entry, run).hours
            for fh in hours:
                path = storage.path(VALUE.key(store.published_frame(name, run, var, fh)))
                path.parent.mkdir(parents=True, exist_ok=True)
                write_value_cog(path, field(rng, spec.value_grid.shape, fh), spec.value_grid, False)
            costs.setdefault(name, []).extend(fill_store(storage, spec, manifest, var, hours))
            manifest = manifest.with_frames(var, entry.kind, entry.units, len(hours), set(hours), NOW)
            print(f"  {name} {var}: {len(hours)} frames", flush=True)
        write_manifest(storage, manifest, based_on)
        write_latest(storage, name, run, NOW)
    shutil.rmtree(CACHE / "work-build", ignore_errors=True)
    return costs


def alias_runs(source: Path, runs: dict[str, str], left_out: int | None) -> None:
    """Each model's run also under `runs[model]` (hard links; manifests and series documents say the new
    id). `left_out`: leave that many hours of each variable out of the copy, from the end (a filling run,
    its stores written anew from the frames it lists: in blocks)."""
    storage = LocalStore(source)
    for name, alias in runs.items():
        spec, run = get_model(name), RUNS[name]
        if storage.head(store.manifest(name, alias)) is not None:
            continue
        shutil.copytree(storage.path(store.published_run(name, run)),
                        storage.path(store.published_run(name, alias)), copy_function=os.link)
        copy = empty_manifest(name, alias, NOW)
        for var, entry in read_manifest(storage, name, run).variables.items():
            fhs = entry.fhs[:len(entry.fhs) - left_out] if left_out else entry.fhs
            copy = copy.with_frames(var, entry.kind, entry.units, entry.expected_frames, set(fhs), NOW)
        copy = write_manifest(storage, copy, None)
        list_run(storage, name, alias)
        for var in copy.variables:
            document, _ = load_series(storage, name, run, var)
            info = storage.head(store.series(name, alias, var).document)
            commit_series(storage, replace(document, run=alias), info)
            if left_out:
                update_series(storage, spec, copy, var, rebuild=True)


def random_points(rng: random.Random, n: int) -> list[tuple[float, float]]:
    (lat0, lat1), (lon0, lon1) = CONUS
    return [(round(rng.uniform(lat0, lat1), 4), round(rng.uniform(lon0, lon1), 4)) for _ in range(n)]


def series_ms(client: httpx.Client, point: tuple[float, float], runs: dict[str, str] | None = None) -> float:
    params = {"lat": point[0], "lon": point[1]}
    if runs:
        params["run"] = ",".join(f"{m}:{r}" for m, r in runs.items())
    started = time.perf_counter()
    r = client.get("/api/v3/series", params=params)
    elapsed = (time.perf_counter() - started) * 1000
    body = r.json()
    assert r.status_code == 200 and len(body["series"]) == 24, r.text[:200]
    assert all(e["points"] and e["points"][0][1] is not None for e in body["series"]), "hours missing"
    return elapsed


@contextmanager
def serving(root: Path, log: Path) -> Iterator[httpx.Client]:
    port = free_port()
    proc = start_server(root, port, 1, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            yield client
    finally:
        stop(proc)


def measure(root: Path, rng: random.Random, work: Path, warm: int, cold: int,
            first_touch: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"cold": [], "first touch": [], "warm": [], "filling": []}
    for i in range(cold):
        with serving(root, work / f"serve-{i}.log") as client:
            out["cold"].append(series_ms(client, random_points(rng, 1)[0]))
            if i == cold - 1:
                out["warm"] = [series_ms(client, p) for p in random_points(rng, warm)]
                out["filling"] = [series_ms(client, p, FILLING) for p in random_points(rng, warm // 4)]
    for i in range(first_touch):
        with serving(root, work / f"serve-touch-{i}.log") as client:
            series_ms(client, random_points(rng, 1)[0])
            out["first touch"].append(series_ms(client, random_points(rng, 1)[0], UNTOUCHED))
    return out


def measure_batch(root: Path, rng: random.Random, work: Path) -> list[float]:
    body = {"model": "hrrr", "run": RUNS["hrrr"], "var": "tmp2m", "fh": 6}
    with serving(root, work / "serve-batch.log") as client:
        client.post("/api/v3/sample/batch", json={**body, "points": random_points(rng, 500)})
        times = []
        for _ in range(BATCHES):
            payload = {**body, "points": [list(p) for p in random_points(rng, 500)]}
            started = time.perf_counter()
            r = client.post("/api/v3/sample/batch", json=payload)
            times.append((time.perf_counter() - started) * 1000)
            assert r.status_code == 200 and len(r.json()["values"]) == 500
    return times


def row(what: str, values: list[float]) -> str:
    if not values:
        return f"| {what} | 0 | - | - | - |"
    # "inclusive": within the measured range (the default extrapolates past the maximum for small samples)
    p95 = statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    return f"| {what} | {len(values)} | {statistics.median(values):.1f} | {p95:.1f} | {max(values):.1f} |"


def dataset() -> tuple[Path, dict[str, list[list[float]]]]:
    """The cached data root and the store write costs measured while building it (built on first use)."""
    root, costs_file = CACHE / "v3", CACHE / "write-costs.json"
    if not costs_file.is_file():
        shutil.rmtree(CACHE, ignore_errors=True)
        started = time.perf_counter()
        print("building the data (once; kept in .cache/bench-series)", flush=True)
        costs = build(root)
        alias_runs(root, UNTOUCHED, None)
        alias_runs(root, FILLING, 1)
        print(f"built in {time.perf_counter() - started:.0f} s")
        costs_file.write_text(json.dumps(costs))
    return root, json.loads(costs_file.read_text())


def without_stores(root: Path, target: Path) -> Path:
    """A hard-linked copy of the data root without its series stores: the reference."""
    shutil.copytree(root, target, copy_function=os.link,
                    ignore=shutil.ignore_patterns(store.SERIES_AREA, ".*"))
    return target


def print_costs(costs: dict[str, list[list[float]]]) -> None:
    print("\nseries store write per published frame (its block rewritten; the whole store once complete)")
    print("| model | frames | MB mean | MB max | ms mean | ms max |")
    print("|---|---|---|---|---|---|")
    for name, cost in costs.items():
        sizes = [b / 1e6 for b, _ in cost]
        secs = [s * 1000 for _, s in cost]
        print(f"| {name} | {len(cost)} | {statistics.mean(sizes):.2f} | {max(sizes):.2f} "
              f"| {statistics.mean(secs):.0f} | {max(secs):.0f} |")


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    root, costs = dataset()
    work = CACHE / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        print_costs(costs)
        print(f"before measuring: {load()}")
        rng = random.Random(SEED)
        ours = measure(root, rng, work, WARM, COLD, FIRST_TOUCH)
        batch = measure_batch(root, rng, work)
        reference = measure(without_stores(root, work / "reference"), rng, work, REFERENCE, 1, 0)
        print("\nover HTTP, one `twf serve` worker, sequential requests, 4 models x 6 variables x all hours"
              " (ms)")
        print("| request | n | p50 | p95 | max |")
        print("|---|---|---|---|---|")
        print(row("series, cold: first request of a fresh server", ours["cold"]))
        print(row("series, first touch of runs in a running server", ours["first touch"]))
        print(row("series, warm (a new random point each)", ours["warm"]))
        print(row("series, runs still filling (stores in blocks), warm", ours["filling"]))
        print(row("reference, no stores (value COGs): cold", reference["cold"]))
        print(row("reference, no stores (value COGs): warm", reference["warm"]))
        print(row("sample/batch of 500 points", batch))
        print(f"after measuring: {load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
