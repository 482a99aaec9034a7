"""SIGKILL the publisher anywhere during a multi-frame publish: committed state (manifest + LATEST.json) never
shows a frame whose files are missing or partial, LATEST never moves back, a series store never serves values
other than its listed frames', and re-running completes the run and its series stores.

Each trial forks a child that publishes the new run's real built frames over a committed previous run and is
killed either at a seeded random file-system step (the Nth link, rename, fsync or unlink, counted by wrapping
`os`) or after a seeded random delay. The parent then reads like the API does: LATEST.json, then manifests,
then every listed frame's files, compared byte for byte with the built files.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rasterio

from twf import store
from twf.artifacts import VALUE
from twf.check import check_model
from twf.manifest import list_runs, manifested_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.series.document import load_series
from twf.series.read import SeriesReader
from twf.storage import LocalStore, ObjectStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN, link_copy

STEPS = ("link", "replace", "rename", "fsync", "unlink", "rmdir")
STEP_TRIALS = 40
DELAY_TRIALS = 20
SEED = 20260129
ROWS, COLS = np.array([100, 150, 200, 250, 300]), np.array([150, 300, 350, 450, 600])  # value-grid cells


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, ["refc", "tmp2m"])


def count_steps(on_step: Callable[[int], None]) -> None:
    """Wrap the file-system calls the publisher makes so that `on_step(n)` runs before the nth one."""
    calls = 0

    def wrap(fn: Callable) -> Callable:
        def step(*args: object, **kwargs: object) -> object:
            nonlocal calls
            calls += 1
            on_step(calls)
            return fn(*args, **kwargs)
        return step

    for name in STEPS:
        setattr(os, name, wrap(getattr(os, name)))


def publish_in_child(storage: LocalStore, kill_at_step: int | None = None,
                     kill_after: float | None = None) -> int:
    """Fork a publisher of the new run; returns the signal that ended it (0 if it finished)."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            if kill_at_step is not None:
                count_steps(lambda n: os.kill(os.getpid(), signal.SIGKILL) if n == kill_at_step else None)
            publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
            code = 0
        finally:
            os._exit(code)
    if kill_after is not None:
        time.sleep(kill_after)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status = os.waitpid(pid, 0)
    assert not os.WIFEXITED(status) or os.WEXITSTATUS(status) == 0, "publisher failed without being killed"
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_committed_state_is_whole(storage: LocalStore, expected_bytes: dict) -> None:
    """What a reader of committed state sees: LATEST names a committed run, and every listed file is whole."""
    latest = read_latest(storage, MODEL)
    assert latest is not None and latest.run in (OLD_RUN, NEW_RUN)  # never unset, never older than before
    assert latest.run in list_runs(storage, MODEL)  # LATEST is written after the run index lists the run
    for run in manifested_runs(storage, MODEL):
        for var, fh in read_manifest(storage, MODEL, run).frames():
            directory = storage.path(store.published_var(MODEL, run, var))
            for name, digest in expected_bytes[(run, var, fh)].items():
                assert (directory / name).is_file(), f"{run} {var} f{fh} lists {name}, which is missing"
                assert sha256(directory / name) == digest, f"{run} {var} f{fh}: {name} is not the built file"
    assert_series_agree(storage)


def assert_series_agree(storage: ObjectStore) -> dict[tuple[str, str], set[int]]:
    """What the series route reads: every hour a store serves is listed, with exactly its frame's values.
    Returns the hours each (run, variable)'s store serves."""
    held = {}
    for run in manifested_runs(storage, MODEL):
        for var, entry in read_manifest(storage, MODEL, run).variables.items():
            loaded = load_series(storage, MODEL, run, var)
            hours = tuple(sorted(loaded[0].hours)) if loaded else ()
            held[(run, var)] = set(hours)
            assert held[(run, var)] <= set(entry.fhs), f"{run} {var} store serves unlisted hours"
            cells = SeriesReader(storage).cells(loaded[0], ROWS, COLS, hours) if loaded else []
            for fh, values in zip(hours, cells, strict=True):
                key = VALUE.key(store.published_frame(MODEL, run, var, fh))
                with storage.gdal_env(), rasterio.open(storage.gdal_path(key)) as ds:
                    expected = ds.read(1)[ROWS, COLS]
                np.testing.assert_array_equal(values, expected, err_msg=f"{run} {var} f{fh}")
    return held


