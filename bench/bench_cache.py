"""What the decoded-raster cache budget (TWF_CACHE_MB) costs in tile latency: the default vs the old size.

Replays one seeded, viewer-like sequence of tile requests (the `make soak` pattern: a 3×3 viewport of 512 px
tiles at one zoom of 4–9 over one to four consecutive frames of a random dataset) through the tile route
in-process, once per cache budget, on the published runs under TWF_DATA_ROOT (the demo runs). Reported per
budget: p50/p95/mean per tile and the share of requests that had to decode a level. Reference: 1280 MiB,
the budget fixed in code before TWF_CACHE_MB (1 GiB RGBA + 256 MiB values).

    python -m bench cache
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import statistics
import time

from bench.soak_viewers import VIEWPORT, ZOOMS, clamp, tile_xy
from twf import store
from twf.api import tiles as tile_route
from twf.api.deps import Services
from twf.api.published import committed_object
from twf.api.webmercator import tile_bounds
from twf.artifacts import RGBA
from twf.config import DEFAULT_CACHE_MB, load_settings
from twf.grid import CONUS_BOUNDS_3857, CONUS_BOUNDS_4326
from twf.manifest import list_runs, read_manifest
from twf.models import REGISTRY
from twf.storage import LocalStore, ObjectStore

BUDGETS_MB = (DEFAULT_CACHE_MB, 1280)
VIEWS, SEED = 150, 15


def published_frames(storage: ObjectStore) -> list[tuple[str, str, str, int]]:
    frames = []
    for model in REGISTRY:
        for run in list_runs(storage, model):
            frames += [(model, run, var, fh) for var, fh in read_manifest(storage, model, run).frames()]
    return frames


def viewer_tiles(frames: list[tuple[str, str, str, int]]) -> list[tuple[str, str, str, int, int, int, int]]:
    """(model, run, var, fh, z, x, y) in the order a crowd of viewers asks for them."""
    rng = random.Random(SEED)
    by_dataset: dict[tuple[str, str, str], list[int]] = {}
    for model, run, var, fh in frames:
        by_dataset.setdefault((model, run, var), []).append(fh)
    datasets = sorted(by_dataset)
    around = range(-(VIEWPORT // 2), VIEWPORT // 2 + 1)
    requests = []
    west, south, east, north = CONUS_BOUNDS_4326
    for _ in range(VIEWS):
        dataset = rng.choice(datasets)
        hours = sorted(by_dataset[dataset])
        z = rng.choice(ZOOMS)
        cx, cy = tile_xy(rng.uniform(west, east), rng.uniform(south, north), z)
        start = rng.randrange(len(hours))
        for k in range(rng.randint(1, 4)):
            fh = hours[(start + k) % len(hours)]
            n = 2**z
            requests += [(*dataset, fh, z, (cx + dx) % n, clamp(cy + dy, n))
                         for dx in around for dy in around]
    return requests


def must_decode(services: Services, model: str, run: str, var: str, fh: int, z: int, x: int, y: int) -> bool:
    """Whether this tile finds its level not decoded yet (tiles outside CONUS decode nothing)."""
    bounds = tile_bounds(z, x, y)
    if not bounds.intersects(CONUS_BOUNDS_3857):
        return False
    key = RGBA.key(store.published_frame(model, run, var, fh))
    info = committed_object(services, services.manifests.manifest(model, run), key)
    target_res = (bounds.right - bounds.left) / 512
    return info is not None and services.rgba.cached(services.storage.gdal_path(key), info.identity,
                                                     target_res) is None


def replay(budget_mb: int, requests: list) -> tuple[list[float], float]:
    services = Services(dataclasses.replace(load_settings(), cache_mb=budget_mb))
    loop = asyncio.new_event_loop()
    times, decoded = [], 0
    try:
        for model, run, var, fh, z, x, y in requests:
            decoded += must_decode(services, model, run, var, fh, z, x, y)
            start = time.perf_counter()
            loop.run_until_complete(tile_route.tile(model, run, var, fh, z, x, f"{y}@2x", services=services))
            times.append((time.perf_counter() - start) * 1000)
    finally:
        loop.close()
    return times, decoded / len(requests)


def main() -> None:
    storage = LocalStore(load_settings().data_root)
    frames = published_frames(storage)
    if not frames:
        print(f"skipped: no published run under {storage.root} (make demo-data)")
        return
    requests = viewer_tiles(frames)
    print(f"{len(requests)} tile requests (512 px) over {len(frames)} frames under {storage.root}")
    print("  TWF_CACHE_MB   p50 ms   p95 ms   mean ms   requests that decoded a level")
    for budget in BUDGETS_MB:
        times, decoded = replay(budget, requests)
        ordered = sorted(times)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(f"  {budget:12d} {statistics.median(times):8.1f} {p95:8.1f} {statistics.fmean(times):9.1f}   "
              f"{decoded:6.1%}", flush=True)
