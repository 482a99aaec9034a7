"""One task of a worker process: fetch one forecast hour's messages, build each variable's frame into staging.

Tasks are plain, picklable data so they cross into a local pool's worker processes or a Dask cluster's
workers (`twf.scheduling.executors`); a worker never writes `published/` or a manifest (only the scheduler
process publishes). Any failure becomes a per-frame outcome: a corrupt file or a missing message fails those
frames, never the worker or the pass.

A task is idempotent, since Dask runs one again when its worker dies, even after the scheduler already took
its result: each attempt fetches and builds in folders of its own (`twf.scratch`), a build writes the same
staging objects again (whole objects, replaced, never added beside), frames the run's manifest already lists
are not built again, and the publisher commits a frame at most once (`publish_frames` skips listed ones).
"""

from __future__ import annotations

import os
import resource
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from twf import store
from twf.builder.pipeline import build_frame
from twf.errors import TWFError
from twf.fetch.cache import DownloadCache
from twf.fetch.frame import fetch_frame_files
from twf.fetch.sources import chosen_sources
from twf.manifest import load_manifest
from twf.models import get_model
from twf.scratch import attempt_dir
from twf.storage import ObjectStore, open_store
from twf.store import parse_run_id


@dataclass(frozen=True)
class FrameTask:
    storage_url: str  # the store's location (`ObjectStore.url`), opened again in the worker
    model: str
    run: str
    fh: int
    variables: tuple[str, ...]
    sources: tuple[str, ...]  # as given on the command line (`mirror:PATH`, `aws`, ...); () = by run age
    cache_dir: str | None = None
    submitted_at: float = 0.0  # time.time() when the scheduler handed it to the pool (its queueing delay)


@dataclass(frozen=True)
class FrameOutcome:
    var: str
    fh: int
    ok: bool
    detail: str  # the error message when not ok
    seconds: float
    permanent: bool = False  # a failure waiting cannot cure (`TWFError.permanent`): not retried
    finished_at: float = 0.0  # time.time() its build ended (its commit waits for the task's other frames)


@dataclass(frozen=True)
class TaskResult:
    fh: int
    outcomes: tuple[FrameOutcome, ...]
    worker_pid: int
    peak_rss_mib: float  # this worker process's peak resident memory so far
    started_at: float = 0.0  # time.time() when a worker took the task up
    queued_s: float = 0.0  # from the scheduler submitting the task to a worker taking it up


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _failure(var: str, fh: int, exc: BaseException, seconds: float) -> FrameOutcome:
    permanent = isinstance(exc, TWFError) and exc.permanent
    return FrameOutcome(var, fh, False, _describe(exc), seconds, permanent)


def _fetch(task: FrameTask, variables: tuple[str, ...], out_dir: Path) -> list[Path]:
    model = get_model(task.model)
    sources = chosen_sources(model, task.sources, parse_run_id(task.run))
    cache = DownloadCache(Path(task.cache_dir)) if task.cache_dir else None
    files = fetch_frame_files(model, task.run, task.fh, variables, out_dir, sources, cache=cache)
    return [f.path for f in files.values()]


def _build_one(task: FrameTask, storage: ObjectStore, var: str, gribs: list[Path]) -> None:
    """Build into staging. The builder places whole new objects, so a staged name that is still a hard link to
    a published file (see `twf.atomic.place_file`) is replaced, never written through."""
    prefix = store.staging_var(task.model, task.run, var)
    build_frame(task.model, task.run, var, task.fh, gribs, storage, prefix)


def _committed(storage: ObjectStore, task: FrameTask) -> set[str]:
    """The task's variables whose frame the run's manifest already lists (a repeated task's, or a racing
    scheduler's): nothing to build."""
    loaded = load_manifest(storage, task.model, task.run)
    return {v for v in task.variables if loaded is not None and loaded[0].has_frame(v, task.fh)}


def run_task(task: FrameTask) -> TaskResult:
    """Fetch once for all the task's variables not committed yet (falling back to one fetch per variable if
    that fails, so one missing message costs one frame), then build each frame. Runs in a worker process."""
    started_at = time.time()
    storage = open_store(task.storage_url)  # credentials from this worker's own environment
    committed = _committed(storage, task)
    outcomes = [FrameOutcome(v, task.fh, True, "already committed", 0.0) for v in sorted(committed)]
    variables = tuple(v for v in task.variables if v not in committed)
    if not variables:
        return TaskResult(task.fh, tuple(outcomes), os.getpid(), peak_rss_mib())
    grib_prefix = store.staging_grib(task.model, task.run, task.fh)
    grib_dir = attempt_dir(storage.scratch_dir(grib_prefix), "grib")
    failed = False
    try:
        shared: list[Path] | None = None
        try:
            shared = _fetch(task, variables, grib_dir)
        except Exception as exc:  # noqa: BLE001 - any fetch failure is retried per variable below
            if len(variables) == 1:
                outcomes.append(_failure(variables[0], task.fh, exc, 0.0))
                failed = True
        for var in variables if not failed else ():
            start = time.monotonic()
            try:
                gribs = shared if shared is not None else _fetch(task, (var,), grib_dir / var)
                _build_one(task, storage, var, gribs)
            except Exception as exc:  # noqa: BLE001 - a worker reports every failure as that frame's outcome
                outcomes.append(_failure(var, task.fh, exc, time.monotonic() - start))
                continue
            outcomes.append(FrameOutcome(var, task.fh, True, "", time.monotonic() - start,
                                         finished_at=time.time()))
    finally:
        shutil.rmtree(grib_dir, ignore_errors=True)
        storage.release_scratch(grib_prefix)  # the hour's folder, once no other attempt is fetching into it
    return TaskResult(task.fh, tuple(outcomes), os.getpid(), peak_rss_mib(), started_at,
                      started_at - task.submitted_at)


def peak_rss_mib() -> float:
    """This process's own peak resident memory: VmHWM, which starts afresh at exec, unlike ru_maxrss, which
    a spawned worker inherits from the parent it was forked from."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
