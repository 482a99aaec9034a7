"""A pass spreads each new hour over the build workers: its frames are built at once, not one after another
by a single worker while the others wait for the next hour."""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from twf.manifest import read_manifest
from twf.models import get_model
from twf.publish import RunPlan
from twf.scheduling.runner import RunContext, dealt, run_pass
from twf.scheduling.state import RetryPolicy, RunState
from twf.scheduling.worker import FrameTask
from twf.storage import LocalStore

VARS = ("dp2m", "refc", "tmp2m")


class Watched(ProcessPoolExecutor):
    """Spawned build workers that note each task submitted."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, mp_context=get_context("spawn"))
        self.tasks: list[FrameTask] = []

    def submit(self, fn, task: FrameTask) -> Future:  # noqa: ANN001 - the Executor signature
        self.tasks.append(task)
        return super().submit(fn, task)


def test_an_hours_variables_are_dealt_over_the_workers() -> None:
    assert dealt(VARS, 2) == [("dp2m", "tmp2m"), ("refc",)]
    assert dealt(VARS, 1) == [VARS]
    assert dealt(("refc",), 4) == [("refc",)]


def test_each_hour_is_built_by_every_worker_at_once_and_published_whole(
        synthetic_mirror: Path, synthetic_mirror_runs: dict, data_root: Path) -> None:
    run, hours = synthetic_mirror_runs["hrrr"]
    storage = LocalStore(data_root)
    model = get_model("hrrr")
    ctx = RunContext(storage, model, (f"mirror:{synthetic_mirror}",))
    state = RunState(RunPlan.for_run(model, run, VARS), RetryPolicy(max_attempts=1))
    with Watched(workers=2) as pool:
        stats = run_pass(ctx, state, pool, wait_for_retries=True, spread=2)
    assert sorted((task.fh, task.variables) for task in pool.tasks) == sorted(
        (fh, portion) for fh in hours for portion in [("dp2m", "tmp2m"), ("refc",)])
    assert not stats.failed
    assert set(read_manifest(storage, "hrrr", run).frames()) == {(v, fh) for v in VARS for fh in hours}
