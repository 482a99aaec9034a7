from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import S3_BUCKET, clone, s3_store, upload_tree

from twf.storage import LocalStore, ObjectStore
from twf.storage.s3 import S3Store

from .frames import NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN, digests, link_copy, stage_frames


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



@pytest.fixture(scope="session")
def s3_staged_template(staged_template: Path, object_server) -> S3Store:
    """The staged template's objects in the session's object store, uploaded once."""
    storage = s3_store(object_server.url(S3_BUCKET, "staged-template"))
    upload_tree(staged_template, storage)
    return storage


@pytest.fixture(params=["local", "s3"])
def staged_store(request: pytest.FixtureRequest, staged_template: Path, tmp_path: Path) -> ObjectStore:
    """A fresh store holding the staged template: a hard-link copy of the folder, or a server-side copy of the
    uploaded prefix (the test id says which)."""
    if request.param == "local":
        return link_copy(staged_template, tmp_path / "v3")
    return clone(request.getfixturevalue("s3_staged_template"), request.getfixturevalue("s3_url"))
