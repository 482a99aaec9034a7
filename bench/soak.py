"""`make soak`: a bounded soak of `twf serve` on the published runs (the demo runs, by default).

Starts `twf serve` on 127.0.0.1 over TWF_DATA_ROOT, then drives it from several concurrent clients for a few
minutes the way viewers do: tiles of random frames at z3–z9 (a few just outside CONUS, answering 204; some
`@2x`), hover samples (some outside the grid), and discovery (models, runs, vars, frames, manifest, regions;
by run id and through `latest`). Every interval it prints the request rate, latency percentiles per kind and
the server's resident memory; at the end, the RSS growth after warm-up. Exits non-zero on any 5xx, any
other unexpected status or any transport error.

    python -m bench.soak [--seconds 180] [--clients 8] [--interval 30] [--data-root DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import socket
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from twf.api.webmercator import ORIGIN_SHIFT_M
from twf.config import load_settings
from twf.grid import CONUS_BOUNDS_3857, CONUS_BOUNDS_4326

HOST = "127.0.0.1"
OK_STATUSES = {200, 204, 304}
KINDS = ("tile", "sample", "discovery")
WEIGHTS = (0.75, 0.15, 0.10)  # a viewer asks for many tiles per hover sample and few discovery answers


@dataclass(frozen=True)
class Frame:
    model: str
    run: str
    var: str
    fh: int
    tile_url: str


@dataclass
class Window:
    """What happened during one reporting interval."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def record(self, kind: str, status: int, seconds: float, what: str) -> None:
        self.latencies[kind].append(seconds * 1000)
        self.statuses[status] += 1
        if status not in OK_STATUSES:
            self.failures.append(f"{status} {what}")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return math.nan


def start_server(data_root: Path, port: int, log: Path) -> subprocess.Popen:
    env = {**os.environ, "TWF_DATA_ROOT": str(data_root)}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "twf", "serve", "--host", HOST, "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"soak: twf serve did not start (log: {log})")


def discover(client: httpx.Client) -> list[Frame]:
    """Every committed frame of every model's LATEST run, as a viewer would find them."""
    frames = []
    for model in client.get("/api/v3/models").json()["models"]:
        run = model["latest_run"]
        if run is None:
            continue
        for var in client.get(f"/api/v3/{model['id']}/{run}/vars").json()["variables"]:
            listed = client.get(f"/api/v3/{model['id']}/{run}/{var['id']}/frames").json()["frames"]
            frames += [Frame(model["id"], run, var["id"], f["fh"], f["tile_url"]) for f in listed]
    return frames


def tile_range(z: int) -> tuple[int, int, int, int]:
    """(x_min, x_max, y_min, y_max) of the tiles covering CONUS at zoom z."""
    left, bottom, right, top = CONUS_BOUNDS_3857
    n = 2**z

    def index(metres: float) -> int:
        return min(n - 1, max(0, int((metres + ORIGIN_SHIFT_M) / (2 * ORIGIN_SHIFT_M) * n)))

    return index(left), index(right), n - 1 - index(top), n - 1 - index(bottom)


def tile_request(frame: Frame, rng: random.Random) -> str:
    """A tile of the frame at z3–z9, one tile ring beyond CONUS included (those answer 204)."""
    z = rng.randint(3, 9)
    x0, x1, y0, y1 = tile_range(z)
    n = 2**z
    x = min(n - 1, max(0, rng.randint(x0 - 1, x1 + 1)))
    y = min(n - 1, max(0, rng.randint(y0 - 1, y1 + 1)))
    suffix = "@2x.png" if rng.random() < 0.2 else ".png"
    return frame.tile_url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}.png", f"{y}{suffix}")


def sample_request(frame: Frame, rng: random.Random) -> str:
    west, south, east, north = CONUS_BOUNDS_4326
    lat = rng.uniform(south - 3, north + 3)
    lon = rng.uniform(west - 3, east + 3)
    run = frame.run if rng.random() < 0.9 else "latest"
    return (f"/api/v3/sample?model={frame.model}&run={run}&var={frame.var}&fh={frame.fh}"
            f"&lat={lat:.4f}&lon={lon:.4f}")


def discovery_request(frame: Frame, rng: random.Random) -> str:
    run = frame.run if rng.random() < 0.5 else "latest"
    return rng.choice([
        "/api/v3/models", f"/api/v3/{frame.model}/runs", f"/api/v3/{frame.model}/{run}/vars",
        f"/api/v3/{frame.model}/{run}/manifest", f"/api/v3/{frame.model}/{run}/{frame.var}/frames",
        "/api/regions",
    ])


REQUESTS = {"tile": tile_request, "sample": sample_request, "discovery": discovery_request}


