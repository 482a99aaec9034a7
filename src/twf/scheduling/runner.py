"""Passes over one run: build what upstream has on N worker processes, publish each hour as it completes.

A pass asks which forecast hours exist, submits the frames each hour still needs as tasks of at most
`FRAMES_PER_TASK` frames, at least one per build worker (`spread`: an hour's variables dealt among them,
so a new hour is built by every worker at once instead of one worker building its ten frames in a row while
the others wait for the next hour; each task fetches its own variables' messages, one more `.idx` read per
task), publishes the frames of each finished task at once (so a run appears progressively), and records
failures for retry with backoff; a permanent failure (a record a complete, stable inventory lacks) is given
up at once. `wait_for_retries` keeps a pass going until every retry is spent (`--once`); otherwise waiting
retries are left to the next pass. Variables whose every tried frame was given up are marked unavailable in
the manifest as soon as that is so, which lets the run become LATEST without them.
"""

from __future__ import annotations

import logging
import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from typing import TextIO

from twf.errors import TWFError, WriteConflict
from twf.fetch.discovery import available_hours
from twf.fetch.sources import Source, chosen_sources
from twf.models.base import ModelSpec
from twf.publish import Frame, PublishReport, publish_frames
from twf.scheduling.state import RunState
from twf.scheduling.worker import FrameOutcome, FrameTask, TaskResult, run_task
from twf.storage import ObjectStore
from twf.store import frame_stem, parse_run_id

log = logging.getLogger("twf.scheduler")

PUBLISH_ATTEMPTS = 3  # one batch's commits against another writer's before its frames wait for a retry
# Frames of one hour a task builds at most. A task's frames are published together when its last one is
# built, so each waits for the others: with an hour's ten variables dealt over two workers (five a task),
# that wait was a third of the publish latency in `make soak` (p50 6.8 s, p95 14.3 s). Each task reads the
# hour's `.idx` once, so smaller tasks cost one more small request upstream per task.
FRAMES_PER_TASK = 2


@dataclass(frozen=True)
class RunContext:
    storage: ObjectStore
    model: ModelSpec
    sources: tuple[str, ...]
    cache_dir: str | None = None
    demo: bool = False  # a source is a demo mirror (DEMO.json): runs built here are marked demo

    def task(self, run: str, fh: int, variables: tuple[str, ...]) -> FrameTask:
        return FrameTask(self.storage.url, self.model.name, run, fh, variables, self.sources, self.cache_dir,
                         time.time())


@dataclass
class PassStats:
    published: list[Frame] = field(default_factory=list)
    failed: dict[Frame, str] = field(default_factory=dict)
    peak_rss_mib: dict[int, float] = field(default_factory=dict)  # worker pid → its peak resident memory
    latest_run: str | None = None


