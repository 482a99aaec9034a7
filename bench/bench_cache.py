"""What tiles cost a server that starts cold under a crowd of viewers, per cache budget (TWF_CACHE_MB).

Replays one seeded sequence of tile requests the way the viewers of `make soak` ask for them (each visit
animates one dataset over one region's view: every frame of the run, 3×3 512 px tiles each, fetched once as a
browser caches them; eight visits at a time, their requests interleaved) against a fresh `twf serve` process
(one worker) on the published runs under TWF_DATA_ROOT (the demo runs), once per budget. Reported per budget:
p50/p95/mean latency of a tile over HTTP (one request at a time) and the CPU seconds the server spent on the
whole sequence. Reference: 1707 MiB, whose RGBA share (60 %, `twf.api.deps`) is the 1 GiB of RGBA fixed in
code before TWF_CACHE_MB.

    python -m bench cache
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.soak import HOST, cpu_seconds, free_port, start_server
from bench.soak_viewers import MODEL_WEIGHTS, VAR_WEIGHTS, frame_tiles, region_camera, weighted
from twf.api.regions import load_regions
from twf.config import DEFAULT_CACHE_MB, load_settings
from twf.manifest import list_runs, read_manifest
from twf.models import REGISTRY
from twf.storage import LocalStore, ObjectStore

BUDGETS_MB = (DEFAULT_CACHE_MB, 1707)
VISITS, AT_ONCE, SEED = 48, 8, 15


def datasets(storage: ObjectStore) -> dict[tuple[str, str, str], list[int]]:
    """(model, run, var) → its published forecast hours."""
    found: dict[tuple[str, str, str], list[int]] = {}
    for model in REGISTRY:
        for run in list_runs(storage, model):
            for var, fh in read_manifest(storage, model, run).frames():
                found.setdefault((model, run, var), []).append(fh)
    return {key: sorted(hours) for key, hours in found.items()}


def crowd_tiles(published: dict[tuple[str, str, str], list[int]]) -> list[str]:
    """Tile paths in the order a crowd of viewers asks for them."""
    rng = random.Random(SEED)
    regions = [r.model_dump() for r in load_regions().regions]
    names = sorted(published)
    visits = []
    for _ in range(VISITS):
        model = weighted(rng, sorted({n[0] for n in names}), MODEL_WEIGHTS)
        candidates = [n for n in names if n[0] == model]
        model, run, var = rng.choices(candidates, [VAR_WEIGHTS.get(n[2], 1) for n in candidates])[0]
        camera = region_camera(rng.choice(regions), rng)
        template = f"/tiles/v3/{model}/{run}/{var}/{{fh}}/{{z}}/{{x}}/{{y}}.png"
        visits.append([tile for fh in published[(model, run, var)]
                       for tile in frame_tiles(template.replace("{fh}", str(fh)), camera)])
    order = []
    for start in range(0, VISITS, AT_ONCE):
        group = visits[start:start + AT_ONCE]
        for i in range(max(len(v) for v in group)):
            order += [visit[i] for visit in group if i < len(visit)]
    return order


def replay(root: Path, budget_mb: int, tiles: list[str]) -> tuple[list[float], float]:
    """Latencies (ms) of the tiles and the server's CPU seconds for them, on a fresh single-worker server."""
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        server = start_server(root, port, 1, Path(work) / "serve.log", TWF_CACHE_MB=str(budget_mb))
        try:
            before, times = cpu_seconds(server.pid), []
            with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=60) as client:
                for path in tiles:
                    start = time.perf_counter()
                    status = client.get(path).status_code
                    times.append((time.perf_counter() - start) * 1000)
                    if status not in (200, 204):
                        raise SystemExit(f"bench_cache: {status} for {path}")
            return times, cpu_seconds(server.pid) - before
        finally:
            server.terminate()
            server.wait()


def main() -> None:
    root = load_settings().data_root
    published = datasets(LocalStore(root))
    if not published:
        print(f"skipped: no published run under {root} (make demo-data)")
        return
    tiles = crowd_tiles(published)
    print(f"{len(tiles)} tile requests (512 px) of {VISITS} viewer visits over {len(published)} datasets "
          f"under {root}; load average {os.getloadavg()[0]:.1f}")
    print("  TWF_CACHE_MB   p50 ms   p95 ms   mean ms   server CPU s")
    for budget in BUDGETS_MB:
        times, cpu = replay(root, budget, tiles)
        p95 = sorted(times)[int(0.95 * (len(times) - 1))]
        print(f"  {budget:12d} {statistics.median(times):8.1f} {p95:8.1f} {statistics.fmean(times):9.1f} "
              f"{cpu:14.1f}   (load average {os.getloadavg()[0]:.1f})", flush=True)