async def client_loop(url: str, frames: list[Frame], seed: int, until: float, state: dict) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while time.monotonic() < until:
            kind = rng.choices(KINDS, WEIGHTS)[0]
            path = REQUESTS[kind](rng.choice(frames), rng)
            start = time.perf_counter()
            try:
                response = await client.get(path)
                status = response.status_code
            except httpx.HTTPError as exc:
                state["window"].failures.append(f"transport error {type(exc).__name__} {path}")
                state["transport_errors"] += 1
                continue
            state["window"].record(kind, status, time.perf_counter() - start, path)


def report_row(elapsed: float, window: Window, interval: float, rss: float) -> str:
    count = sum(window.statuses.values())
    cells = [f"{elapsed:6.0f}", f"{count:7d}", f"{count / interval:6.0f}"]
    for kind in KINDS:
        values = window.latencies.get(kind, [])
        cells += [f"{percentile(values, 50):6.1f}", f"{percentile(values, 95):6.1f}",
                  f"{percentile(values, 99):6.1f}"]
    fives = sum(n for status, n in window.statuses.items() if status >= 500)
    cells += [f"{window.statuses[204]:5d}", f"{fives:4d}", f"{rss:7.1f}"]
    return " ".join(cells)


HEADER = ("     t  requests  req/s  tile ms p50/p95/p99  sample ms p50/p95/p99  discovery p50/p95/p99"
          "    204  5xx  RSS MiB")


async def soak(url: str, server_pid: int, frames: list[Frame], args: argparse.Namespace) -> int:
    state = {"window": Window(), "transport_errors": 0}
    start = time.monotonic()
    until = start + args.seconds
    tasks = [asyncio.create_task(client_loop(url, frames, args.seed + i, until, state))
             for i in range(args.clients)]
    print(HEADER, flush=True)
    rss_series: list[float] = []
    statuses: Counter = Counter()
    failures: list[str] = []
    all_latencies: dict[str, list[float]] = defaultdict(list)
    while time.monotonic() < until:
        await asyncio.sleep(min(args.interval, max(0.0, until - time.monotonic())))
        window, state["window"] = state["window"], Window()
        rss_series.append(rss_mib(server_pid))
        elapsed = time.monotonic() - start
        print(report_row(elapsed, window, args.interval, rss_series[-1]), flush=True)
        statuses.update(window.statuses)
        failures += window.failures
        for kind, values in window.latencies.items():
            all_latencies[kind] += values
    await asyncio.gather(*tasks)
    statuses.update(state["window"].statuses)  # the requests in flight when the last row was printed
    failures += state["window"].failures
    return summarise(statuses, failures, all_latencies, rss_series, state["transport_errors"], args)


def summarise(statuses: Counter, failures: list[str], latencies: dict[str, list[float]],
              rss_series: list[float], transport_errors: int, args: argparse.Namespace) -> int:
    total = sum(statuses.values())
    print(f"\n{total} requests from {args.clients} clients in {args.seconds:.0f} s "
          f"({total / args.seconds:.0f} req/s); statuses: {dict(sorted(statuses.items()))}")
    for kind in KINDS:
        values = latencies.get(kind, [])
        print(f"  {kind:9s} n={len(values):6d}  p50 {percentile(values, 50):6.1f} ms  "
              f"p95 {percentile(values, 95):6.1f} ms  p99 {percentile(values, 99):6.1f} ms  "
              f"max {max(values, default=math.nan):7.1f} ms")
    warm = rss_series[0] if rss_series else math.nan
    last = rss_series[-1] if rss_series else math.nan
    print(f"  server RSS: {warm:.1f} MiB after the first interval, {last:.1f} MiB at the end "
          f"(growth {last - warm:+.1f} MiB), peak {max(rss_series, default=math.nan):.1f} MiB")
    fives = sum(n for status, n in statuses.items() if status >= 500)
    if failures or transport_errors:
        print(f"FAIL: {fives} server errors (5xx), {len(failures)} unexpected answers "
              f"({transport_errors} transport errors); first: {failures[:5]}")
        return 1
    print("OK: zero 5xx, no unexpected status, no transport error")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="how long the clients run (default 180)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds per report row (default 30)")
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT or ./data/v3)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the first client")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.interval <= 0:
        parser.error("--seconds and --interval must be positive, --clients at least 1")
    data_root = (args.data_root or load_settings().data_root).resolve()
    port = free_port()
    log = data_root.parent / "soak-serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    server = start_server(data_root, port, log)
    try:
        url = f"http://{HOST}:{port}"
        with httpx.Client(base_url=url, timeout=30) as client:
            frames = discover(client)
        if not frames:
            print(f"soak: no published run under {data_root} (build the demo runs: make demo-data)")
            return 2
        runs = sorted({(f.model, f.run) for f in frames})
        print(f"soak: twf serve pid {server.pid} on {url}, {len(frames)} frames of {runs}, "
              f"{args.clients} clients for {args.seconds:.0f} s (load average {os.getloadavg()[0]:.1f})")
        return asyncio.run(soak(url, server.pid, frames, args))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
