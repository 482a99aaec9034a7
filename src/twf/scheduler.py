"""`twf scheduler`: keep a model's newest run fetched, built and published (plan Phase 1).

Each poll finds the newest run upstream (the newest cycle whose first hour exists), plans its frames
(variables × the hours each variable has, from the model spec), and runs a pass (`twf.scheduling.runner`).
A run is followed until every frame is committed or given up, or until a newer run supersedes it (its
committed frames stay; its staging is dropped). After each pass, retention keeps the newest K runs.
`--once` makes one pass over what is available now, waiting out retries, then exits: 0 when the pass ran
(a partial run is fine), non-zero when it could not run or published nothing but failures. The end of that
pass counts as the scheduler being done with the run: it becomes LATEST with any committed frame, and its
manifest names the variables it has nothing of, and why.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from concurrent.futures import BrokenExecutor
from pathlib import Path

from twf import store
from twf.check import check_model
from twf.config import load_settings
from twf.demo.marker import is_demo_mirror
from twf.errors import NotYetAvailable, TWFError
from twf.fetch.discovery import latest_run
from twf.fetch.sources import chosen_sources, local_root
from twf.manifest import load_manifest
from twf.models import check_frame, get_model, get_variable
from twf.models.base import ModelSpec
from twf.publish import RunPlan, publish_frames
from twf.retention import DEFAULT_KEEP_RUNS, apply_retention
from twf.scheduling.executors import EXECUTORS, BuildPool, build_pool
from twf.scheduling.runner import Progress, RunContext, run_pass
from twf.scheduling.state import RetryPolicy, RunState
from twf.storage import configured_store
from twf.store import parse_run_id, staging_totals

log = logging.getLogger("twf.scheduler")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model id, e.g. hrrr")
    parser.add_argument("--once", action="store_true", help="one pass over what is available now, then exit")
    parser.add_argument("--source", action="append", default=[],
                        help="aws | nomads | google | mirror:PATH | file:///PATH | http(s)://HOST/; "
                             "repeatable, tried in order (default: the model's public sources)")
    parser.add_argument("--executor", choices=EXECUTORS, default="local",
                        help="where frames are built: local worker processes (default) or a Dask cluster")
    parser.add_argument("--workers", type=int, default=2, help="local build processes (default 2)")
    parser.add_argument("--dask-scheduler", metavar="tcp://HOST:PORT",
                        help="the Dask scheduler whose workers build (with --executor dask)")
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT)")
    parser.add_argument("--run", help="this run id instead of the newest one")
    parser.add_argument("--vars", help="comma-separated variables (default: all of the model's)")
    parser.add_argument("--keep-runs", type=int, default=DEFAULT_KEEP_RUNS, help="runs kept per model")
    parser.add_argument("--poll-seconds", type=float, default=60.0, help="time between passes")
    parser.add_argument("--retry-seconds", type=float, default=RetryPolicy.base_seconds,
                        help="first retry delay of a failed frame (doubles each attempt)")
    parser.add_argument("--max-attempts", type=int, default=RetryPolicy.max_attempts,
                        help="attempts before a frame is given up")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    model = get_model(args.model)
    storage = configured_store(args.data_root)
    names = tuple(args.source)  # empty: each run picks the model's sources in the order its age suits
    sources = chosen_sources(model, names, None)  # bad values fail here, before any worker starts
    wanted = args.vars.split(",") if args.vars else []
    variables = tuple(get_variable(model, v.strip()).name for v in wanted) or None
    if args.run:
        check_frame(model, args.run, model.forecast_hours(parse_run_id(args.run).hour)[0])
    cache_dir = None if all(s.is_local for s in sources) else str(load_settings().cache_dir)
    demo = any(root is not None and is_demo_mirror(root) for root in map(local_root, sources))
    if demo:
        log.info("%s: a source is a demo mirror (DEMO.json); its runs are published marked as demo data",
                 model.name)
    ctx = RunContext(storage, model, names, cache_dir, demo)
    policy = RetryPolicy(max_attempts=max(1, args.max_attempts), base_seconds=args.retry_seconds)
    stop = threading.Event()
    pool = build_pool(args.executor, args.workers, args.dask_scheduler)
    with Scheduler(ctx, pool, policy, variables, args.keep_runs, stop) as scheduler:
        for finding in check_model(storage, model):
            log.warning("check: %s", finding.line())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        if args.once:
            return scheduler.once(args.run)
        scheduler.forever(args.run, args.poll_seconds)
    return 0


class Scheduler:
    """Follows one model's newest run, building on a pool (`twf.scheduling.executors`), publishing here."""

    def __init__(self, ctx: RunContext, pool: BuildPool, policy: RetryPolicy,
                 variables: tuple[str, ...] | None, keep_runs: int, stop: threading.Event) -> None:
        self.ctx, self.pool, self.policy, self.variables = ctx, pool, policy, variables
        self.keep_runs, self.stop = keep_runs, stop
        self.progress = Progress()
        self.started: dict[str, tuple[float, int]] = {}  # run → (when followed, frames already committed)

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.close()

    @property
    def model(self) -> ModelSpec:
        return self.ctx.model

    def newest_run(self) -> str | None:
        first_hours = {self.model.forecast_hours(c)[0] for c in self.model.cycles}
        sources = chosen_sources(self.model, self.ctx.sources, None)
        return latest_run(self.model, sources, needed_hours=first_hours)

    def state_for(self, run: str) -> RunState:
        """A run's state, starting from what its manifest already commits (a restart resumes, not redoes)."""
        plan = RunPlan.for_run(self.model, run, self.variables, demo=self.ctx.demo)
        state = RunState(plan, self.policy)
        loaded = load_manifest(self.ctx.storage, self.model.name, run)
        if loaded is not None:
            listed = set(loaded[0].frames())
            state.committed = {f for f in plan.frames() if f in listed}
        self.started[run] = (time.monotonic(), len(state.committed))
        return state

    def run_pass(self, state: RunState, wait_for_retries: bool, refresh_seconds: float | None = None) -> int:
        """A pass, the run's finish when nothing is left to try, then retention.

        Returns the number of frames published, or -1 when the pass only produced failures.
        """
        try:
            stats = run_pass(self.ctx, state, self.pool.executor, wait_for_retries=wait_for_retries,
                             progress=self.progress, stop=self.stop.is_set, spread=self.pool.slots(),
                             refresh_seconds=refresh_seconds)
        except BrokenExecutor as exc:
            raise TWFError(f"{exc}; {self.pool.restart()}") from None
        except OSError as exc:  # e.g. ENOSPC writing a manifest: committed state is unchanged
            raise TWFError(f"pass over {state.plan.run} failed: {exc}") from None
        if state.done:
            self.finish(state, "complete")
        for removed in apply_retention(self.ctx.storage, self.model.name, self.keep_runs):
            log.info("%s %s removed by retention (keeping %d runs)", self.model.name, removed, self.keep_runs)
        return len(stats.published) if stats.published or not stats.failed else -1

    def finish(self, state: RunState, how: str) -> None:
        """The scheduler is done with the run (nothing left to try, or the end of a `--once` pass): any
        committed frame may now make it LATEST, and the manifest names each variable it could not build, and
        why (`RunState.unavailable`)."""
        unavailable = state.unavailable(final=True)
        publish_frames(self.ctx.storage, state.plan, [], final=True, unavailable=unavailable)
        if state.done:  # nothing will continue a running total any more
            self.ctx.storage.delete_prefix(staging_totals(self.model.name, state.plan.run))
        self.summary(state, how)

    def summary(self, state: RunState, how: str) -> None:
        """The rate counts only frames this process built (a resumed run's earlier frames are not)."""
        since, before = self.started.get(state.plan.run, (time.monotonic(), len(state.committed)))
        minutes = max(time.monotonic() - since, 1e-9) / 60
        failed = ", ".join(f"{v} f{fh:03d}" for v, fh in sorted(state.given_up)) or "none"
        log.info("%s %s %s: %d/%d frames committed, failed: %s (%.1f frames/min)", self.model.name,
                 state.plan.run, how, len(state.committed), state.total, failed,
                 (len(state.committed) - before) / minutes)

    def once(self, run: str | None) -> int:
        run = run or self.newest_run()
        if run is None:
            names = ", ".join(s.name for s in chosen_sources(self.model, self.ctx.sources, None))
            raise NotYetAvailable(f"no {self.model.name} run found in {names}")
        state = self.state_for(run)
        published = self.run_pass(state, wait_for_retries=True)
        if not state.done:
            self.finish(state, "pass done")
        return 0 if published >= 0 else 1

    def forever(self, pinned: str | None, poll_seconds: float) -> None:
        current: RunState | None = None
        while not self.stop.is_set():
            try:
                newest = pinned or self.newest_run()
                if newest and (current is None or parse_run_id(newest) > parse_run_id(current.plan.run)):
                    if current is not None and not current.done:
                        self.supersede(current)
                    current = self.state_for(newest)
                if current is not None and not current.done:
                    self.run_pass(current, wait_for_retries=False, refresh_seconds=poll_seconds)
            except (TWFError, OSError) as exc:  # upstream or disk trouble: committed state is unchanged
                log.error("%s pass failed, next try in %.0f s: %s", self.model.name, poll_seconds, exc)
            self.stop.wait(poll_seconds)

    def supersede(self, state: RunState) -> None:
        """Stop following an older run: its committed frames stay published, its staging goes."""
        self.summary(state, "superseded")
        self.ctx.storage.delete_prefix(store.staging_run(self.model.name, state.plan.run))
