"""Bad input to `twf scheduler` is one clear line and a non-zero exit, before any work starts."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest


def twf_scheduler(data_root: Path, mirror: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "twf", "scheduler", "--model", "hrrr", "--once",
           "--data-root", str(data_root), "--source", f"mirror:{mirror}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("args", "message"), [
    (["--source", "ftp://example"], "unknown source 'ftp://example'"),
    (["--vars", "tmp2m,nope"], "model 'hrrr' has no variable 'nope'"),
    (["--run", "2026-01-29"], "run id '2026-01-29' is not of the form YYYYMMDD_HHz"),
    (["--workers", "0"], "--workers must be at least 1"),
    (["--executor", "dask"], "--executor dask needs --dask-scheduler tcp://HOST:PORT"),
    (["--executor", "dask", "--dask-scheduler", "127.0.0.1:8786"],
     "--dask-scheduler '127.0.0.1:8786' is not tcp://HOST:PORT"),
    (["--dask-scheduler", "tcp://127.0.0.1:8786"], "--dask-scheduler is only for --executor dask"),
])
def test_bad_arguments_fail_with_one_line(
    args: list[str], message: str, data_root: Path, tmp_path: Path
) -> None:
    done = twf_scheduler(data_root, tmp_path, *args)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"twf scheduler: error: {message}"), done.stderr


def test_once_with_no_run_upstream_exits_non_zero(data_root: Path, tmp_path: Path) -> None:
    done = twf_scheduler(data_root, tmp_path)
    assert done.returncode != 0
    assert f"twf scheduler: error: no hrrr run found in mirror:{tmp_path}" in done.stderr


def test_an_unreachable_dask_scheduler_is_one_line_and_nothing_is_published(data_root: Path,
                                                                             tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    done = twf_scheduler(data_root, tmp_path, "--executor", "dask", "--dask-scheduler", address)
    assert done.returncode == 11
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"twf scheduler: error: cannot reach the Dask scheduler at {address}"), done.stderr
    assert list(data_root.iterdir()) == []
