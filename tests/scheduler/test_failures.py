"""A full disk or a staging folder the scheduler may not write leaves committed state untouched, and a newer
run supersedes an older one."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import rasterio
from tests.conftest import Unprivileged

from twf import store
from twf.artifacts import RGBA, SIDECAR, VALUE
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.storage import LocalStore

from .conftest import Scheduler, scheduler_command, wait_for
from .mirror import OLDER_RUN, REAL_RUN, write_real, write_synthetic


def committed_state(storage: LocalStore) -> dict[str, bytes]:
    keys = [*storage.list(store.manifests("hrrr")), *storage.list(store.published_model("hrrr"))]
    return {key: storage.get(key) for key in keys}


def test_disk_full_during_staging_leaves_published_state_intact(
    tiny_filesystem, tmp_path: Path, hrrr_grib_dir: Path, scheduler: Scheduler
) -> None:
    root = tiny_filesystem.path / "v3"
    mirror = tmp_path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1])
    assert scheduler(mirror, "--vars", "refc", root=root).returncode == 0
    storage = LocalStore(root)
    before = committed_state(storage)
    assert read_latest(storage, "hrrr").run == OLDER_RUN

    write_real(mirror, hrrr_grib_dir)
    filler = tiny_filesystem.fill()
    done = scheduler(mirror, "--vars", "refc", root=root)
    assert done.returncode == 1, done.stderr  # the pass published nothing: every frame hit ENOSPC
    assert "No space left on device" in done.stderr
    assert committed_state(storage) == before
    assert list_runs(storage, "hrrr") == [OLDER_RUN] and read_latest(storage, "hrrr").run == OLDER_RUN
    assert check_model(storage, get_model("hrrr")) == []

    filler.unlink()
    done = scheduler(mirror, "--vars", "refc", root=root)
    assert done.returncode == 0, done.stderr
    assert set(read_manifest(storage, "hrrr", REAL_RUN).frames()) == {("refc", 0), ("refc", 1)}
    assert read_latest(storage, "hrrr").run == REAL_RUN


def test_staging_the_scheduler_may_not_write_fails_the_pass_and_leaves_published_state_intact(
    unprivileged: Unprivileged, hrrr_grib_dir: Path
) -> None:
    root, mirror = unprivileged.path / "v3", unprivileged.path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1])
    command = scheduler_command(mirror, root, "--vars", "refc")
    assert unprivileged.run(command).returncode == 0
    storage = LocalStore(root)
    before = committed_state(storage)
    write_real(mirror, hrrr_grib_dir)

    staging = storage.scratch_dir(store.staging_model("hrrr"))
    unprivileged.deny_writes(staging)
    done = unprivileged.run(command)
    assert done.returncode == 1, done.stderr
    assert "Permission denied" in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert committed_state(storage) == before
    assert list_runs(storage, "hrrr") == [OLDER_RUN] and read_latest(storage, "hrrr").run == OLDER_RUN
    assert check_model(storage, get_model("hrrr")) == []

    unprivileged.allow_writes(staging)
    done = unprivileged.run(command)
    assert done.returncode == 0, done.stderr
    assert set(read_manifest(storage, "hrrr", REAL_RUN).frames()) == {("refc", 0), ("refc", 1)}
    assert read_latest(storage, "hrrr").run == REAL_RUN


def polling_scheduler(mirror: Path, data_root: Path, *args: str) -> list[str]:
    """The command of a long-running `twf scheduler` (no --once) on one worker, polling `mirror` often."""
    return [sys.executable, "-m", "twf", "scheduler", "--model", "hrrr", "--source", f"mirror:{mirror}",
            "--workers", "1", "--vars", "refc", "--data-root", str(data_root), "--poll-seconds", "0.3", *args]


def test_newer_run_supersedes_the_one_being_built_and_retention_drops_it(
    tmp_path: Path, data_root: Path, hrrr_grib_dir: Path
) -> None:
    mirror = tmp_path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1])
    storage = LocalStore(data_root)
    with subprocess.Popen(polling_scheduler(mirror, data_root, "--keep-runs", "1"),
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            wait_for(lambda: storage.head(store.manifest("hrrr", OLDER_RUN)) is not None
                     and read_manifest(storage, "hrrr", OLDER_RUN).frame_count == 2)
            assert read_latest(storage, "hrrr").run == OLDER_RUN
            write_real(mirror, hrrr_grib_dir)  # the next cycle appears upstream
            wait_for(lambda: (latest := read_latest(storage, "hrrr")) is not None and latest.run == REAL_RUN
                     and storage.head(store.manifest("hrrr", OLDER_RUN)) is None)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert f"hrrr {OLDER_RUN} superseded: 2/19 frames committed" in stderr
    assert f"hrrr {OLDER_RUN} removed by retention (keeping 1 runs)" in stderr
    assert list_runs(storage, "hrrr") == [REAL_RUN]
    assert set(read_manifest(storage, "hrrr", REAL_RUN).frames()) == {("refc", 0), ("refc", 1)}
    assert not storage.path(store.published_run("hrrr", OLDER_RUN)).exists()
    assert not storage.path(store.staging_run("hrrr", OLDER_RUN)).exists()


def spawned_workers(pid: int) -> list[int]:
    """Pids of the scheduler's worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = []
    for child in children:
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            workers.append(int(child))
    return workers


