"""Runs built from a demo mirror (a `DEMO.json` marker at its root) are labelled demo data all the way to the
viewer: the committed manifest says `"demo": true` and the API's manifest route passes it on. Runs from any
other mirror carry no such flag."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
from tests.api.conftest import start_server

from twf import store
from twf.demo.marker import marker_path
from twf.manifest import read_manifest
from twf.storage import LocalStore

from .conftest import Scheduler
from .mirror import REAL_RUN


def write_demo_mirror(mirror: Path) -> None:
    command = [sys.executable, "-m", "twf", "demo-data", "--model", "hrrr", "--run", REAL_RUN, "--fhs", "0",
               "--mirror", str(mirror)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_runs_built_from_a_demo_mirror_are_marked_demo_in_manifest_and_api(
    tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    write_demo_mirror(mirror)
    done = scheduler(mirror, "--vars", "tmp2m")
    assert done.returncode == 0, done.stderr
    assert "demo mirror" in done.stderr
    committed = json.loads(LocalStore(data_root).get(store.manifest("hrrr", REAL_RUN)))
    assert committed["demo"] is True
    assert committed["variables"]["tmp2m"]["available_frames"] == 1

    serving = start_server(data_root, tmp_path / "serve.log", TWF_WEB_DIST=str(tmp_path / "no-viewer"))
    url = next(serving).url
    try:
        for run in (REAL_RUN, "latest"):
            answer = httpx.get(f"{url}/api/v3/hrrr/{run}/manifest", timeout=30)
            assert answer.status_code == 200
            assert answer.json()["demo"] is True
    finally:
        serving.close()


def test_runs_built_from_an_unmarked_mirror_carry_no_demo_flag(
    tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    write_demo_mirror(mirror)
    marker_path(mirror).unlink()
    done = scheduler(mirror, "--vars", "tmp2m")
    assert done.returncode == 0, done.stderr
    committed = json.loads(LocalStore(data_root).get(store.manifest("hrrr", REAL_RUN)))
    assert "demo" not in committed
    assert read_manifest(LocalStore(data_root), "hrrr", REAL_RUN).demo is False
