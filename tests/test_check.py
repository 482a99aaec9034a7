"""`twf check [--fix]` on real published frames, on each store backend: drift is reported one line each, and
--fix repairs only what is safe (legacy region trees go only once the canonical run they duplicate is
committed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.conftest import clone, s3_environ, upload_tree

from twf import store
from twf.artifacts import RGBA, VALUE
from twf.builder.pipeline import build_frame
from twf.manifest import empty_manifest, list_runs, read_latest, read_manifest, write_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.series.document import load_series
from twf.series.write import update_series
from twf.storage import LocalStore, ObjectStore
from twf.storage.s3 import S3Store

RUN = "20260129_17z"
LEGACY_RUN = "20260129_12z"  # a run that only the old region-scoped tree has


@pytest.fixture(scope="module")
def committed_root(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path) -> Path:
    """A data root with the real HRRR run published: tmp2m f00, f01 and refc f01."""
    storage = LocalStore(tmp_path_factory.mktemp("committed") / "v3")
    for var, fh, name in (("tmp2m", 0, "tmp2m"), ("tmp2m", 1, "tmp2m"), ("refc", 1, "refc")):
        grib = hrrr_grib_dir / f"hrrr.t17z.wrfsfcf{fh:02d}.{name}-prate.grib2"
        build_frame("hrrr", RUN, var, fh, [grib], storage, store.staging_var("hrrr", RUN, var))
    plan = RunPlan.for_run(get_model("hrrr"), RUN, ["tmp2m", "refc"])
    publish_frames(storage, plan, [("tmp2m", 0), ("tmp2m", 1), ("refc", 1)])
    return storage.root


@pytest.fixture(scope="module")
def committed_prefix(committed_root: Path, object_server) -> S3Store:
    """The same committed state in the session's object store, uploaded once."""
    from tests.conftest import S3_BUCKET, s3_store

    storage = s3_store(object_server.url(S3_BUCKET, "check-template"))
    upload_tree(committed_root, storage)
    return storage


@pytest.fixture
def storage(backend: str, committed_root: Path, tmp_path: Path,
            request: pytest.FixtureRequest) -> ObjectStore:
    if backend == "local":
        shutil.copytree(committed_root, tmp_path / "v3")
        return LocalStore(tmp_path / "v3")
    return clone(request.getfixturevalue("committed_prefix"), request.getfixturevalue("s3_url"))


def twf_check(storage: ObjectStore, *args: str) -> subprocess.CompletedProcess:
    where = ["--data-root", str(storage.root)] if isinstance(storage, LocalStore) else []
    env = {**os.environ, **(s3_environ(storage.url) if isinstance(storage, S3Store) else {})}
    cmd = [sys.executable, "-m", "twf", "check", "--model", "hrrr", *where, *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)


def frame_key(kind, var: str, fh: int) -> str:
    return kind.key(store.published_frame("hrrr", RUN, var, fh))


def test_consistent_state_has_no_findings_and_exits_0(storage: ObjectStore) -> None:
    done = twf_check(storage)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(f"0 finding(s), 0 fixed, 0 remaining under {storage.url}")


def test_listed_frame_with_a_missing_file_is_reported_then_unlisted_by_fix(storage: ObjectStore) -> None:
    storage.delete(frame_key(VALUE, "tmp2m", 1))
    done = twf_check(storage)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} tmp2m fh001: listed but missing fh001.val.cog.tif" in done.stdout
    done = twf_check(storage, "--fix")
    assert done.returncode == 0, done.stdout
    assert f"fixed: hrrr {RUN} tmp2m fh001: listed but missing fh001.val.cog.tif" in done.stdout
    assert set(read_manifest(storage, "hrrr", RUN).frames()) == {("tmp2m", 0), ("refc", 1)}
    assert not [k for k in storage.list(store.published_var("hrrr", RUN, "tmp2m")) if "/fh001." in k]
    assert twf_check(storage).returncode == 0