def test_a_worker_killed_mid_build_is_replaced_and_its_frames_retried(
    tmp_path: Path, data_root: Path
) -> None:
    mirror = tmp_path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1, 2])
    storage = LocalStore(data_root)
    with subprocess.Popen(polling_scheduler(mirror, data_root, "--retry-seconds", "0.1"),
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            wait_for(lambda: spawned_workers(proc.pid))
            os.kill(spawned_workers(proc.pid)[0], signal.SIGKILL)  # as the OOM killer would
            wait_for(lambda: storage.head(store.manifest("hrrr", OLDER_RUN)) is not None
                     and read_manifest(storage, "hrrr", OLDER_RUN).frame_count == 3)
        finally:
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert "worker process failed" in stderr and "workers restarted" in stderr
    assert read_latest(storage, "hrrr").run == OLDER_RUN


def listed_frames_are_whole(storage: LocalStore, run: str) -> bool:
    """Every frame the manifest lists has all its objects, and they open: nothing half-published."""
    if storage.head(store.manifest("hrrr", run)) is None:
        return True
    for var, fh in read_manifest(storage, "hrrr", run).frames():
        frame = store.published_frame("hrrr", run, var, fh)
        json.loads(storage.get(SIDECAR.key(frame)))
        for kind in (RGBA, VALUE):
            with rasterio.open(storage.path(kind.key(frame))) as ds:
                ds.read(1, window=((0, 8), (0, 8)))
    return True


def test_a_scheduler_killed_at_random_points_never_half_publishes_and_a_restart_completes_the_run(
    tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1, 2])
    storage = LocalStore(data_root)
    rng = random.Random(15)
    for _ in range(3):  # SIGKILL the scheduler and its build workers at once, as a service manager does
        with subprocess.Popen(polling_scheduler(mirror, data_root), start_new_session=True,
                              stderr=subprocess.DEVNULL) as proc:
            time.sleep(rng.uniform(1.0, 8.0))
            os.killpg(proc.pid, signal.SIGKILL)
        assert listed_frames_are_whole(storage, OLDER_RUN)
    done = scheduler(mirror, "--vars", "refc")
    assert done.returncode == 0, done.stderr
    assert set(read_manifest(storage, "hrrr", OLDER_RUN).frames()) == {("refc", 0), ("refc", 1), ("refc", 2)}
    assert read_latest(storage, "hrrr").run == OLDER_RUN
    assert check_model(storage, get_model("hrrr")) == []
