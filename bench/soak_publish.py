"""The live publish of `make soak`: a new HRRR run whose hours arrive in a local mirror over time, the
scheduler that publishes it, the per-frame publish latency, and the check that load changed no byte.

- `Drip` copies a complete run from a source mirror into an initially empty one, hour by hour (the GRIB2
  file first, its `.idx` last, each by an atomic rename, as a bucket makes an object appear) and notes when
  each hour's `.idx` appeared.
- `ListingMonitor` polls the run's manifest through the API and notes when each frame is first listed;
  publish latency = listed − that hour's `.idx` time.
- `compare_runs` checks, frame by frame, that the run published under load is the run published without
  it: the same frames, byte-identical rasters and isotherms, sidecars equal but for when and in which pieces
  the inputs were fetched (`comparable`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import httpx

from twf import store
from twf.artifacts import SIDECAR, frame_objects
from twf.demo.marker import marker_path
from twf.manifest import read_manifest
from twf.models import get_model, get_variable
from twf.sidecar import Sidecar
from twf.storage import ObjectStore
from twf.store import parse_run_id
from twf.synthetic.inventory import idx_path
from twf.synthetic.mirror import forecast_file_path


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.part")
    shutil.copyfile(source, temp)
    os.replace(temp, target)


class Drip(threading.Thread):
    """Makes one hour of `run` appear in `target` every `every_s` seconds, `.idx` last."""

    def __init__(self, source: Path, target: Path, model: str, run: str, hours: list[int],
                 every_s: float) -> None:
        super().__init__(daemon=True, name="drip")
        self.source, self.target, self.hours, self.every_s = source, target, hours, every_s
        self.model, self.ref_time = get_model(model), parse_run_id(run)
        self.idx_at: dict[int, float] = {}  # hour → time.time() its `.idx` appeared (the log clock)
        self.stop = threading.Event()
        if marker_path(source).is_file():  # a demo mirror stays one: the run is published marked demo
            _copy_atomically(marker_path(source), marker_path(target))

    def run(self) -> None:
        for fh in self.hours:
            if self.stop.is_set():
                return
            grib = forecast_file_path(self.source, self.model, self.ref_time, fh)
            dest = forecast_file_path(self.target, self.model, self.ref_time, fh)
            _copy_atomically(grib, dest)
            _copy_atomically(idx_path(grib), idx_path(dest))
            self.idx_at[fh] = time.time()
            self.stop.wait(self.every_s)


@dataclass
class ListingMonitor:
    """When each frame of `run` is first listed by the API (its manifest), polled every `every_s`."""

    url: str
    model: str
    run: str
    every_s: float = 0.5
    listed_at: dict[tuple[str, int], float] = field(default_factory=dict)  # frame → time.time() first listed

    async def watch(self, until: float, done: asyncio.Event) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as client:
            while time.monotonic() < until and not done.is_set():
                try:
                    answer = await client.get(f"/api/v3/{self.model}/{self.run}/manifest")
                except httpx.HTTPError:  # a slow answer under load: the crowd's tally judges the server
                    continue
                now = time.time()
                if answer.status_code == 200:
                    for var, entry in answer.json()["variables"].items():
                        for frame in entry["frames"]:
                            self.listed_at.setdefault((var, frame["fh"]), now)
                await asyncio.sleep(self.every_s)

    def latencies(self, idx_at: dict[int, float]) -> list[float]:
        """Seconds from each listed frame's `.idx` appearing to the frame being listed."""
        return [listed - idx_at[fh] for (_, fh), listed in self.listed_at.items() if fh in idx_at]


# Where a frame's publish latency went, in order: `.idx` appears → the scheduler submits the hour's tasks →
# a worker takes the task up → the frame's build starts (after the task's fetch and earlier frames) → built
# → the task's other frames built → committed (the publish transaction) → listed by the API to a client.
PHASES = ("noticing the hour", "waiting for a worker", "behind the task's fetch and earlier frames",
          "building", "waiting for the task's other frames", "publishing", "committed to listed")
_PUBLISHED = re.compile(
    r"^(?P<at>\S+ \S+) INFO \S+ \S+ (?P<var>\S+) fh(?P<fh>\d+) published \((?P<build>[\d.]+) s; "
    r"(?P<queued>-?[\d.]+) s waiting for a worker, (?P<behind>-?[\d.]+) s behind its task's fetch and other "
    r"frames, (?P<others>-?[\d.]+) s for the task's other frames, (?P<publish>[\d.]+) s publishing\)")


