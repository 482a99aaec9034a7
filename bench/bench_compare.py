"""Difference tiles of `twf serve` beside its ordinary tiles, on the demo runs (`make demo-data`).

- first tile of a difference: a fresh server that has served one ordinary tile of another frame (GDAL is
  loaded, no value raster decoded, no difference built), then one z5 difference tile: the value COGs of A
  and B are read, resampled, subtracted and colourised, and the tile rendered; for 6 change-over-time pairs
  (HRRR tmp2m f(h) − f(h−1)) and one model-minus-model pair at one valid time (HRRR 17z f01 − GFS 12z f006,
  onto the 36 km grid);
- warm difference tiles: 500 random tiles z3-z10 of HRRR tmp2m f01 − f00 after a warm-up pass, side by side
  with the ordinary tiles of f01 over the same tiles.

Targets (issue 13): first difference tile ≤ 150 ms; warm difference tiles within 2x of ordinary tiles.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import httpx

from bench.bench_tiles import http_latency, p50_p95, print_table, random_tiles, server
from twf.config import load_settings

HRRR, GFS = "hrrr/20260129_17z/tmp2m", "gfs/20260129_12z/tmp2m"
FIRST_TILE = (5, 7, 12)  # over Kansas: inside every model's data
WARM_FRAME = "hrrr/20260129_17z/refc/0"  # not part of any pair
PAIRS = [(f"{HRRR}/{h}", f"{HRRR}/{h - 1}") for h in range(1, 7)] + [(f"{HRRR}/1", f"{GFS}/6")]


def first_tiles_ms(data_root: str, a: str, b: str, plain: str) -> tuple[float, float]:
    """(first tile of the difference A − B, first tile of the ordinary frame `plain`) on a fresh server."""
    cmd = [sys.executable, "-m", "twf", "serve", "--data-root", data_root, "--log-level", "warning"]
    z, x, y = FIRST_TILE
    with server(cmd, {}) as url, httpx.Client(base_url=url, timeout=30) as client:
        warm = client.get(f"/tiles/v3/{WARM_FRAME}/{z}/{x}/{y}.png")  # a running server, not a new process
        assert warm.status_code == 200, warm.status_code
        timings = []
        for path in (f"/tiles/v3/diff/{a}/{b}/{z}/{x}/{y}.png", f"/tiles/v3/{plain}/{z}/{x}/{y}.png"):
            t0 = time.perf_counter()
            status = client.get(path).status_code
            timings.append((time.perf_counter() - t0) * 1000)
            assert status == 200, (path, status)
    return timings[0], timings[1]


def main() -> None:
    root = load_settings().data_root
    if not (root / "manifests" / "hrrr" / "20260129_17z.json").is_file():
        print(f"skipped: the demo runs are not in {root} (make demo-data)")
        return
    rows = []
    measured = [first_tiles_ms(str(root), a, b, f"hrrr/20260129_17z/dp2m/{i}")
                for i, (a, b) in enumerate(PAIRS)]
    firsts, plains = [m[0] for m in measured], [m[1] for m in measured]
    rows.append(("first difference tile, 6 hour-to-hour pairs: median / max (ms)",
                 f"{statistics.median(firsts[:6]):.0f} / {max(firsts[:6]):.0f}", "≤ 150"))
    rows.append(("first difference tile, HRRR − GFS onto 36 km (ms)", f"{firsts[6]:.0f}", "≤ 150"))
    rows.append(("first ordinary tile of an undecoded 3 km frame: median (ms)", "-",
                 f"{statistics.median(plains):.0f}"))
    tiles = random_tiles()
    diff_paths = [f"/tiles/v3/diff/{HRRR}/1/{HRRR}/0/{z}/{x}/{y}.png" for z, x, y in tiles]
    plain_paths = [f"/tiles/v3/{HRRR}/1/{z}/{x}/{y}.png" for z, x, y in tiles]
    cmd = [sys.executable, "-m", "twf", "serve", "--data-root", str(root), "--log-level", "warning"]
    with server(cmd, {}) as url:
        plain_ms, plain_err = http_latency(url, plain_paths)
        diff_ms, diff_err = http_latency(url, diff_paths)
    rows.append(("warm tile p50 / p95 over HTTP (ms): difference | ordinary", p50_p95(diff_ms),
                 p50_p95(plain_ms)))
    ratio = sorted(diff_ms)[len(diff_ms) // 2] / sorted(plain_ms)[len(plain_ms) // 2]
    rows.append(("warm p50 ratio difference / ordinary (target ≤ 2x)", f"{ratio:.2f}x", "1.00x"))
    rows.append(("errors", str(diff_err), str(plain_err)))
    print(f"demo runs in {root}; one uvicorn worker; {os.cpu_count()} cores; load average "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print_table(rows, "difference", "ordinary / target")


if __name__ == "__main__":
    main()
