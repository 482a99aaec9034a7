"""A pass spreads each new hour over the build workers: its frames are built at once, not one after another
by a single worker while the others wait for the next hour; and an hour that arrives while a worker is idle
is taken up by the pass, not left for the next one."""

from __future__ import annotations

import shutil
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
from twf.store import parse_run_id
from twf.synthetic.inventory import idx_path
from twf.synthetic.mirror import forecast_file_path

VARS = ("dp2m", "refc", "tmp2m")


class Watched(ProcessPoolExecutor):
    """Spawned build workers that note each task submitted."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, mp_context=get_context("spawn"))
        self.tasks: list[FrameTask] = []

    def submit(self, fn, task: FrameTask) -> Future:  # noqa: ANN001 - the Executor signature
        self.tasks.append(task)
        return super().submit(fn, task)


def test_an_hours_variables_are_dealt_over_the_workers_in_tasks_of_at_most_two_frames() -> None:
    assert dealt(VARS, 2) == [("dp2m", "tmp2m"), ("refc",)]
    assert dealt(VARS, 1) == [("dp2m", "tmp2m"), ("refc",)]
    assert dealt(("refc",), 4) == [("refc",)]
    ten = tuple(f"v{i}" for i in range(10))
    assert dealt(ten, 2) == [(f"v{i}", f"v{i + 5}") for i in range(5)]


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


class ArrivingWhileBuilding(Watched):
    """A mirror that has only the run's first hour until that hour's build is submitted; then the second hour
    arrives (GRIB2 file, then its `.idx`), while the first is still being built."""

    def __init__(self, source: Path, mirror: Path, run: str, hours: list[int]) -> None:
        super().__init__(workers=2)
        self.source, self.mirror, self.ref_time, self.hours = source, mirror, parse_run_id(run), hours
        self.arrive(hours[0])

    def arrive(self, fh: int) -> None:
        model = get_model("hrrr")
        grib = forecast_file_path(self.source, model, self.ref_time, fh)
        for source in (grib, idx_path(grib)):
            target = self.mirror / source.relative_to(self.source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def submit(self, fn, task: FrameTask) -> Future:  # noqa: ANN001 - the Executor signature
        future = super().submit(fn, task)
        if len(self.tasks) == 1:
            self.arrive(self.hours[1])
        return future


def test_an_hour_arriving_while_a_worker_is_idle_is_built_in_the_same_pass(
        synthetic_mirror: Path, synthetic_mirror_runs: dict, data_root: Path, tmp_path: Path) -> None:
    run, hours = synthetic_mirror_runs["hrrr"]
    storage = LocalStore(data_root)
    model = get_model("hrrr")
    mirror = tmp_path / "mirror"
    ctx = RunContext(storage, model, (f"mirror:{mirror}",))
    state = RunState(RunPlan.for_run(model, run, ("tmp2m",)), RetryPolicy(max_attempts=1))
    with ArrivingWhileBuilding(synthetic_mirror, mirror, run, hours) as pool:
        stats = run_pass(ctx, state, pool, wait_for_retries=False, spread=2, refresh_seconds=0.1)
    assert [task.fh for task in pool.tasks] == list(hours[:2])
    assert not stats.failed
    assert set(read_manifest(storage, "hrrr", run).frames()) == {("tmp2m", fh) for fh in hours[:2]}
