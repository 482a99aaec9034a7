"""`twf scheduler --executor dask`: frames built on a real Dask cluster (a `LocalCluster` of 2 worker
processes on 127.0.0.1, which the scheduler reaches over TCP) into S3 are byte for byte the local pool's,
even with a worker SIGKILLed mid-build (Dask runs its task again); a Dask scheduler lost mid-run or without
workers is one clear line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.soak_publish import compare_runs
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import SchedulerPlugin
from tests.conftest import S3_CREDENTIALS, s3_environ, s3_store

from twf import store
from twf.check import check_model
from twf.manifest import read_latest, read_manifest
from twf.models import get_model
from twf.storage import LocalStore, ObjectStore

from .conftest import REFERENCE_VARS, once_command, wait_for
from .mirror import REAL_RUN

# A Dask scheduler serves HTTP (metrics, health) even without its dashboard: on a free loopback port here.
LOOPBACK_HTTP = {"dashboard_address": "127.0.0.1:0"}
TASK = "run_task-"  # the key prefix of a build task (`twf.scheduling.worker.run_task`, impure)


class Transitions(SchedulerPlugin):
    """Every state change of a build task on the Dask scheduler, with when it happened."""

    def __init__(self) -> None:
        self.seen: list[tuple[float, str, str]] = []  # (time, key, new state)

    def transition(self, key, start, finish, *args, **kwargs) -> None:
        if str(key).startswith(TASK):
            self.seen.append((time.monotonic(), str(key), finish))

    def computed(self, after: float = 0.0) -> Counter:
        """How many times each task started running (after `after`)."""
        return Counter(key for when, key, state in self.seen if state == "processing" and when >= after)


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[LocalCluster]:
    """2 worker processes of one thread each; their own environment holds the object store's credentials, as
    a deployment's workers would (a task carries only the store's location)."""
    credentials = {"AWS_ACCESS_KEY_ID": S3_CREDENTIALS.access_key_id,
                   "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS.secret_access_key}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP, env=credentials) as cluster:
        yield cluster


@pytest.fixture
def transitions(dask_cluster: LocalCluster) -> Iterator[Transitions]:
    recorder = Transitions()
    dask_cluster.scheduler.add_plugin(recorder, name="twf-test-transitions")
    yield recorder
    dask_cluster.scheduler.remove_plugin(name="twf-test-transitions")


def on_dask(mirror: Path, cluster: LocalCluster, *args: str) -> list[str]:
    return once_command(mirror, "--executor", "dask", "--dask-scheduler", cluster.scheduler_address,
                        "--run", REAL_RUN, "--vars", ",".join(REFERENCE_VARS), *args)


def frame_objects_of(storage: ObjectStore) -> set[str]:
    """Every published object but the series stores (named by the commit that wrote them, `twf.series`)."""
    return {key for key in storage.list("published") if "/_series/" not in key}


def assert_same_run(storage: ObjectStore, reference: LocalStore) -> None:
    """The run holds exactly the reference's frames, byte for byte (sidecars but for their build time), and
    nothing else; it is LATEST and `twf check` finds nothing (series stores included)."""
    assert compare_runs(storage, reference, "hrrr", REAL_RUN) == []
    assert frame_objects_of(storage) == frame_objects_of(reference)
    assert read_latest(storage, "hrrr").run == REAL_RUN
    assert check_model(storage, get_model("hrrr")) == []


def test_a_run_built_on_dask_into_s3_with_a_worker_killed_mid_build_is_identical_to_the_local_pool_s3(
    dask_cluster: LocalCluster, transitions: Transitions, reference_run: LocalStore, two_hour_mirror: Path,
    s3_url: str,
) -> None:
    with Client(dask_cluster, set_as_default=False) as client:
        pids = client.run(os.getpid)
        with subprocess.Popen(on_dask(two_hour_mirror, dask_cluster), stderr=subprocess.PIPE, text=True,
                              env={**os.environ, **s3_environ(s3_url)}) as proc:
            try:
                wait_for(lambda: any(client.processing().values()))
                time.sleep(1.5)  # well into a build (fetching an hour and building its frames takes seconds)
                victim, keys = next((w, k) for w, k in client.processing().items() if k)
                killed_at = time.monotonic()
                os.kill(pids[victim], signal.SIGKILL)  # as the OOM killer would
                _, stderr = proc.communicate(timeout=300)
            finally:
                proc.kill()
        client.wait_for_workers(2, timeout=60)  # its nanny started a new worker
    assert proc.returncode == 0, stderr
    assert f"builds on Dask at {dask_cluster.scheduler_address}: 2 workers, 2 threads" in stderr
    assert len(transitions.computed()) == 4  # each hour dealt over the 2 workers, all run on the cluster
    assert " failed " not in stderr  # Dask ran the task again: the scheduler never saw the kill
    rerun = transitions.computed(after=killed_at)
    assert any(rerun[key] for key in keys), "the killed worker's task was not run again"
    storage = s3_store(s3_url)
    assert_same_run(storage, reference_run)
    assert list(storage.list("staging")) == []
    scratch = Path(tempfile.gettempdir(), "twf-scratch", storage.location.bucket, storage.location.prefix)
    assert not scratch.exists()  # the killed attempt's folders were swept by the next, the rest released


def test_a_dask_scheduler_without_workers_is_one_line_and_nothing_is_published(
    two_hour_mirror: Path, data_root: Path
) -> None:
    with LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=None,
                      scheduler_kwargs=LOOPBACK_HTTP) as empty:
        done = subprocess.run(on_dask(two_hour_mirror, empty, "--data-root", str(data_root)),
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 11
    assert done.stderr.strip().splitlines()[-1] == (
        f"twf scheduler: error: the Dask scheduler at {empty.scheduler_address} has no worker (waited 5 s)")
    assert list(data_root.iterdir()) == []


@pytest.fixture
def dask_processes(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`dask scheduler` and one `dask worker` process, as `make demo-s3` starts them; the scheduler's process
    and address."""
    info = tmp_path / "dask-scheduler.json"
    bin_dir = Path(sys.executable).parent
    loopback = ["--host", "127.0.0.1", "--no-dashboard", "--dashboard-address", "127.0.0.1:0"]
    scheduler = subprocess.Popen([bin_dir / "dask", "scheduler", *loopback, "--port", "0",
                                  "--scheduler-file", info], stderr=subprocess.DEVNULL)
    try:
        wait_for(info.is_file, timeout=60)
        worker = subprocess.Popen([bin_dir / "dask", "worker", *loopback, "--scheduler-file", info,
                                   "--nthreads", "1", "--death-timeout", "30"], stderr=subprocess.DEVNULL)
        try:
            yield scheduler, json.loads(info.read_text())["address"]
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    finally:
        scheduler.kill()
        scheduler.wait()


