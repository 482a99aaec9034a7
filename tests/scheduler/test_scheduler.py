"""`twf scheduler --once` end to end: a local mirror (real HRRR samples + synthetic hours) → fetch → build on
2 worker processes → publish, checked the way a reader of committed state sees it."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import rasterio

from twf import store
from twf.artifacts import RGBA, VALUE
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.series.document import load_series
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import write_grib2, write_idx

from .conftest import Scheduler
from .mirror import OLDER_RUN, REAL_RUN, corrupt, mirror_file, write_real, write_synthetic

VARS = ("refc", "tmp2m")


def test_once_publishes_a_short_run_in_the_canonical_layout(mirror_template: Path, data_root: Path,
                                                           scheduler: Scheduler) -> None:
    done = scheduler(mirror_template, "--vars", ",".join(VARS))
    assert done.returncode == 0, done.stderr
    storage = LocalStore(data_root)
    # the newest run of the mirror, f00-f03 of each variable, one log line per frame and a summary
    frames = {(var, fh) for var in VARS for fh in range(4)}
    for var, fh in frames:
        assert f"hrrr {REAL_RUN} {var} fh{fh:03d} published" in done.stderr
    assert f"hrrr {REAL_RUN} pass done: 8/38 frames committed, failed: none" in done.stderr
    # exactly the canonical layout: no region folder anywhere
    assert sorted(p.name for p in (data_root / "published").iterdir()) == ["hrrr"]
    assert storage.children(store.published_model("hrrr")) == {REAL_RUN, "LATEST.json"}
    assert storage.children(store.published_run("hrrr", REAL_RUN)) == {*VARS, store.SERIES_AREA}
    assert all(load_series(storage, "hrrr", REAL_RUN, var)[0].hours == set(range(4)) for var in VARS)
    assert storage.children(store.manifests("hrrr")) == {f"{REAL_RUN}.json", "runs.json"}
    # the manifest lists exactly the frames on disk; LATEST names the run
    manifest = read_manifest(storage, "hrrr", REAL_RUN)
    on_disk = {(p.parent.name, int(p.name[2:5]))
               for p in storage.path(store.published_run("hrrr", REAL_RUN)).rglob("fh*.json")}
    assert set(manifest.frames()) == on_disk == frames
    assert read_latest(storage, "hrrr").run == REAL_RUN
    # one grid for every variable and hour
    grids = set()
    for var, fh in frames:
        frame = store.published_frame("hrrr", REAL_RUN, var, fh)
        rgba_file, value_file = (storage.path(kind.key(frame)) for kind in (RGBA, VALUE))
        with rasterio.open(rgba_file) as rgba, rasterio.open(value_file) as value:
            grids.add((rgba.crs.to_string(), tuple(rgba.transform), rgba.shape,
                       tuple(value.transform), value.shape))
    assert grids == {("EPSG:3857", (3000.0, 0.0, -14940000.0, 0.0, -3000.0, 7020000.0, 0.0, 0.0, 1.0),
                      (1560, 2760), (12000.0, 0.0, -14940000.0, 0.0, -12000.0, 7020000.0, 0.0, 0.0, 1.0),
                      (390, 690))}
    assert check_model(storage, get_model("hrrr")) == []
    # a second pass finds nothing left to do and changes nothing
    again = scheduler(mirror_template, "--vars", ",".join(VARS))
    assert again.returncode == 0 and " published " not in again.stderr
    assert read_manifest(storage, "hrrr", REAL_RUN) == manifest


def test_corrupt_grib_fails_only_its_frames_and_absent_records_are_given_up_at_once(
    mirror_template: Path, hrrr_grib_dir: Path, tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    write_synthetic(mirror, OLDER_RUN, [0, 1])
    assert scheduler(mirror, "--vars", ",".join(VARS)).returncode == 0
    storage = LocalStore(data_root)
    assert read_latest(storage, "hrrr").run == OLDER_RUN
    older = storage.get(store.manifest("hrrr", OLDER_RUN))

    # upstream so far: the new run's f00 is corrupt (retried, then given up), and neither hour's complete
    # inventory lists reflectivity (given up at once: it will not appear)
    write_real(mirror, hrrr_grib_dir, refc=False)
    corrupt(mirror_file(mirror, REAL_RUN, 0))
    done = scheduler(mirror, "--vars", ",".join(VARS))
    assert done.returncode == 0, done.stderr
    assert f"hrrr {REAL_RUN} tmp2m fh000 failed (attempt 2, given up)" in done.stderr
    for fh in (0, 1):
        assert f"hrrr {REAL_RUN} refc fh{fh:03d} failed (attempt 1, given up: it will not appear upstream)" \
            in done.stderr
    manifest = read_manifest(storage, "hrrr", REAL_RUN)
    assert set(manifest.frames()) == {("tmp2m", 1)}
    assert "REFC 0-EATM in f001" in manifest.variables["refc"].unavailable
    # the end of the --once pass: the new run is LATEST without reflectivity; the older one is still served
    assert read_latest(storage, "hrrr").run == REAL_RUN
    assert storage.get(store.manifest("hrrr", OLDER_RUN)) == older

    # f02 arrives whole: reflectivity has its first frame and is no longer marked unavailable
    shutil.copytree(mirror_template, mirror, dirs_exist_ok=True,
                    ignore=lambda d, names: [n for n in names if "wrfsfcf00" in n or "wrfsfcf01" in n])
    done = scheduler(mirror, "--vars", ",".join(VARS))
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(storage, "hrrr", REAL_RUN)
    assert {("refc", 2), ("tmp2m", 1), ("tmp2m", 2)} <= set(manifest.frames())
    assert ("tmp2m", 0) not in set(manifest.frames())
    assert manifest.variables["refc"].unavailable is None
    assert read_latest(storage, "hrrr").run == REAL_RUN
    assert list_runs(storage, "hrrr") == [REAL_RUN, OLDER_RUN]
    assert check_model(storage, get_model("hrrr")) == []


def test_a_frame_with_implausible_inputs_fails_alone_with_one_line_and_the_rest_publishes(
    mirror_template: Path, tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(mirror_template, mirror)
    write_synthetic(mirror, REAL_RUN, [1])  # a whole f01 beside the real sample's two fields: a good frame
    hrrr, ref = get_model("hrrr"), parse_run_id(REAL_RUN)
    # f02 as a broken upstream file might hold it: surface pressure in hPa instead of Pa; f03 with the ground
    # above every level of the temperature profile (400 hPa: no level from 925 to 500 hPa is above ground)
    broken = {2: lambda values: values / 100, 3: lambda values: np.full_like(values, 40000.0)}
    for fh, pressure in broken.items():
        messages = [replace(m, values=pressure(m.values)) if m.element == "PRES" else m
                    for m in forecast_messages(hrrr, ref, fh)]
        write_idx(write_grib2(mirror_file(mirror, REAL_RUN, fh), hrrr, messages))
    done = scheduler(mirror, "--vars", "snow_ratio,tmp2m")
    assert done.returncode == 0, done.stderr
    reasons = {
        2: "ImplausibleInput: surface pressure spans 728..1021 Pa, not 30000..110000 Pa",
        3: "ImplausibleInput: temperature profile: 100% of points have no level above ground "
           "(surface pressure below 500 hPa)",
    }
    for fh, reason in reasons.items():
        failed = [line for line in done.stderr.splitlines() if f"snow_ratio fh{fh:03d} failed" in line]
        assert len(failed) == 2 and failed[-1].endswith(f"(attempt 2, given up): {reason}")
    committed = set(read_manifest(LocalStore(data_root), "hrrr", REAL_RUN).frames())
    assert {("tmp2m", fh) for fh in range(4)} | {("snow_ratio", 1)} <= committed
    assert not {("snow_ratio", 2), ("snow_ratio", 3)} & committed
