"""`make soak`: a crowd on the API while a new run is published, with faults nowhere but load everywhere.

    python -m bench.soak [--seconds 300] [--clients 64] [--server-workers 2] [--build-workers 2]
                         [--hours 0-12] [--hour-seconds 20] [--vars LIST|all] [--scheduler-nice N]

1. The demo runs (`make demo-data`) are the published state a new run arrives into (hard-linked into a fresh
   data root under `data/soak/`), and a new HRRR run (`LIVE_RUN`, synthetic, written once into the demo
   mirror) is the run that arrives: `bench.soak_publish.Drip` makes its hours appear in an empty mirror one
   every `--hour-seconds`, `.idx` last.
2. The server runs with `--server-workers` uvicorn worker processes on 127.0.0.1; `twf scheduler` follows the
   dripping mirror with `--build-workers` build processes, at the priority production gives it against the
   server (`Nice=` of `deployment/systemd/twf-v3-scheduler@.service`).
3. `--clients` viewers (`bench.soak_viewers`) use the API for `--seconds`, following `latest` as it moves.
4. Afterwards the same run is published again without load from the same (now complete) mirror, and both
   are compared frame by frame.

Pass: zero 5xx, zero unexpected statuses and transport errors, no 404 for a listed frame, every server
worker's RSS under `--rss-limit-mib`, the whole run published and byte-identical to the unloaded publish.
Reported: p50/p95/p99 per route (and of the requests that had to open a connection), RSS per worker over
time, CPU seconds of each part, publish latency p50/p95 (target p95 ≤ 30 s) and where it went per frame
(`bench.soak_publish.PHASES`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.soak_publish import (
    Drip,
    ListingMonitor,
    compare_runs,
    publish_unloaded,
    start_scheduler,
    timelines,
    unit_nice,
)
from bench.soak_tally import ROUTES, Tally, percentile
from bench.soak_viewers import crowd
from twf import store
from twf.api.server import KEEP_ALIVE_S
from twf.config import load_settings
from twf.hours import parse_hours
from twf.manifest import read_manifest
from twf.models import get_model
from twf.publish import RunPlan
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.mirror import write_mirror

HOST = "127.0.0.1"
LIVE_MODEL = "hrrr"
LIVE_RUN = "20260129_18z"  # one cycle after the demo's HRRR run, so `latest` moves to it
LATENCY_TARGET_P95_S = 30.0
# The live run's variables: the ten HRRR fields the soak's targets were set on and runs A-D measured. The
# model now has 36 (`--vars all`): 3.6 times the build work per hour, which two build workers sharing two
# cores with the server cannot do in the soak's 20 s an hour (HRRR itself posts an hour every 1-2 minutes).
LIVE_VARIABLES = ("tmp2m", "dp2m", "tmp850", "wspd10m", "wgst10m", "refc", "precip_total", "snowfall_total",
                  "mslp", "radar_ptype")


@dataclass(frozen=True)
class SoakConfig:
    work: Path  # everything the soak writes (recreated)
    source_mirror: Path  # holds (or receives) the complete live run
    base_root: Path | None = None  # published runs already being served when the soak starts
    seconds: float = 300.0
    clients: int = 64
    # One per core of the 2-core machine this runs on: each worker decodes into its own caches, so a third
    # only decodes the same levels again for the viewports whose connections it happens to serve.
    server_workers: int = 2
    build_workers: int = 2
    hours: tuple[int, ...] = tuple(range(13))
    # HRRR posts an hour every one to two minutes; 20 s is faster than that, and slower than two build
    # workers build an hour's ten frames (~9 s unloaded), so the queue does not grow without bound.
    hour_seconds: float = 20.0
    variables: tuple[str, ...] | None = LIVE_VARIABLES  # None: every variable of the model
    interval: float = 30.0
    rss_limit_mib: float = 1024.0
    run: str = LIVE_RUN
    seed: int = 1
    # The scheduler's priority against the server's (0): production's, from its systemd unit.
    scheduler_nice: int = dataclasses.field(default_factory=unit_nice)


@dataclass
class CpuUse:
    """CPU seconds each part of the soak used while the crowd ran, to see who had the two cores."""

    wall: float = 0.0
    server: float = 0.0  # the server's worker processes
    builders: float = 0.0  # the scheduler and its build workers
    clients: float = 0.0  # this process: the crowd and the listing monitor

    def line(self) -> str:
        parts = {"server workers": self.server, "scheduler + build workers": self.builders,
                 "clients": self.clients}
        return (f"  CPU over {self.wall:.0f} s of crowd: " + ", ".join(
            f"{name} {seconds:.0f} s ({seconds / max(self.wall, 1e-9):.2f} cores)"
            for name, seconds in parts.items()))


class CpuMeter:
    """`CpuUse` between `start` and `stop`: sums of each part's live processes (workers persist all run)."""

    def __init__(self, server: int, scheduler: int) -> None:
        self.server, self.scheduler = server, scheduler

    def sample(self) -> CpuUse:
        def total(pids: list[int]) -> float:
            return sum(cpu_seconds(pid) for pid in pids)

        return CpuUse(time.monotonic(), total(workers_of(self.server)),
                      total([self.scheduler, *workers_of(self.scheduler)]), time.process_time())

    @staticmethod
    def between(start: CpuUse, end: CpuUse) -> CpuUse:
        return CpuUse(*(b - a for a, b in zip(dataclasses.astuple(start), dataclasses.astuple(end),
                                               strict=True)))


