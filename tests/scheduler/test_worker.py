"""A build task is idempotent: Dask runs a task again when its worker dies (at once beside a worker it only
presumed dead, or after the scheduler already took its result), and a repeat neither corrupts nor duplicates
anything."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from bench.soak_publish import compare_frames

from twf.manifest import read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.scheduling.runner import RunContext
from twf.scheduling.worker import run_task
from twf.storage import LocalStore

from .conftest import REFERENCE_VARS
from .mirror import REAL_RUN

HRRR = get_model("hrrr")


def staged_files(storage: LocalStore) -> list[Path]:
    """Every file under staging, hidden scratch included (the publishers' lock aside)."""
    return [p for p in storage.path("staging").rglob("*") if p.is_file() and p.name != ".publish.lock"]


def test_a_task_run_twice_at_once_then_again_after_its_commit_publishes_each_frame_once_and_identical(
    reference_run: LocalStore, two_hour_mirror: Path, data_root: Path
) -> None:
    storage = LocalStore(data_root)
    task = RunContext(storage, HRRR, (f"mirror:{two_hour_mirror}",)).task(REAL_RUN, 1, REFERENCE_VARS)
    frames = [(var, 1) for var in REFERENCE_VARS]
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        twice = list(pool.map(run_task, [task, task]))  # two attempts of one task, side by side
    assert [[(o.var, o.ok, o.detail) for o in r.outcomes] for r in twice] == [
        [(var, True, "") for var in REFERENCE_VARS]] * 2

    plan = RunPlan.for_run(HRRR, REAL_RUN, REFERENCE_VARS)
    assert publish_frames(storage, plan, frames).published == frames
    committed = read_manifest(storage, "hrrr", REAL_RUN)
    assert set(committed.frames()) == set(frames) and committed.generation == 1
    assert compare_frames(storage, reference_run, "hrrr", REAL_RUN, frames) == []
    assert staged_files(storage) == []

    again = run_task(task)  # the task once more, its frames committed meanwhile: nothing is built
    assert [(o.var, o.ok, o.detail) for o in again.outcomes] == [
        (var, True, "already committed") for var in REFERENCE_VARS]
    assert staged_files(storage) == []
    assert publish_frames(storage, plan, frames).published == []
    assert read_manifest(storage, "hrrr", REAL_RUN) == committed  # same generation: nothing committed twice