def timelines(scheduler_log: Path, idx_at: dict[int, float],
              listed_at: dict[tuple[str, int], float]) -> dict[str, list[float]]:
    """Seconds each frame (listed and logged as published) spent in each of `PHASES`, from the scheduler's
    log lines (time.time() clock: its timestamps, the drip's and the monitor's)."""
    phases: dict[str, list[float]] = {name: [] for name in PHASES}
    for line in scheduler_log.read_text(errors="replace").splitlines():
        match = _PUBLISHED.match(line)
        if match is None:
            continue
        frame = (match["var"], int(match["fh"]))
        if frame[1] not in idx_at or frame not in listed_at:
            continue
        committed = datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f").timestamp()
        parts = [float(match[k]) for k in ("queued", "behind", "build", "others", "publish")]
        submitted = committed - sum(parts)
        for name, seconds in zip(PHASES, [submitted - idx_at[frame[1]], *parts,
                                          listed_at[frame] - committed], strict=True):
            phases[name].append(seconds)
    return phases


SCHEDULER_UNIT = Path(__file__).resolve().parents[1] / "deployment" / "systemd" / "twf-v3-scheduler@.service"


def unit_nice(unit: Path = SCHEDULER_UNIT) -> int:
    """The `Nice=` a systemd unit runs its processes at (0 when it sets none)."""
    for line in unit.read_text().splitlines():
        if line.startswith("Nice="):
            return int(line.removeprefix("Nice="))
    return 0


def _at_priority(nice: int) -> Callable[[], None]:
    """Set in the child before exec; its build workers inherit it. A user who may not raise a priority
    (not root, no CAP_SYS_NICE) keeps the default, as the soak's summary shows."""
    def apply() -> None:
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, 0, nice)
    return apply


def start_scheduler(data_root: Path, mirror: Path, model: str, workers: int, variables: list[str] | None,
                    log: Path, nice: int = 0) -> subprocess.Popen:
    """`nice`: the priority it runs at (`unit_nice()`: production's, as `make soak` runs it)."""
    command = [sys.executable, "-m", "twf", "scheduler", "--model", model, "--source", f"mirror:{mirror}",
               "--workers", str(workers), "--data-root", str(data_root), "--poll-seconds", "1"]
    if variables:
        command += ["--vars", ",".join(variables)]
    with log.open("ab") as out:  # its own process group: stopping it stops its build workers too
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                preexec_fn=_at_priority(nice))


def publish_unloaded(data_root: Path, mirror: Path, model: str, run: str, workers: int,
                     variables: list[str] | None, log: Path) -> None:
    """The reference: the same run from the complete mirror, one `--once` pass, nothing else running."""
    command = [sys.executable, "-m", "twf", "scheduler", "--model", model, "--once", "--run", run,
               "--source", f"mirror:{mirror}", "--workers", str(workers), "--data-root", str(data_root)]
    if variables:
        command += ["--vars", ",".join(variables)]
    with log.open("ab") as out:
        subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, check=True)


def comparable(sidecar: Sidecar) -> Sidecar:
    """A sidecar without what says when and in which pieces its inputs were fetched: the build time, and the
    variable tag of each subset file (`hrrr.t17z.wrfsfcf01.refc-tmp2m.grib2` when an hour's variables were
    fetched together, `….refc.grib2` when a failed shared fetch was retried per variable)."""
    source = tuple({**entry, "file": entry["file"].rsplit(".", 2)[0]} for entry in sidecar.source)
    return replace(sidecar, built_at="", source=source)


def compare_runs(loaded: ObjectStore, reference: ObjectStore, model: str, run: str) -> list[str]:
    """Differences between the run as published under load and without it (empty: identical): every object of
    every frame byte for byte, the sidecars but for when and in which pieces the inputs were fetched."""
    ours, theirs = (set(read_manifest(s, model, run).frames()) for s in (loaded, reference))
    differences = [f"frames differ: {sorted(ours ^ theirs)}"] if ours != theirs else []
    return differences + compare_frames(loaded, reference, model, run, ours & theirs)


def compare_frames(loaded: ObjectStore, reference: ObjectStore, model: str, run: str,
                   frames: Iterable[tuple[str, int]]) -> list[str]:
    """Differences between the published objects of these frames in two stores, byte for byte (the sidecars
    but for when and in which pieces the inputs were fetched: `comparable`)."""
    differences = []
    spec = get_model(model)
    for var, fh in sorted(frames):
        frame = store.published_frame(model, run, var, fh)
        for key in frame_objects(frame, get_variable(spec, var)):
            mine, other = loaded.get(key), reference.get(key)
            if key == SIDECAR.key(frame):
                mine, other = (comparable(Sidecar.loads(data)) for data in (mine, other))
            if mine != other:
                differences.append(f"{var} f{fh:03d} {key.rsplit('/', 1)[1]} differs")
    return differences