def assert_series_complete(storage: ObjectStore) -> None:
    """After a rerun every store serves every listed hour of its variable."""
    for (run, var), hours in assert_series_agree(storage).items():
        listed = set(read_manifest(storage, MODEL, run).variables[var].fhs)
        assert hours == listed, f"{run} {var}: the store serves {hours}, not every listed hour"


def assert_rerun_completes(storage: LocalStore, full_check: bool) -> None:
    """Re-running the publish commits every frame, lists the run, leaves no litter and (checked fully now and
    then, since it reopens every file) no drift between manifests and files."""
    report = publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert not report.failed
    assert sorted(read_manifest(storage, MODEL, NEW_RUN).frames()) == sorted(NEW_FRAMES)
    assert read_latest(storage, MODEL).run == NEW_RUN
    assert list_runs(storage, MODEL) == [NEW_RUN, OLD_RUN]
    assert not storage.path(store.staging_run(MODEL, NEW_RUN)).exists()
    assert not list(storage.root.rglob(".*.tmp-*"))
    assert_series_complete(storage)
    if full_check:
        assert check_model(storage, get_model(MODEL)) == []


@pytest.fixture(scope="module")
def committed_template(staged_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The staged template with the previous run already published and LATEST."""
    storage = link_copy(staged_template, tmp_path_factory.mktemp("committed") / "v3")
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    assert read_latest(storage, MODEL).run == OLD_RUN
    return storage.root


def test_uninterrupted_publish_in_a_child_commits_the_run(committed_template: Path, tmp_path: Path,
                                                          expected_bytes: dict) -> None:
    storage = link_copy(committed_template, tmp_path / "v3")
    assert publish_in_child(storage) == 0
    assert_committed_state_is_whole(storage, expected_bytes)
    assert read_latest(storage, MODEL).run == NEW_RUN


def test_sigkill_at_random_points_never_exposes_a_partial_frame(committed_template: Path, tmp_path: Path,
                                                                 expected_bytes: dict) -> None:
    steps = []
    probe = link_copy(committed_template, tmp_path / "probe")
    count_calls = {"n": 0}
    saved = {name: getattr(os, name) for name in STEPS}
    try:
        count_steps(lambda n: count_calls.__setitem__("n", n))
        started = time.monotonic()
        publish_frames(probe, plan(NEW_RUN), NEW_FRAMES)
        duration = time.monotonic() - started
    finally:
        for name, fn in saved.items():
            setattr(os, name, fn)
    total_steps = count_calls["n"]
    assert total_steps > 20
    rng = random.Random(SEED)
    trials = [("step", rng.randint(1, total_steps)) for _ in range(STEP_TRIALS)]
    trials += [("delay", rng.uniform(0, duration)) for _ in range(DELAY_TRIALS)]
    killed = 0
    for i, (how, where) in enumerate(trials):
        storage = link_copy(committed_template, tmp_path / f"trial{i}")
        if how == "step":
            signum = publish_in_child(storage, kill_at_step=int(where))
        else:
            signum = publish_in_child(storage, kill_after=float(where))
        killed += signum == signal.SIGKILL
        steps.append((how, where, signum))
        assert_committed_state_is_whole(storage, expected_bytes)
        assert_rerun_completes(storage, full_check=i % 10 == 0)
        assert_committed_state_is_whole(storage, expected_bytes)
    assert killed >= STEP_TRIALS, steps  # every step trial, at least, really died mid-publish
