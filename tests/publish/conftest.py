from __future__ import annotations

from pathlib import Path

import pytest

from twf.storage import LocalStore

from .frames import NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN, digests, stage_frames


@pytest.fixture(scope="session")
def staged_template(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path) -> Path:
    """A data root whose staging holds the old run's (synthetic) and the new run's (real) built frames."""
    root = tmp_path_factory.mktemp("template") / "v3"
    stage_frames(LocalStore(root), hrrr_grib_dir, tmp_path_factory.mktemp("grib"))
    return root


@pytest.fixture(scope="session")
def expected_bytes(staged_template: Path) -> dict[tuple[str, str, int], dict[str, str]]:
    """(run, var, fh) → file name → sha256 of the built frame's files."""
    storage = LocalStore(staged_template)
    out = {}
    for run, frames in ((OLD_RUN, OLD_FRAMES), (NEW_RUN, NEW_FRAMES)):
        out.update({(run, *frame): files for frame, files in digests(storage, run, frames).items()})
    return out

