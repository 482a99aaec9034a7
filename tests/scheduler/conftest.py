from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

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


def scheduler_command(mirror: Path, root: Path, *args: str) -> list[str]:
    """`twf scheduler --once` of HRRR from a mirror folder, with quick retries."""
    return [sys.executable, "-m", "twf", "scheduler", "--model", "hrrr", "--once",
            "--source", f"mirror:{mirror}", "--workers", "2", "--data-root", str(root),
            "--retry-seconds", "0.05", "--max-attempts", "2", *args]


@pytest.fixture
def scheduler(data_root: Path) -> Scheduler:
    """Run `twf scheduler --once` as a user would, against `data_root`; returns the finished process."""

    def run(mirror: Path, *args: str, root: Path = data_root, timeout: float = 240) -> CompletedProcess:
        return subprocess.run(scheduler_command(mirror, root, *args), capture_output=True, text=True,
                              timeout=timeout)

    return run

