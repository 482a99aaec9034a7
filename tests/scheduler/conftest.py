from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from twf.storage import LocalStore

from .mirror import OLDER_RUN, REAL_RUN, write_real, write_synthetic

CompletedProcess = subprocess.CompletedProcess
Scheduler = Callable[..., CompletedProcess]


@pytest.fixture(scope="session")
def mirror_template(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path) -> Path:
    """The 17z f00-f01 subsets (real when present, else their stand-ins) plus synthetic f02-f03, and a
    synthetic older run (16z f00-f01)."""
    root = tmp_path_factory.mktemp("mirror")
    write_real(root, hrrr_grib_dir)
    write_synthetic(root, REAL_RUN, [2, 3])
    write_synthetic(root, OLDER_RUN, [0, 1])
    return root


def once_command(mirror: Path, *args: str) -> list[str]:
    """`twf scheduler --once` of HRRR on `mirror`, with quick retries (its store: `--data-root` in `args`, or
    the environment's)."""
    return [sys.executable, "-m", "twf", "scheduler", "--model", "hrrr", "--once",
            "--source", f"mirror:{mirror}", "--retry-seconds", "0.05", "--max-attempts", "2", *args]


def scheduler_command(mirror: Path, root: Path, *args: str) -> list[str]:
    """`once_command` on 2 local worker processes into the data root `root`."""
    return once_command(mirror, "--workers", "2", "--data-root", str(root), *args)


@pytest.fixture
def scheduler(data_root: Path) -> Scheduler:
    """Run `twf scheduler --once` as a user would, against `data_root`; returns the finished process."""

    def run(mirror: Path, *args: str, root: Path = data_root, timeout: float = 240) -> CompletedProcess:
        return subprocess.run(scheduler_command(mirror, root, *args), capture_output=True, text=True,
                              timeout=timeout)

    return run


# The frames every way of building is compared with: two variables (one with contours) at f00 and f01.
REFERENCE_VARS = ("refc", "tmp2m")


@pytest.fixture(scope="session")
def two_hour_mirror(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path) -> Path:
    """REAL_RUN's f00 and f01 only (real when present, else their stand-ins)."""
    root = tmp_path_factory.mktemp("two-hour-mirror")
    write_real(root, hrrr_grib_dir)
    return root


@pytest.fixture(scope="session")
def reference_run(tmp_path_factory: pytest.TempPathFactory, two_hour_mirror: Path) -> LocalStore:
    """`REFERENCE_VARS` of `two_hour_mirror` as the local pool of 2 processes publishes them."""
    root = tmp_path_factory.mktemp("reference") / "v3"
    cmd = once_command(two_hour_mirror, "--workers", "2", "--data-root", str(root), "--run", REAL_RUN,
                       "--vars", ",".join(REFERENCE_VARS))
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return LocalStore(root)


def wait_for(condition: Callable[[], object], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)

