"""Two schedulers of one model racing on one object store (a second build host started by mistake, or a
failover that overlaps): every manifest and LATEST.json commit is a compare-and-swap, so neither ever
commits over the other; each frame is committed once, whole, and the run ends as one scheduler alone makes
it."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from bench.soak_publish import compare_frames
from tests.conftest import s3_environ, s3_store

from twf.check import check_model
from twf.manifest import read_latest, read_manifest
from twf.models import get_model
from twf.storage import LocalStore

from .conftest import REFERENCE_VARS, once_command
from .mirror import REAL_RUN


def test_two_schedulers_of_one_model_commit_each_frame_once_and_whole_s3(
    reference_run: LocalStore, two_hour_mirror: Path, s3_url: str
) -> None:
    command = once_command(two_hour_mirror, "--workers", "1", "--vars", ",".join(REFERENCE_VARS))
    environ = {**os.environ, **s3_environ(s3_url)}
    racing = [subprocess.Popen(command, env=environ, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    logs = [proc.communicate(timeout=300)[1] for proc in racing]
    assert [proc.returncode for proc in racing] == [0, 0], logs
    frames = {(var, fh) for var in REFERENCE_VARS for fh in (0, 1)}
    published = [(m[1], int(m[2])) for log in logs
                 for m in re.finditer(rf"hrrr {REAL_RUN} (\w+) fh(\d+) published", log)]
    assert sorted(published) == sorted(frames)  # each frame committed by exactly one of them
    storage = s3_store(s3_url)
    assert set(read_manifest(storage, "hrrr", REAL_RUN).frames()) == frames
    assert compare_frames(storage, reference_run, "hrrr", REAL_RUN, frames) == []
    assert read_latest(storage, "hrrr").run == REAL_RUN
    assert check_model(storage, get_model("hrrr")) == []