def test_a_lost_dask_scheduler_ends_the_pass_in_one_line_and_a_rerun_completes_the_run(
    dask_processes: tuple[subprocess.Popen, str], two_hour_mirror: Path, data_root: Path
) -> None:
    dask_scheduler, address = dask_processes
    storage = LocalStore(data_root)
    command = once_command(two_hour_mirror, "--run", REAL_RUN, "--vars", "tmp2m", "--data-root",
                           str(data_root))
    with subprocess.Popen([*command, "--executor", "dask", "--dask-scheduler", address],
                          stderr=subprocess.PIPE, text=True) as proc:
        try:
            wait_for(lambda: storage.head(store.manifest("hrrr", REAL_RUN)) is not None)  # a frame is in
            dask_scheduler.kill()
            _, stderr = proc.communicate(timeout=120)
        finally:
            proc.kill()
    assert proc.returncode == 11, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(f"twf scheduler: error: cannot reach the Dask scheduler at {address}: "), stderr
    assert check_model(storage, get_model("hrrr")) == []  # what was committed is whole
    again = subprocess.run([*command, "--workers", "1"], capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert set(read_manifest(storage, "hrrr", REAL_RUN).frames()) == {("tmp2m", 0), ("tmp2m", 1)}
    assert check_model(storage, get_model("hrrr")) == []