def test_truncated_cog_of_a_listed_frame_is_drift(storage: ObjectStore) -> None:
    key = frame_key(RGBA, "refc", 1)
    data = storage.get(key)
    storage.put(key, data[: len(data) // 2])
    done = twf_check(storage)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} refc fh001: listed but fh001.rgba.cog.tif: truncated" in done.stdout


def test_published_frame_no_manifest_lists_is_reported_and_removed_by_fix(storage: ObjectStore) -> None:
    folder = store.published_var("hrrr", RUN, "refc")
    for key in list(storage.list(folder)):
        storage.copy(key, key.replace("fh001", "fh002"))
    done = twf_check(storage)
    assert done.returncode == 1 and f"drift: hrrr {RUN} refc fh002: published but unlisted" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert not [k for k in storage.list(folder) if "/fh002." in k]
    assert storage.head(frame_key(RGBA, "refc", 1)) is not None


def test_latest_naming_an_uncommitted_run_is_repointed_by_fix(storage: ObjectStore) -> None:
    storage.put(store.latest("hrrr"), json.dumps({"contract_version": "3.0", "model": "hrrr",
                                                  "run": "20260129_18z", "updated": "2026-01-29T19:00:00Z"}
                                                 ).encode())
    done = twf_check(storage)
    assert done.returncode == 1
    assert "drift: hrrr LATEST.json: names 20260129_18z, which has no committed manifest" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert read_latest(storage, "hrrr").run == RUN


def test_legacy_region_tree_goes_only_once_its_run_is_committed_canonically(storage: ObjectStore) -> None:
    for run in (RUN, LEGACY_RUN):
        storage.put(f"published/hrrr/conus/{run}/tmp2m/fh000.json", b"{}")
        storage.put(f"manifests/hrrr/conus/{run}.json", b"{}")
    done = twf_check(storage)
    assert done.returncode == 1
    assert ("drift: hrrr published/hrrr/conus: legacy region-scoped tree; runs not yet committed "
            f"canonically: {LEGACY_RUN}") in done.stdout
    done = twf_check(storage, "--fix")
    assert done.returncode == 1  # the 12z copy must stay until 12z is committed canonically
    assert list(storage.list(f"published/hrrr/conus/{RUN}")) == []
    assert storage.head(f"manifests/hrrr/conus/{RUN}.json") is None
    assert list(storage.list(f"published/hrrr/conus/{LEGACY_RUN}")) != []

    write_legacy_run_canonically(storage)
    done = twf_check(storage, "--fix")
    assert done.returncode == 0, done.stdout
    assert "fixed: hrrr published/hrrr/conus: legacy region-scoped tree" in done.stdout
    assert "conus" not in storage.children("published/hrrr") | storage.children("manifests/hrrr")


def write_legacy_run_canonically(storage: ObjectStore) -> None:
    """The 12z run gets its canonical manifest (as the scheduler writes once it has rebuilt a frame)."""
    write_manifest(storage, empty_manifest("hrrr", LEGACY_RUN), None)


def test_damaged_manifest_is_reported_not_fixed(storage: ObjectStore) -> None:
    storage.put(store.manifest("hrrr", RUN), b'{"model": "hrrr"')
    done = twf_check(storage, "--fix")
    assert done.returncode == 1
    assert f"drift: hrrr {RUN}: " in done.stdout and "not valid JSON" in done.stdout


def test_run_index_missing_a_committed_run_is_repaired_by_fix(storage: ObjectStore) -> None:
    storage.delete(store.run_index("hrrr"))
    done = twf_check(storage)
    assert done.returncode == 1
    assert f"drift: hrrr runs.json: misses {RUN}, which has a committed manifest" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert list_runs(storage, "hrrr") == [RUN]


def test_run_index_naming_a_run_without_manifest_is_repaired_by_fix(storage: ObjectStore) -> None:
    write_manifest(storage, empty_manifest("hrrr", LEGACY_RUN), None)
    storage.delete(store.manifest("hrrr", LEGACY_RUN))
    done = twf_check(storage)
    assert f"drift: hrrr runs.json: lists {LEGACY_RUN}, which has no committed manifest" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert list_runs(storage, "hrrr") == [RUN]


def served_hours(storage: ObjectStore, var: str) -> set[int]:
    loaded = load_series(storage, "hrrr", RUN, var)
    return set(loaded[0].hours) if loaded else set()


def test_a_series_store_lacking_a_committed_hour_is_rebuilt_by_fix(storage: ObjectStore) -> None:
    manifest = read_manifest(storage, "hrrr", RUN)
    entry = manifest.variables["tmp2m"]
    only_f00 = manifest.with_frames("tmp2m", entry.kind, entry.units, entry.expected_frames, {0},
                                    datetime.now(UTC))
    update_series(storage, get_model("hrrr"), only_f00, "tmp2m", rebuild=True)  # as if f01's write was lost
    done = twf_check(storage)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} tmp2m series: lacks committed fh001" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert served_hours(storage, "tmp2m") == {0, 1}
    assert twf_check(storage).returncode == 0


def test_a_damaged_series_store_is_rebuilt_from_the_frames_by_fix(storage: ObjectStore) -> None:
    refc = load_series(storage, "hrrr", RUN, "refc")[0]
    shard = refc.keys.segment_shard(refc.segments[0].name)
    storage.put(shard, bytes(b ^ 0x5A for b in storage.get(shard)))
    storage.put(store.series("hrrr", RUN, "tmp2m").document, b"{not json")
    done = twf_check(storage)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} refc series: segment {refc.segments[0].name}: " in done.stdout
    assert f"drift: hrrr {RUN} tmp2m series: " in done.stdout and "not valid JSON" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert served_hours(storage, "refc") == {1} and served_hours(storage, "tmp2m") == {0, 1}
    assert twf_check(storage).returncode == 0


def test_objects_no_series_document_names_are_deleted_by_fix(storage: ObjectStore) -> None:
    stray = f"{store.series('hrrr', RUN, 'tmp2m').prefix}/g9_deadbeef/c/0/0/0"
    storage.put(stray, b"left by a writer that died before its commit")
    done = twf_check(storage)
    assert f"drift: hrrr {RUN} tmp2m series: 1 object(s) no document names" in done.stdout
    assert twf_check(storage, "--fix").returncode == 0
    assert storage.head(stray) is None and served_hours(storage, "tmp2m") == {0, 1}


def test_the_series_store_of_a_variable_left_without_frames_goes_with_them(storage: ObjectStore) -> None:
    storage.delete(frame_key(VALUE, "refc", 1))
    done = twf_check(storage, "--fix")
    assert f"fixed: hrrr {RUN} refc series: store of a variable without committed frames" in done.stdout
    assert list(storage.list(store.series("hrrr", RUN, "refc").prefix)) == []
    assert twf_check(storage).returncode == 0
