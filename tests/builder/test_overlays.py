"""Overlays built by the pipeline from synthetic files on the real grids, checked against the fields they
draw: height lines on their level of the warped height field, isobars every 4 hPa with the low labelled at
the synthetic storm's centre, barbs agreeing with the closed-form wind (through HRRR's grid-relative
components and NBM's speed and direction)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer
from scipy.ndimage import map_coordinates

from twf.artifacts import OVERLAYS
from twf.builder.decode import decode
from twf.builder.pipeline import build_frame
from twf.builder.smoothing import smooth
from twf.builder.warp import warp
from twf.grid import CRS
from twf.models import get_model
from twf.models.base import HTGL_10M, ISBL_850, MEAN_SEA_LEVEL, isobaric
from twf.models.requirements import MessageRequest
from twf.storage import LocalStore
from twf.store import FrameKeys, parse_run_id
from twf.synthetic import aloft
from twf.synthetic.forecast import instant_messages
from twf.synthetic.grib import write_grib2
from twf.synthetic.weather import KM_PER_DEG, state_at

GFS_RUN, HRRR_RUN, NBM_RUN = "20260129_12z", "20260129_17z", "20260129_13z"
MPS_TO_KNOTS = 3600 / 1852
_TO_3857 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)

# (model, run, fh, file name, fields)
FILES = {
    "gfs": ("gfs", GFS_RUN, 6, "gfs.t12z.pgrb2.0p25.f006",
            [("ABSV", isobaric(500)), ("HGT", isobaric(500)), ("PRMSL", MEAN_SEA_LEVEL)]),
    "hrrr": ("hrrr", HRRR_RUN, 1, "hrrr.t17z.wrfsfcf01.grib2",
             [("TMP", ISBL_850), ("HGT", ISBL_850), ("UGRD", ISBL_850), ("VGRD", ISBL_850)]),
    "nbm": ("nbm", NBM_RUN, 1, "blend.t13z.core.f001.co.grib2", [("WIND", HTGL_10M), ("WDIR", HTGL_10M)]),
}
FRAMES = {"gfs/hgt500_vort": "gfs", "gfs/mslp": "gfs", "hrrr/tmp850_hgt": "hrrr", "nbm/wspd10m": "nbm"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory,
          ) -> tuple[dict[str, Path], LocalStore, dict[str, FrameKeys]]:
    folder = tmp_path_factory.mktemp("overlay-gribs")
    files = {}
    for name, (model, run, fh, file_name, fields) in FILES.items():
        spec = get_model(model)
        messages = instant_messages(spec, parse_run_id(run), fh, fields)
        files[name] = write_grib2(folder / file_name, spec, messages)
    storage = LocalStore(tmp_path_factory.mktemp("overlay-frames"))
    frames = {}
    for frame, name in FRAMES.items():
        model, run, fh, _, _ = FILES[name]
        var = frame.split("/")[1]
        frames[frame] = build_frame(model, run, var, fh, [files[name]], storage, frame).frame
    return files, storage, frames


def _overlay(built, frame: str, key: str) -> dict:
    _, storage, frames = built
    return json.loads(storage.get(OVERLAYS.key(frames[frame], key)))


def _vertex_pixels(coords: np.ndarray, transform) -> list[np.ndarray]:
    x, y = _TO_3857.transform(coords[:, 0], coords[:, 1])
    x, y = np.asarray(x), np.asarray(y)
    return [(y - transform.f) / transform.e - 0.5, (x - transform.c) / transform.a - 0.5]


def test_height_lines_are_every_6_dam_on_their_level_of_the_warped_500_hpa_heights(built):
    files, _, _ = built
    model = get_model("gfs")
    var = model.variables["hgt500_vort"]
    [heights] = [o for o in var.overlays if o.key == "heights"]
    request = MessageRequest(6, "HGT", isobaric(500))
    [message] = decode([files["gfs"]], (request,), parse_run_id(GFS_RUN))
    # drawn on a grid twice as coarse as the display (`Isolines.downsample`), smoothed by the sigma / 2
    assert heights.downsample == 2
    coarse = model.grid.downsampled(2)
    field = warp(message.data / np.float32(10), message.crs, message.transform, coarse, "bilinear")
    smoothed = smooth(field, heights.smoothing_sigma_px / 2)
    collection = _overlay(built, "gfs/hgt500_vort", "heights")
    levels = [f["properties"]["value"] for f in collection["features"]]
    assert len(levels) >= 5 and all(level % 6 == 0 for level in levels)
    assert {f["properties"]["label"] for f in collection["features"]} == {f"{level:g}" for level in levels}
    errors = []
    for feature in collection["features"]:
        vertices = np.concatenate([np.asarray(line) for line in feature["geometry"]["coordinates"]])
        pixels = _vertex_pixels(vertices, coarse.transform)
        # "nearest": a vertex on the grid's outer row lies a rounding error outside it
        sampled = map_coordinates(smoothed, pixels, order=1, mode="nearest")
        errors.append(sampled - feature["properties"]["value"])
    assert np.abs(np.concatenate(errors)).max() < 0.05  # dam: coordinates are rounded to 1e-4 degrees


def test_isobars_are_every_4_hpa_and_the_low_is_labelled_at_the_storms_centre(built):
    isobars = _overlay(built, "gfs/mslp", "isobars")
    values = [f["properties"]["value"] for f in isobars["features"]]
    assert len(values) >= 5 and all(v % 4 == 0 for v in values)
    assert [f["properties"]["value"] for f in isobars["features"] if f["properties"]["major"]] == [1012.0]
    centres = _overlay(built, "gfs/mslp", "centres")["features"]
    lows = [f for f in centres if f["properties"]["kind"] == "L"]
    centre_lon, centre_lat = state_at("gfs", parse_run_id(GFS_RUN), 6).centre
    nearest = min(lows, key=lambda f: math.dist(f["geometry"]["coordinates"], (centre_lon, centre_lat)))
    lon, lat = nearest["geometry"]["coordinates"]
    distance_km = math.hypot((lon - centre_lon) * math.cos(math.radians(lat)), lat - centre_lat) * KM_PER_DEG
    assert distance_km < 150
    assert nearest["properties"]["label"] == f"{nearest['properties']['value']:.0f}"
    assert nearest["properties"]["value"] < 1000  # the synthetic storm's ~15 hPa below its surroundings


def _barbs(built, frame: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    features = _overlay(built, frame, "barbs")["features"]
    lonlat = np.array([f["geometry"]["coordinates"] for f in features], dtype=np.float64)
    return (lonlat[:, 0], lonlat[:, 1], np.array([f["properties"]["dir"] for f in features], dtype=float),
            np.array([f["properties"]["kt"] for f in features]))


def _angle_error(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.abs((a - b + 180.0) % 360.0 - 180.0)


def test_hrrr_barbs_are_earth_relative_and_match_the_wind_the_file_was_written_from(built):
    """The file holds the 850 hPa wind along HRRR's grid axes; each barb must give the earth-relative wind of
    the synthetic atmosphere at its point (closed form), so a missing or inverted rotation (up to ±20° at the
    grid's east and west edges) fails."""
    lon, lat, dirs, speeds = _barbs(built, "hrrr/tmp850_hgt")
    u, v = aloft.upper_wind(state_at("hrrr", parse_run_id(HRRR_RUN), 1), 850.0, lon, lat)
    expected_speed = np.hypot(u, v) * MPS_TO_KNOTS
    expected_dir = np.degrees(np.arctan2(-u, -v)) % 360.0
    moving = expected_speed > 5
    assert moving.mean() > 0.5 and np.ptp(lon[moving]) > 50
    assert np.abs(speeds - expected_speed).max() < 1.0
    assert np.percentile(_angle_error(dirs, expected_dir)[moving], 99) < 2.0


def test_nbm_barbs_from_speed_and_direction_match_the_10_m_wind(built):
    """NBM's file holds the wind's speed and the direction it blows from; the barb at a point must match the
    synthetic 10 m wind of the native cell it lies in (that wind has no closed form between cells)."""
    native = get_model("nbm").native_grid
    state = state_at("nbm", parse_run_id(NBM_RUN), 1)
    lon, lat, dirs, speeds = _barbs(built, "nbm/wspd10m")
    x, y = Transformer.from_crs("EPSG:4326", native.crs, always_xy=True).transform(lon, lat)
    a, _, c, _, e, f = native.transform
    cols, rows = np.floor((np.asarray(x) - c) / a).astype(int), np.floor((np.asarray(y) - f) / e).astype(int)
    u, v = state.u10[rows, cols], state.v10[rows, cols]
    expected_speed = np.hypot(u, v) * MPS_TO_KNOTS
    moving = expected_speed > 5
    assert moving.mean() > 0.5
    assert np.median(np.abs(speeds - expected_speed)[moving]) < 1.0
    assert np.median(_angle_error(dirs, np.degrees(np.arctan2(-u, -v)) % 360.0)[moving]) < 3.0