@dataclass
class SoakResult:
    tally: Tally
    rss: dict[int, list[float]]  # worker pid → RSS samples (MiB), one per interval
    latencies: list[float]
    planned_frames: int
    published_frames: int
    differences: list[str]
    failures: list[str]
    cpu: CpuUse = dataclasses.field(default_factory=CpuUse)
    phases: dict[str, list[float]] = dataclasses.field(default_factory=dict)  # `soak_publish.PHASES`

    @property
    def passed(self) -> bool:
        return not self.failures


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return math.nan


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a live process has used so far (nan once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return math.nan
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_of(pid: int) -> list[int]:
    """The server's worker processes: the uvicorn supervisor's spawned children (not its resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            spawned = parent == pid and b"spawn_main" in (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if spawned:
            found.append(int(stat.parent.name))
    return sorted(found)


def start_server(data_root: Path, port: int, workers: int, log: Path, **env: str) -> subprocess.Popen:
    """`workers` > 1: a supervisor and its worker processes; 1: one process that serves."""
    env = {**os.environ, "TWF_DATA_ROOT": str(data_root), "TWF_WEB_DIST": str(log.parent / "no-viewer"),
           **env}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "twf.api.server:app_from_env", "--host", HOST,
             "--port", str(port), "--workers", str(workers), "--timeout-keep-alive", str(KEEP_ALIVE_S),
             "--no-access-log", "--log-level", "warning"],
            stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=2).status_code == 200 \
                    and (workers == 1 or len(workers_of(proc.pid)) >= workers):
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"soak: the server did not start (log: {log})")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, then after a minute SIGKILL of its process group (the scheduler's build workers with it)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.kill()
            proc.wait()


def prepare(config: SoakConfig) -> tuple[Path, Path, Path]:
    """(data root, drip mirror, reference data root), fresh; the live run complete in the source mirror."""
    write_mirror(config.source_mirror, get_model(LIVE_MODEL), parse_run_id(config.run), config.hours)
    shutil.rmtree(config.work, ignore_errors=True)
    root, drip, reference = config.work / "v3", config.work / "mirror", config.work / "reference" / "v3"
    if config.base_root is not None and config.base_root.is_dir():
        shutil.copytree(config.base_root, root, copy_function=os.link)  # publish never rewrites a file
    for folder in (root, drip, reference):
        folder.mkdir(parents=True, exist_ok=True)
    return root, drip, reference


async def drive(config: SoakConfig, url: str, server: subprocess.Popen, monitor: ListingMonitor,
                planned: int, meter: CpuMeter) -> tuple[Tally, dict[int, list[float]], CpuUse]:
    tally = Tally()
    rss: dict[int, list[float]] = {}
    cpu_start = meter.sample()
    done = asyncio.Event()
    until = time.monotonic() + config.seconds
    clients = asyncio.create_task(
        crowd(url, config.clients, config.seconds, config.seed, tally))
    watcher = asyncio.create_task(monitor.watch(until + 120, done))
    print(HEADER, flush=True)
    started, last, previous = time.monotonic(), 0, time.monotonic()
    while not clients.done():
        await asyncio.wait({clients}, timeout=config.interval)
        for pid in workers_of(server.pid):
            rss.setdefault(pid, []).append(rss_mib(pid))
        now = time.monotonic()
        rate = (tally.requests - last) / max(now - previous, 1e-9)
        workers = " ".join(f"{samples[-1]:6.0f}" for samples in rss.values())
        print(f"{now - started:6.0f} {tally.requests:9d} {rate:6.0f} {tally.server_errors:5d} "
              f"{len(monitor.listed_at):7d}/{planned:<5d}  {workers}", flush=True)
        last, previous = tally.requests, now
    clients.result()  # a crowd that crashed is a broken soak, not a quiet one
    cpu = CpuMeter.between(cpu_start, meter.sample())
    deadline = time.monotonic() + 120  # the crowd is gone: give the last hours time to publish
    while len(monitor.listed_at) < planned and time.monotonic() < deadline:
        await asyncio.sleep(1)
    done.set()
    await watcher
    return tally, rss, cpu


HEADER = "     t  requests  req/s   5xx  frames listed  RSS MiB per server worker"


def run_soak(config: SoakConfig) -> SoakResult:
    root, drip_mirror, reference = prepare(config)
    logs = config.work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    plan = RunPlan.for_run(get_model(LIVE_MODEL), config.run, config.variables)
    planned = [f for f in plan.frames() if f[1] in config.hours]
    port = free_port()
    url = f"http://{HOST}:{port}"
    server = start_server(root, port, config.server_workers, logs / "serve.log")
    scheduler = drip = None
    try:
        variables = list(config.variables) if config.variables else None
        scheduler = start_scheduler(root, drip_mirror, LIVE_MODEL, config.build_workers, variables,
                                    logs / "scheduler.log", config.scheduler_nice)
        drip = Drip(config.source_mirror, drip_mirror, LIVE_MODEL, config.run, list(config.hours),
                    config.hour_seconds)
        monitor = ListingMonitor(url, LIVE_MODEL, config.run)
        print(f"soak: {config.server_workers} server workers on {url}, {config.clients} clients for "
              f"{config.seconds:.0f} s; {LIVE_MODEL} {config.run}: {len(planned)} frames, one hour every "
              f"{config.hour_seconds:.0f} s, {config.build_workers} build workers at nice "
              f"{os.getpriority(os.PRIO_PROCESS, scheduler.pid)} (load average {os.getloadavg()[0]:.1f})",
              flush=True)
        drip.start()
        tally, rss, cpu = asyncio.run(drive(config, url, server, monitor, len(planned),
                                            CpuMeter(server.pid, scheduler.pid)))
    finally:
        if drip is not None:
            drip.stop.set()
        if scheduler is not None:
            stop(scheduler)
        stop(server)
    variables = list(config.variables) if config.variables else None
    publish_unloaded(reference, drip_mirror, LIVE_MODEL, config.run, config.build_workers,
                     variables, logs / "reference.log")
    storage = LocalStore(root)
    published = len(list(read_manifest(storage, LIVE_MODEL, config.run).frames())) \
        if storage.head(store.manifest(LIVE_MODEL, config.run)) is not None else 0
    differences = compare_runs(storage, LocalStore(reference), LIVE_MODEL, config.run) if published else []
    result = SoakResult(tally, rss, monitor.latencies(drip.idx_at), len(planned), published, differences, [],
                        cpu, timelines(logs / "scheduler.log", drip.idx_at, monitor.listed_at))
    result.failures = judge(config, result)
    return result


def judge(config: SoakConfig, result: SoakResult) -> list[str]:
    tally, failures = result.tally, []
    if tally.server_errors or tally.failures or tally.transport_errors:
        failures.append(f"{tally.server_errors} 5xx, {len(tally.failures)} unexpected answers "
                        f"({tally.transport_errors} transport errors, {tally.lost_frames} listed frames "
                        f"answered 404); first: {tally.failures[:5]}")
    over = {pid: max(samples) for pid, samples in result.rss.items() if max(samples) > config.rss_limit_mib}
    if over:
        failures.append(f"server workers over {config.rss_limit_mib:.0f} MiB RSS: {over}")
    if result.published_frames < result.planned_frames:
        failures.append(f"only {result.published_frames}/{result.planned_frames} frames of {config.run} "
                        "published")
    if result.differences:
        failures.append(f"the run published under load differs: {result.differences[:5]}")
    return failures


def summary(config: SoakConfig, result: SoakResult) -> str:
    tally = result.tally
    lines = [f"\n{tally.requests} requests from {config.clients} clients in {config.seconds:.0f} s "
             f"({tally.requests / config.seconds:.0f} req/s); "
             f"statuses {dict(sorted(tally.statuses.items()))}"]
    for route in ROUTES:
        values = tally.latencies.get(route, [])
        fresh = tally.connecting.get(route, [])
        lines.append(f"  {route:12s} n={len(values):7d}  p50 {percentile(values, 50):8.1f} ms  "
                     f"p95 {percentile(values, 95):8.1f} ms  p99 {percentile(values, 99):8.1f} ms  "
                     f"(on a new connection: n={len(fresh)}, p50 {percentile(fresh, 50):.1f} ms)")
    ticks = tally.advances + tally.stalls
    lines.append(f"  playback: {tally.advances} frames shown, {tally.stalls} stalled ticks "
                 f"({tally.stalls / max(ticks, 1):.1%} of ticks waited for a frame to load)")
    for pid, samples in result.rss.items():
        warm = samples[1] if len(samples) > 1 else samples[0]
        lines.append(f"  server worker {pid}: RSS {samples[0]:.0f} MiB at the first row, {warm:.0f} after "
                     f"warm-up, {samples[-1]:.0f} at the end, peak {max(samples):.0f} MiB")
    lines.append(result.cpu.line())
    runs = ", ".join(f"{m} {r} ({n} loops)" for (m, r), n in sorted(tally.runs_followed.items()))
    lines.append(f"  runs the clients followed: {runs}")
    lat = result.latencies
    lines.append(f"  publish latency (.idx appears → frame listed), {len(lat)} frames: p50 "
                 f"{percentile(lat, 50):.1f} s, p95 {percentile(lat, 95):.1f} s, "
                 f"max {max(lat, default=math.nan):.1f} s "
                 f"(target p95 ≤ {LATENCY_TARGET_P95_S:.0f} s)")
    for phase, seconds in result.phases.items():
        lines.append(f"    {phase:45s} p50 {percentile(seconds, 50):6.1f} s  "
                     f"p95 {percentile(seconds, 95):6.1f} s")
    lines.append(f"  {config.run}: {result.published_frames}/{result.planned_frames} frames published; "
                 f"byte-identical to the unloaded publish: {'yes' if not result.differences else 'NO'}")
    lines.append("OK: " + "all criteria met" if result.passed else "FAIL: " + "; ".join(result.failures))
    return "\n".join(lines)


def live_variables(option: str | None) -> tuple[str, ...] | None:
    """`--vars`: a comma-separated list, `all` (None: every variable of the model), or the soak's ten."""
    if option == "all":
        return None
    return tuple(option.split(",")) if option else LIVE_VARIABLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    defaults = SoakConfig(Path("."), Path("."))
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--clients", type=int, default=defaults.clients)
    parser.add_argument("--server-workers", type=int, default=defaults.server_workers)
    parser.add_argument("--build-workers", type=int, default=defaults.build_workers)
    parser.add_argument("--hours", default="0-12", help="forecast hours of the live run (default 0-12)")
    parser.add_argument("--hour-seconds", type=float, default=defaults.hour_seconds,
                        help="seconds between two hours arriving in the mirror")
    parser.add_argument("--vars", help="comma-separated variables of the live run, or all (default: "
                                       f"{','.join(LIVE_VARIABLES)})")
    parser.add_argument("--scheduler-nice", type=int, default=defaults.scheduler_nice,
                        help="the scheduler's priority (default: its systemd unit's Nice=, "
                             f"{defaults.scheduler_nice}; the server runs at 0)")
    parser.add_argument("--interval", type=float, default=defaults.interval, help="seconds per report row")
    parser.add_argument("--rss-limit-mib", type=float, default=defaults.rss_limit_mib)
    parser.add_argument("--data-root", type=Path, help="published runs to start from (default TWF_DATA_ROOT)")
    parser.add_argument("--mirror", type=Path, default=Path("data/demo-mirror"),
                        help="mirror that holds (or receives) the live run (default data/demo-mirror)")
    parser.add_argument("--work", type=Path, default=Path("data/soak"), help="work folder (recreated)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.server_workers < 1 or args.build_workers < 1:
        parser.error("--seconds must be positive, --clients and the worker counts at least 1")
    config = dataclasses.replace(
        defaults, work=args.work.resolve(), source_mirror=args.mirror.resolve(),
        base_root=(args.data_root or load_settings().data_root).resolve(), seconds=args.seconds,
        clients=args.clients, server_workers=args.server_workers, build_workers=args.build_workers,
        hours=tuple(parse_hours(args.hours)), hour_seconds=args.hour_seconds,
        variables=live_variables(args.vars),
        interval=args.interval, rss_limit_mib=args.rss_limit_mib, scheduler_nice=args.scheduler_nice)
    result = run_soak(config)
    print(summary(config, result), flush=True)
    return 0 if result.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
