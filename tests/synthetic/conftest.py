"""Synthetic files shared by this package's tests: for each model, the files one frame reads (its buckets'
files and its own), filled with the synthetic weather, with no `.idx` beside them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import SyntheticMessage, write_grib2

from .frames import FRAMES


@dataclass(frozen=True)
class FrameFiles:
    run: str
    fh: int
    paths: list[Path]  # in file-hour order; the last is the frame hour's own file
    messages: list[SyntheticMessage]  # of the frame hour's file, in file order


@pytest.fixture(scope="package")
def frame_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FrameFiles]:
    out = tmp_path_factory.mktemp("synthetic-frames")
    files = {}
    for name, (run, hours, fh) in FRAMES.items():
        model, ref = get_model(name), parse_run_id(run)
        paths, messages = [], []
        for h in hours:
            messages = forecast_messages(model, ref, h)
            paths.append(write_grib2(out / name / f"f{h:03d}.grib2", model, messages))
        files[name] = FrameFiles(run, fh, paths, messages)
    return files