class Progress:
    """A one-line bar on a terminal, nothing elsewhere (logs stay one line per frame)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.enabled = stream.isatty()

    def show(self, run: str, state: RunState) -> None:
        if not self.enabled:
            return
        done, total = len(state.committed), state.total
        filled = int(30 * done / total) if total else 30
        self.stream.write(f"\r{run} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} frames"
                          f" ({len(state.given_up)} failed)\x1b[K")
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def run_pass(ctx: RunContext, state: RunState, pool: Executor, *, wait_for_retries: bool,
             progress: Progress | None = None, stop: Callable[[], bool] = lambda: False,
             spread: int = 1, refresh_seconds: float | None = None) -> PassStats:
    """One pass over `state.plan.run` (see the module docstring). Raises only if the pass itself fails.

    `refresh_seconds`: while a build worker is idle, ask upstream again which hours exist, at most that often
    (the scheduler's poll interval, so no more often than it polls anyway). Without it, an hour arriving
    while a pass built earlier ones waited for the whole pass to end: in `make soak` that was the largest
    part of the publish latency after the backlog itself (p50 25 s), with a worker idle meanwhile."""
    run = state.plan.run
    sources = chosen_sources(ctx.model, ctx.sources, parse_run_id(run))
    available = available_hours(ctx.model, run, sources)
    asked = time.monotonic()
    stats = PassStats()
    futures: dict[Future[TaskResult], FrameTask] = {}
    while not stop():
        now = time.monotonic()
        if refresh_seconds is not None and len(futures) < spread and now - asked >= refresh_seconds:
            available, asked = _refreshed(ctx, run, sources, available), now
        try:
            for fh, variables in state.due(now, available).items():
                for portion in dealt(variables, spread):
                    task = ctx.task(run, fh, portion)
                    futures[pool.submit(run_task, task)] = task
                state.start(fh, variables)
        except BrokenExecutor:  # a local worker died: settle what was in flight, let the caller restart
            _settle(ctx, state, futures, stats, progress)
            raise
        if not futures:
            retry = state.next_retry(available) if wait_for_retries else None
            if retry is None:
                break
            time.sleep(max(0.0, retry - now))
            continue
        finished, _ = wait(futures, timeout=_until(state.next_retry(available)), return_when=FIRST_COMPLETED)
        if any(future.cancelled() for future in finished):
            _settle(ctx, state, futures, stats, progress)
            raise BrokenExecutor("the build executor cancelled its tasks (a Dask client lost its scheduler)")
        for future in finished:
            _finish(ctx, state, _result(future, futures.pop(future)), stats, progress)
    for future, task in futures.items():  # stopped: let in-flight builds land in staging, publish them
        _finish(ctx, state, _result(future, task), stats, progress)
    if progress:
        progress.clear()
    return stats


def _refreshed(ctx: RunContext, run: str, sources: list[Source], available: set[int]) -> set[int]:
    """The hours upstream has now; the ones known so far when asking fails (the pass goes on with those)."""
    try:
        return available | available_hours(ctx.model, run, sources)
    except (TWFError, OSError) as exc:
        log.warning("%s %s: asking upstream for new hours failed, next try later: %s", ctx.model.name, run,
                    exc)
        return available


def dealt(variables: tuple[str, ...], hands: int) -> list[tuple[str, ...]]:
    """`variables` dealt round-robin into `hands` tasks, more when that leaves a task more than
    `FRAMES_PER_TASK` frames (fewer only when there are fewer variables)."""
    hands = max(hands, math.ceil(len(variables) / FRAMES_PER_TASK))
    hands = max(1, min(hands, len(variables)))
    return [variables[i::hands] for i in range(hands)]


def _settle(ctx: RunContext, state: RunState, futures: dict[Future[TaskResult], FrameTask], stats: PassStats,
            progress: Progress | None) -> None:
    """The executor broke: publish what finished, fail what its broken pool failed (a local worker that died
    may have been killed by its own frame, out of memory), and release what was cancelled or is still
    pending, not its frames' fault (a Dask client that lost its scheduler): due again, no attempt counted."""
    for future, task in futures.items():
        if future.done() and not future.cancelled():
            _finish(ctx, state, _result(future, task), stats, progress)
        else:
            state.released(task.fh, task.variables)
    futures.clear()


def _result(future: Future[TaskResult], task: FrameTask) -> TaskResult:
    """The task's result; a worker that died (killed, out of memory) fails the task's frames as any error."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - a broken pool, a task Dask gave up (KilledWorker), unpicklable
        detail = f"worker process failed: {type(exc).__name__}: {exc}"
        outcomes = tuple(FrameOutcome(v, task.fh, False, detail, 0.0) for v in task.variables)
        return TaskResult(task.fh, outcomes, worker_pid=0, peak_rss_mib=0.0)


def _until(retry_at: float | None) -> float:
    """How long to wait for a build: until the next retry is due, and at most a second so a stop is seen."""
    return 1.0 if retry_at is None else min(1.0, max(0.0, retry_at - time.monotonic()))


def _finish(ctx: RunContext, state: RunState, result: TaskResult, stats: PassStats,
            progress: Progress | None) -> None:
    """Record the hour's failures (retry or give up), publish its built frames with the variables now
    unavailable, log one line per frame."""
    if progress:
        progress.clear()
    if result.worker_pid:
        stats.peak_rss_mib[result.worker_pid] = result.peak_rss_mib
    built = [(o.var, o.fh) for o in result.outcomes if o.ok]
    for outcome in result.outcomes:
        if not outcome.ok:
            _failed(ctx, state, (outcome.var, outcome.fh), outcome.detail, stats, outcome.permanent)
    unavailable = state.unavailable()
    if built or unavailable != state.reported_unavailable:
        publishing = time.time()
        report = _publish(ctx, state, built, unavailable)
        state.reported_unavailable = unavailable
        stats.latest_run = report.latest_run
        for frame, detail in report.failed.items():
            _failed(ctx, state, frame, detail, stats)
        committed_at = time.time()
        for outcome in (o for o in result.outcomes if o.ok and (o.var, o.fh) not in report.failed):
            frame = (outcome.var, outcome.fh)
            state.succeeded(frame)
            stats.published.append(frame)
            if frame in report.published:
                log.info("%s %s %s %s published (%s)", ctx.model.name, state.plan.run, outcome.var,
                         frame_stem(outcome.fh), _timeline(result, outcome, publishing, committed_at))
            else:
                log.info("%s %s %s %s already committed (another writer)", ctx.model.name, state.plan.run,
                         outcome.var, frame_stem(outcome.fh))
    if progress:
        progress.show(state.plan.run, state)


def _publish(ctx: RunContext, state: RunState, built: list[Frame],
             unavailable: dict[str, str]) -> PublishReport:
    """Publish, again over the other writer's commit when a second scheduler of the model committed the run
    first (WriteConflict: nothing of the batch was committed, its frames are still staged, and frames the
    other one committed are skipped); a batch that keeps losing fails its frames, which are retried later."""
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            return publish_frames(ctx.storage, state.plan, built, unavailable=unavailable)
        except WriteConflict as exc:
            log.warning("%s %s: %s (publish attempt %d of %d)", ctx.model.name, state.plan.run, exc, attempt,
                        PUBLISH_ATTEMPTS)
            detail = f"{type(exc).__name__}: {exc}"
    return PublishReport(state.plan.run, failed=dict.fromkeys(built, detail))


def _timeline(result: TaskResult, outcome: FrameOutcome, publishing: float, committed_at: float) -> str:
    """Where a frame's time went between the scheduler submitting its task and its commit (the parts of its
    publish latency the scheduler owns; `bench.soak` adds the upstream and API sides)."""
    began = outcome.finished_at - outcome.seconds
    return (f"{outcome.seconds:.1f} s; {result.queued_s:.1f} s waiting for a worker, "
            f"{began - result.started_at:.1f} s behind its task's fetch and other frames, "
            f"{publishing - outcome.finished_at:.1f} s for the task's other frames, "
            f"{committed_at - publishing:.1f} s publishing")


def _failed(ctx: RunContext, state: RunState, frame: Frame, detail: str, stats: PassStats,
            permanent: bool = False) -> None:
    """One log line per failure: when it is retried, or that it is given up (at once when permanent)."""
    delay = state.failed(frame, detail, time.monotonic(), permanent)
    stats.failed[frame] = detail
    if permanent:
        after = "given up: it will not appear upstream"
    else:
        after = f"retry in {delay:.0f} s" if delay is not None else "given up"
    log.warning("%s %s %s %s failed (attempt %d, %s): %s", ctx.model.name, state.plan.run, frame[0],
                frame_stem(frame[1]), state.attempts[frame], after, detail)
