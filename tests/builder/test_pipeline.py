"""The artifact set of one frame: files, canonical grids, COG validity, sidecar contents."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate

from twf import CONTRACT_VERSION
from twf.artifacts import RGBA, SIDECAR, VALUE
from twf.builder.pipeline import build_frame
from twf.builder.validate import validate_frame
from twf.errors import GridDrift, InvalidFrame
from twf.models import get_model
from twf.storage import LocalStore
from twf.store import FrameKeys

from .conftest import GFS_BUCKETS, HRRR_F00, HRRR_RUN, NAM_BUCKETS


def _profile(path):
    with rasterio.open(path) as ds:
        return ds.crs.to_string(), tuple(ds.transform)[:6], ds.shape, ds.count, ds.dtypes[0]


def test_every_frame_is_on_its_models_canonical_grids(frames):
    for built in frames.values():
        model = get_model(built.model)
        crs, transform, shape, count, dtype = _profile(built.file(RGBA))
        assert (crs, transform, shape, count, dtype) == (
            "EPSG:3857", tuple(model.grid.transform)[:6], model.grid.shape, 4, "uint8")
        crs, transform, shape, count, dtype = _profile(built.file(VALUE))
        assert (crs, transform, shape, count, dtype) == (
            "EPSG:3857", tuple(model.value_grid.transform)[:6], model.value_grid.shape, 1, "float32")


def test_grids_do_not_drift_across_variables_and_forecast_hours(frames):
    by_model: dict[str, set] = {}
    for built in frames.values():
        by_model.setdefault(built.model, set()).add(
            (_profile(built.file(RGBA))[:3], _profile(built.file(VALUE))[:3]))
    assert {m for m, grids in by_model.items() if len(grids) != 1} == set()
    assert len({b.fh for b in frames.values() if b.model == "hrrr"}) >= 3


def test_value_grid_is_exactly_four_times_coarser_with_the_same_origin(frames):
    _, rgba_t, rgba_shape, _, _ = _profile(frames["hrrr/tmp2m/1"].file(RGBA))
    _, value_t, value_shape, _, _ = _profile(frames["hrrr/tmp2m/1"].file(VALUE))
    assert value_t == (rgba_t[0] * 4, 0.0, rgba_t[2], 0.0, rgba_t[4] * 4, rgba_t[5])
    assert (value_shape[0] * 4, value_shape[1] * 4) == rgba_shape


@pytest.mark.parametrize("key", ["hrrr/tmp2m/1", "hrrr/radar_ptype/2", "gfs/tmp2m/0"])
def test_cogs_are_valid_cloud_optimized_geotiffs_with_internal_overviews(frames, key):
    built = frames[key]
    for path in (built.file(RGBA), built.file(VALUE)):
        valid, errors, _ = cog_validate(str(path))
        assert valid, errors
    with rasterio.open(built.file(RGBA)) as ds:
        assert ds.overviews(1)


def test_sidecar_describes_the_frame_per_the_contract(frames):
    built = frames["hrrr/tmp2m/1"]
    sidecar = json.loads(built.file(SIDECAR).read_text())
    assert sidecar == built.frame.sidecar.to_dict()
    assert sidecar["contract_version"] == CONTRACT_VERSION
    identity = (sidecar["model"], sidecar["run"], sidecar["var"], sidecar["fh"])
    assert identity == ("hrrr", "20260129_17z", "tmp2m", 1)
    assert (sidecar["ref_time"], sidecar["valid_time"]) == ("2026-01-29T17:00:00Z", "2026-01-29T18:00:00Z")
    assert (sidecar["units"], sidecar["kind"], sidecar["resampling"]) == ("°F", "continuous", "bilinear")
    assert sidecar["files"] == {"rgba": "fh001.rgba.cog.tif", "value": "fh001.val.cog.tif"}
    assert sidecar["overlays"] == {"iso2f": "fh001.overlay.iso2f.geojson"}
    assert sidecar["source"] == [{
        "file": "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", "element": "TMP", "level": "2-HTGL",
        "ref_time": "2026-01-29T17:00:00Z", "valid_time": "2026-01-29T18:00:00Z", "window_hours": None}]
    with rasterio.open(built.file(VALUE)) as ds:
        values = ds.read(1)
    lo, hi = sidecar["value_range"]["min"], sidecar["value_range"]["max"]
    assert -40 < lo <= np.nanmin(values) <= np.nanmax(values) <= hi < 110


def test_variable_directory_holds_only_the_frames_files_and_no_temporaries(frames):
    suffixes = [".json", ".overlay.iso2f.geojson", ".rgba.cog.tif", ".val.cog.tif"]
    assert sorted(p.name for p in frames["hrrr/tmp2m/1"].folder.iterdir()) == [
        f"fh00{fh}{suffix}" for fh in (0, 1) for suffix in suffixes]


def _interior_mean(path) -> float:
    with rasterio.open(path) as ds:
        values = ds.read(1)
    return float(np.nanmedian(values))


def test_hrrr_run_total_precip_reads_the_0_to_fh_window_not_the_bucket(frames):
    built = frames["hrrr/precip_total/2"]
    assert [s["window_hours"] for s in built.frame.sidecar.source] == [[0, 2]]
    with rasterio.open(built.file(VALUE)) as ds:
        values = ds.read(1)
    assert np.nanmin(values) > 1.9 / 25.4  # the 1-hour bucket holds 1 mm everywhere; the run total >= 2 mm


def test_nam_run_total_sums_its_resetting_buckets(frames):
    built = frames["nam/precip_total/5"]
    assert [tuple(s["window_hours"]) for s in built.frame.sidecar.source] == list(NAM_BUCKETS)
    expected_in = sum(NAM_BUCKETS.values()) / 25.4
    assert _interior_mean(built.file(VALUE)) == pytest.approx(expected_in, abs=1e-3)


def test_gfs_10_to_1_snowfall_pairs_each_bucket_with_its_averaged_snow_flag(frames):
    built = frames["gfs/snowfall_total/7"]
    expected_mm = 10 * sum(amount * snow for amount, snow in GFS_BUCKETS.values())
    assert _interior_mean(built.file(VALUE)) == pytest.approx(expected_mm / 25.4, abs=1e-3)
    gfs_total = frames["gfs/precip_total/7"]
    assert [s["window_hours"] for s in gfs_total.frame.sidecar.source] == [[0, 7]]
    expected_in = sum(amount for amount, _ in GFS_BUCKETS.values()) / 25.4
    assert _interior_mean(gfs_total.file(VALUE)) == pytest.approx(expected_in, abs=1e-3)


def test_wind_speed_is_the_magnitude_of_u_and_v_in_mph(frames):
    with rasterio.open(frames["hrrr/wspd10m/2"].file(VALUE)) as ds:
        values = ds.read(1)
    # u runs 3 .. 9 m/s across the grid and v is -4 m/s: |(u, v)| spans 5 .. 9.85 m/s.
    assert np.nanmin(values) == pytest.approx(5 * 2.23694, abs=0.05)
    assert np.nanmax(values) <= np.hypot(3 + 1798 / 300, 4) * 2.23694 + 0.05  # GRIB packs u, v to 0.01 m/s


def test_validate_frame_rejects_a_frame_on_another_models_grid(frames):
    built = frames["gfs/tmp2m/0"]
    with pytest.raises((GridDrift, InvalidFrame)):
        validate_frame(built.storage, built.frame.frame, get_model("hrrr"))
    assert validate_frame(built.storage, built.frame.frame, get_model("gfs")).model == "gfs"


def test_validate_frame_detects_a_raster_that_drifted(frames, tmp_path):
    import shutil

    source = frames["hrrr/refc/1"]
    for kind in (RGBA, SIDECAR):
        shutil.copy(source.file(kind), tmp_path / source.file(kind).name)
    with rasterio.open(source.file(VALUE)) as ds:
        shifted = ds.transform @ rasterio.Affine.translation(1, 0)
        profile = ds.profile | {"driver": "GTiff", "transform": shifted}
        data = ds.read()
    with rasterio.open(tmp_path / source.file(VALUE).name, "w", **profile) as out:
        out.write(data)
    with pytest.raises(GridDrift):
        validate_frame(LocalStore(tmp_path), FrameKeys("", 1), get_model("hrrr"))


def test_unit_conversions_give_display_units(frames):
    """MSLMA 101325 Pa + column index → 1013.25 .. 1031.2 hPa; ASNOW 0.0254 m → 1 in."""
    mslp = frames["hrrr/mslp/2"].frame.sidecar.value_range
    assert 1013.2 <= mslp["min"] < 1014 and 1030 < mslp["max"] <= 1031.3
    assert _interior_mean(frames["hrrr/snowfall_total/2"].file(VALUE)) == pytest.approx(1.0, abs=1e-3)


class PrunedOnce(LocalStore):
    """A store whose staging folder is removed right after it is made, once: a publisher clearing the staged
    copies of a committed frame prunes the emptied folder between the builder's two steps."""

    pruned = False

    def scratch_dir(self, prefix: str) -> Path:
        folder = super().scratch_dir(prefix)
        if not self.pruned:
            self.pruned = True
            folder.rmdir()
        return folder


def test_a_staging_folder_pruned_under_the_builder_is_made_again(hrrr_grib_dir: Path, tmp_path: Path) -> None:
    storage = PrunedOnce(tmp_path / "v3")
    built = build_frame("hrrr", HRRR_RUN, "tmp2m", 0, [hrrr_grib_dir / HRRR_F00], storage, "hrrr/run/tmp2m")
    assert storage.pruned and storage.head(SIDECAR.key(built.frame)) is not None
