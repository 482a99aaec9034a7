"""A whole HRRR run through the scheduler from a local mirror on 2 worker processes, with the full catalogue
(every HRRR variable and its overlays): frames per minute against the catalogue issue's target (≥ 100), and
peak memory per worker.

The mirror is synthetic GRIB2 on the real HRRR grid (every input of every variable, f00-f18 of a 17z run,
written once into the system temp folder and reused). One `--once`-style pass is timed, worker start-up
included: fetch (local byte ranges) + build + validate + publish of every frame of every variable. For
reference, `bench_builder` gives one frame's in-process build time; two workers on 2 cores can at best
publish twice its inverse per unit of time.

    .venv/bin/python -m bench scheduler
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from twf.models import get_model
from twf.publish import RunPlan
from twf.scheduling.runner import RunContext, run_pass
from twf.scheduling.state import RetryPolicy, RunState
from twf.scheduling.worker import peak_rss_mib
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.mirror import write_mirror

MODEL = get_model("hrrr")
RUN = "20260129_17z"  # a short (f00-f18) cycle
WORKERS = 2
TARGET_FRAMES_PER_MINUTE = 100.0
MIRROR = Path(tempfile.gettempdir()) / "twf-bench-scheduler-mirror"


def _mirror() -> Path:
    hours = MODEL.forecast_hours(parse_run_id(RUN).hour)
    write_mirror(MIRROR, MODEL, parse_run_id(RUN), hours)
    return MIRROR


def _cpu_seconds() -> tuple[float, float]:
    """User + system CPU of this process (the publisher) and of its finished children (the pool's workers,
    once joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    mirror = _mirror()
    print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="twf-bench-scheduler-") as tmp:
        ctx = RunContext(LocalStore(Path(tmp) / "v3"), MODEL, (f"mirror:{mirror}",))
        state = RunState(RunPlan.for_run(MODEL, RUN), RetryPolicy(max_attempts=1))
        started, cpu_before = time.monotonic(), _cpu_seconds()
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("spawn")) as pool:
            stats = run_pass(ctx, state, pool, wait_for_retries=False)
        elapsed, cpu_after = time.monotonic() - started, _cpu_seconds()
    publisher_cpu, workers_cpu = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
    frames = len(stats.published)
    main_peak = peak_rss_mib()
    print(f"{'HRRR ' + RUN + ', all variables, ' + str(WORKERS) + ' workers':<48}{'value':>12}")
    print(f"{'frames planned':<48}{state.total:>12}")
    print(f"{'frames published':<48}{frames:>12}")
    print(f"{'frames failed':<48}{len(stats.failed):>12}")
    print(f"{'wall time (s)':<48}{elapsed:>12.1f}")
    rate = frames / elapsed * 60
    print(f"{'frames per minute':<48}{rate:>12.1f}  target ≥ {TARGET_FRAMES_PER_MINUTE:.0f}: "
          f"{'ok' if rate >= TARGET_FRAMES_PER_MINUTE else 'NOT MET'}")
    # What the machine's load cannot blur: CPU seconds all processes spent per frame, and the rate two idle
    # cores would reach at that cost.
    per_frame = (publisher_cpu + workers_cpu) / max(frames, 1)
    print(f"{'CPU seconds per frame (workers + publisher)':<48}{per_frame:>12.2f}")
    print(f"{'  of which workers (fetch + build)':<48}{workers_cpu / max(frames, 1):>12.2f}")
    print(f"{'  of which publisher (main process)':<48}{publisher_cpu / max(frames, 1):>12.2f}")
    print(f"{'frames per minute on 2 idle cores at that cost':<48}{2 * 60 / per_frame:>12.1f}")
    for n, (pid, peak) in enumerate(sorted(stats.peak_rss_mib.items()), start=1):
        print(f"{f'peak RSS worker {n} (pid {pid}), MiB':<48}{peak:>12.0f}")
    print(f"{'peak RSS main process (publisher), MiB':<48}{main_peak:>12.0f}")
    print(f"{'cpu count':<48}{os.cpu_count():>12}")
    for (var, fh), detail in sorted(stats.failed.items())[:5]:
        print(f"failed {var} f{fh:03d}: {detail}")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
