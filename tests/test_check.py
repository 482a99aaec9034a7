"""`twf check [--fix]` on real published frames: drift is reported one line each, and --fix repairs only what
is safe (legacy region trees go only once the canonical run they duplicate is committed)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from twf.builder.pipeline import build_frame
from twf.manifest import empty_manifest, read_latest, read_manifest, write_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.store import Store

RUN = "20260129_17z"
LEGACY_RUN = "20260129_12z"  # a run that only the old region-scoped tree has


@pytest.fixture(scope="module")
def committed_root(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path) -> Path:
    """A data root with the real HRRR run published: tmp2m f00, f01 and refc f01."""
    store = Store(tmp_path_factory.mktemp("committed") / "v3")
    for var, fh, name in (("tmp2m", 0, "tmp2m"), ("tmp2m", 1, "tmp2m"), ("refc", 1, "refc")):
        grib = hrrr_grib_dir / f"hrrr.t17z.wrfsfcf{fh:02d}.{name}-prate.grib2"
        build_frame("hrrr", RUN, var, fh, [grib], store.staging_var_dir("hrrr", RUN, var))
    plan = RunPlan.for_run(get_model("hrrr"), RUN, ["tmp2m", "refc"])
    publish_frames(store, plan, [("tmp2m", 0), ("tmp2m", 1), ("refc", 1)])
    return store.root


@pytest.fixture
def store(committed_root: Path, tmp_path: Path) -> Store:
    root = tmp_path / "v3"
    shutil.copytree(committed_root, root)
    return Store(root)


def twf_check(store: Store, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "twf", "check", "--model", "hrrr", "--data-root", str(store.root), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_consistent_state_has_no_findings_and_exits_0(store: Store) -> None:
    done = twf_check(store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().endswith(f"0 finding(s), 0 fixed, 0 remaining under {store.root}")


def test_listed_frame_with_a_missing_file_is_reported_then_unlisted_by_fix(store: Store) -> None:
    store.published_frame("hrrr", RUN, "tmp2m", 1).value.unlink()
    done = twf_check(store)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} tmp2m fh001: listed but missing fh001.val.cog.tif" in done.stdout
    done = twf_check(store, "--fix")
    assert done.returncode == 0, done.stdout
    assert f"fixed: hrrr {RUN} tmp2m fh001: listed but missing fh001.val.cog.tif" in done.stdout
    assert set(read_manifest(store, "hrrr", RUN).frames()) == {("tmp2m", 0), ("refc", 1)}
    assert not list(store.published_var_dir("hrrr", RUN, "tmp2m").glob("fh001.*"))
    assert twf_check(store).returncode == 0


def test_truncated_cog_of_a_listed_frame_is_drift(store: Store) -> None:
    rgba = store.published_frame("hrrr", RUN, "refc", 1).rgba
    data = rgba.read_bytes()
    rgba.write_bytes(data[: len(data) // 2])
    done = twf_check(store)
    assert done.returncode == 1
    assert f"drift: hrrr {RUN} refc fh001: listed but fh001.rgba.cog.tif: truncated" in done.stdout


def test_published_frame_no_manifest_lists_is_reported_and_removed_by_fix(store: Store) -> None:
    listed = store.published_frame("hrrr", RUN, "refc", 1)
    stray = store.published_frame("hrrr", RUN, "refc", 2)
    for path in listed.directory.glob("fh001.*"):
        shutil.copy(path, stray.directory / path.name.replace("fh001", "fh002"))
    done = twf_check(store)
    assert done.returncode == 1 and f"drift: hrrr {RUN} refc fh002: published but unlisted" in done.stdout
    assert twf_check(store, "--fix").returncode == 0
    assert not list(stray.directory.glob("fh002.*")) and listed.rgba.is_file()


def test_latest_naming_an_uncommitted_run_is_repointed_by_fix(store: Store) -> None:
    latest = store.latest_path("hrrr")
    latest.write_text(json.dumps({"contract_version": "3.0", "model": "hrrr", "run": "20260129_18z",
                                  "updated": "2026-01-29T19:00:00Z"}))
    done = twf_check(store)
    assert done.returncode == 1
    assert "drift: hrrr LATEST.json: names 20260129_18z, which has no committed manifest" in done.stdout
    assert twf_check(store, "--fix").returncode == 0
    assert read_latest(store, "hrrr").run == RUN


def test_legacy_region_tree_goes_only_once_its_run_is_committed_canonically(store: Store) -> None:
    for run in (RUN, LEGACY_RUN):
        legacy_frame = store.root / "published" / "hrrr" / "conus" / run / "tmp2m" / "fh000.json"
        legacy_frame.parent.mkdir(parents=True)
        legacy_frame.write_text("{}")
        legacy_manifest = store.root / "manifests" / "hrrr" / "conus" / f"{run}.json"
        legacy_manifest.parent.mkdir(parents=True, exist_ok=True)
        legacy_manifest.write_text("{}")
    done = twf_check(store)
    assert done.returncode == 1
    assert ("drift: hrrr published/hrrr/conus: legacy region-scoped tree; runs not yet committed "
            f"canonically: {LEGACY_RUN}") in done.stdout
    done = twf_check(store, "--fix")
    assert done.returncode == 1  # the 12z copy must stay until 12z is committed canonically
    assert not (store.root / "published" / "hrrr" / "conus" / RUN).exists()
    assert not (store.root / "manifests" / "hrrr" / "conus" / f"{RUN}.json").exists()
    assert (store.root / "published" / "hrrr" / "conus" / LEGACY_RUN).is_dir()

    write_legacy_run_canonically(store)
    done = twf_check(store, "--fix")
    assert done.returncode == 0, done.stdout
    assert "fixed: hrrr published/hrrr/conus: legacy region-scoped tree" in done.stdout
    assert not (store.root / "published" / "hrrr" / "conus").exists()
    assert not (store.root / "manifests" / "hrrr" / "conus").exists()


def write_legacy_run_canonically(store: Store) -> None:
    """The 12z run gets its canonical manifest (as the scheduler writes once it has rebuilt a frame)."""
    write_manifest(store, empty_manifest("hrrr", LEGACY_RUN))


def test_damaged_manifest_is_reported_not_fixed(store: Store) -> None:
    store.manifest_path("hrrr", RUN).write_text('{"model": "hrrr"')
    done = twf_check(store, "--fix")
    assert done.returncode == 1
    assert f"drift: hrrr {RUN}: " in done.stdout and "not valid JSON" in done.stdout
