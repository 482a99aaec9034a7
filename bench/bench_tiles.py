"""Tile, sample and discovery speed of `twf serve`, side by side with TiTiler serving the same RGBA COG.

One run builds a real frame (HRRR tmp2m f01 from the NOAA samples) with the real builder and publisher,
starts `twf serve` and a TiTiler (`titiler.core` TilerFactory) in separate uvicorn processes (one worker
each), and measures on the same 500 random in-bounds tiles at z3-z10 (bilinear in both):

- p50/p95 latency in-process (our route coroutine vs rio-tiler's tile + PNG render, what TiTiler runs),
- p50/p95 latency over HTTP (sequential, keep-alive, after one warm-up pass),
- throughput with 32 concurrent connections (`wrk`, installed from Debian if missing),
- sample and discovery p50 over HTTP.

Targets (issue 5): tile p50 over HTTP ≤ 10 ms, ≥ 3× TiTiler's throughput, zero errors; sample and
discovery p50 ≤ 3 ms.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.soak import free_port
from bench.soak_viewers import tile_range
from twf.synthetic.samples import samples_root

REPO = Path(__file__).resolve().parents[1]
MODEL, RUN, VAR, FH = "hrrr", "20260129_17z", "tmp2m", 1
GRIB = samples_root() / "hrrr" / RUN / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"
TILES, ZOOMS, SEED = 500, range(3, 11), 20260129
CONNECTIONS, WRK_SECONDS = 32, 10
GDAL_ENV = {"GDAL_CACHEMAX": "256", "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR", "VSI_CACHE": "TRUE"}


def titiler_app():
    """TiTiler's COG endpoints, as its docs set them up (uvicorn --factory bench.bench_tiles:titiler_app)."""
    from fastapi import FastAPI
    from titiler.core.errors import DEFAULT_STATUS_CODES, add_exception_handlers
    from titiler.core.factory import TilerFactory

    app = FastAPI()
    app.include_router(TilerFactory().router, prefix="/cog")
    add_exception_handlers(app, DEFAULT_STATUS_CODES)
    return app


def publish_frame(root: Path) -> Path:
    from twf import store
    from twf.artifacts import RGBA
    from twf.builder.pipeline import build_frame
    from twf.models import get_model
    from twf.publish import RunPlan, publish_frames
    from twf.storage import LocalStore

    storage = LocalStore(root)
    build_frame(MODEL, RUN, VAR, FH, [GRIB], storage, store.staging_var(MODEL, RUN, VAR))
    publish_frames(storage, RunPlan.for_run(get_model(MODEL), RUN, [VAR]), [(VAR, FH)], final=True)
    return storage.path(RGBA.key(store.published_frame(MODEL, RUN, VAR, FH)))


def random_tiles() -> list[tuple[int, int, int]]:
    """Tiles that intersect the canonical extent, zoom uniform over z3-z10."""
    rng = random.Random(SEED)
    tiles = []
    for _ in range(TILES):
        z = rng.choice(ZOOMS)
        x0, x1, y0, y1 = tile_range(z)
        tiles.append((z, rng.randint(x0, x1), rng.randint(y0, y1)))
    return tiles


class ServerUrl(str):
    """A started server's base URL, with its process id (CPU figures read its /proc/PID/stat)."""

    pid: int


@contextmanager
def server(argv: list[str], env: dict[str, str]) -> Iterator[ServerUrl]:
    port = free_port()
    proc = subprocess.Popen([*argv, "--host", "127.0.0.1", "--port", str(port)], cwd=REPO,
                            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = ServerUrl(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/docs", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def p50_p95(samples_ms: list[float]) -> str:
    return f"{statistics.median(samples_ms):.2f} / {statistics.quantiles(samples_ms, n=20)[18]:.2f}"


def timed(calls: list[Callable[[], object]]) -> list[float]:
    out = []
    for call in calls:
        t0 = time.perf_counter()
        call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def http_latency(url: str, paths: list[str], ok: tuple[int, ...] = (200, 204)) -> tuple[list[float], int]:
    with httpx.Client(base_url=url, timeout=30) as client:
        for p in paths:  # warm-up pass: the same work both servers get
            client.get(p)
        errors = 0
        ms = []
        for p in paths:
            t0 = time.perf_counter()
            status = client.get(p).status_code
            ms.append((time.perf_counter() - t0) * 1000)
            errors += status not in ok
    return ms, errors


def ensure_wrk() -> str:
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)
    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return "wrk"


def wrk_throughput(url: str, paths: list[str], workdir: Path) -> tuple[float, int, float]:
    """(requests/s, non-2xx + socket errors, p50 ms) with CONNECTIONS connections cycling over `paths`."""
    script = workdir / f"paths-{abs(hash(url))}.lua"
    listed = ",\n".join(f'"{p}"' for p in paths)
    script.write_text(f"local paths = {{{listed}}}\nlocal i = math.random(#paths)\n"
                      "request = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format('GET', paths[i])\nend\n")
    out = subprocess.run([ensure_wrk(), "-t2", f"-c{CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency", "-s",
                          str(script), url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    return rps, errors, float(p50.group(1)) * scale


def in_process_ours(root: Path, tiles: list[tuple[int, int, int]]) -> list[float]:
    import dataclasses

    from twf.api import tiles as tile_route
    from twf.api.deps import Services
    from twf.config import load_settings

    services = Services(dataclasses.replace(load_settings(), data_root=root))
    loop = asyncio.new_event_loop()

    def call(z: int, x: int, y: int) -> Callable[[], object]:
        return lambda: loop.run_until_complete(
            tile_route.tile(MODEL, RUN, VAR, FH, z, x, str(y), services=services))

    calls = [call(*t) for t in tiles]
    timed(calls)
    return timed(calls)


def in_process_titiler(cog: Path, tiles: list[tuple[int, int, int]]) -> list[float]:
    from rio_tiler.errors import TileOutsideBounds
    from rio_tiler.io import Reader

    def call(z: int, x: int, y: int) -> Callable[[], object]:
        def run() -> object:
            with Reader(str(cog)) as reader:  # TiTiler opens the dataset per request
                try:
                    return reader.tile(x, y, z, resampling_method="bilinear").render(img_format="PNG")
                except TileOutsideBounds:
                    return None
        return run

    calls = [call(*t) for t in tiles]
    timed(calls)
    return timed(calls)


def main() -> None:
    if not GRIB.is_file():
        print(f"skipped: NOAA sample {GRIB} not found")
        return
    for key, value in GDAL_ENV.items():
        os.environ.setdefault(key, value)
    with tempfile.TemporaryDirectory(prefix="bench-tiles-") as tmp:
        work = Path(tmp)
        root = work / "data" / "v3"
        cog = publish_frame(root)
        tiles = random_tiles()
        ours_paths = [f"/tiles/v3/{MODEL}/{RUN}/{VAR}/{FH}/{z}/{x}/{y}.png" for z, x, y in tiles]
        titiler_paths = [f"/cog/tiles/WebMercatorQuad/{z}/{x}/{y}.png?url={cog}&resampling=bilinear"
                         for z, x, y in tiles]
        rows: list[tuple[str, str, str]] = []

        ours_ip, titiler_ip = in_process_ours(root, tiles), in_process_titiler(cog, tiles)
        rows.append(("tile p50 / p95 in-process (ms)", p50_p95(ours_ip),
                     p50_p95(titiler_ip)))

        ours_cmd = [sys.executable, "-m", "twf", "serve", "--data-root", str(root), "--log-level", "warning"]
        titiler_cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.bench_tiles:titiler_app",
                       "--log-level", "warning", "--no-access-log"]
        with server(ours_cmd, GDAL_ENV) as ours_url, server(titiler_cmd, GDAL_ENV) as titiler_url:
            ours_http, ours_err = http_latency(ours_url, ours_paths)
            titiler_http, titiler_err = http_latency(titiler_url, titiler_paths, ok=(200, 204, 404))
            rows.append(("tile p50 / p95 over HTTP (ms)", p50_p95(ours_http),
                         p50_p95(titiler_http)))
            rows.append(("tile errors over HTTP", str(ours_err), str(titiler_err)))
            rng = random.Random(SEED)
            points = [(rng.uniform(30, 47), rng.uniform(-120, -75)) for _ in range(TILES)]
            query = f"/api/v3/sample?model={MODEL}&run={RUN}&var={VAR}&fh={FH}"
            sample_paths = [f"{query}&lat={lat:.4f}&lon={lon:.4f}" for lat, lon in points]
            sample_ms, sample_err = http_latency(ours_url, sample_paths)
            discovery = ["/api/v3/models", f"/api/v3/{MODEL}/runs", f"/api/v3/{MODEL}/latest/vars",
                         f"/api/v3/{MODEL}/{RUN}/{VAR}/frames", "/api/regions"] * (TILES // 5)
            discovery_ms, discovery_err = http_latency(ours_url, discovery)
            rows.append(("sample p50 / p95 over HTTP (ms)", p50_p95(sample_ms), "-"))
            rows.append(("discovery p50 / p95 over HTTP (ms)", p50_p95(discovery_ms), "-"))
            rows.append(("sample + discovery errors", str(sample_err + discovery_err), "-"))
            ours_rps, ours_werr, ours_p50 = wrk_throughput(ours_url, ours_paths, work)
            titiler_rps, titiler_werr, titiler_p50 = wrk_throughput(titiler_url, titiler_paths, work)
            rows.append((f"tiles/s, {CONNECTIONS} connections (wrk {WRK_SECONDS}s)", f"{ours_rps:.0f}",
                         f"{titiler_rps:.0f}"))
            rows.append(("tile p50 under load (ms)", f"{ours_p50:.1f}", f"{titiler_p50:.1f}"))
            rows.append(("errors under load (non-2xx, socket)", str(ours_werr), str(titiler_werr)))
            rows.append(("throughput ratio", f"{ours_rps / titiler_rps:.1f}x", "1.0x"))


    print(f"{TILES} random tiles z{ZOOMS.start}-z{ZOOMS.stop - 1} of {MODEL} {RUN} {VAR} f{FH:03d}, "
          f"bilinear, 256 px; one uvicorn worker per server; {os.cpu_count()} cores")
    print_table(rows, "twf serve", "TiTiler")


def print_table(rows: list[tuple[str, str, str]], ours: str, reference: str) -> None:
    """Figures side by side with their reference, one row each."""
    width = max(len(r[0]) for r in rows)
    print(f"{'':{width}}  {ours:>16}  {reference:>18}")
    for name, value, ref in rows:
        print(f"{name:{width}}  {value:>16}  {ref:>18}")


if __name__ == "__main__":
    main()
