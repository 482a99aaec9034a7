"""Wind barbs: where the wind blows from and how fast, earth-relative on grids whose winds are not (rotated
by the Lambert grid's known convergence), on nested lattices that keep a fixed spacing on screen per zoom
band."""

from __future__ import annotations

import math

import numpy as np
import pytest

from twf.builder.barbs import BARB_SPACING_PX, BARB_ZOOMS, METRES_PER_PX_Z0, MPS_TO_KNOTS, barbs, lattice
from twf.builder.derive import Inputs, wind_components
from twf.models import get_model

HRRR, GFS = get_model("hrrr"), get_model("gfs")
# HRRR's Lambert cone: standard parallel 38.5N, central meridian 97.5W (`twf.models.hrrr.NATIVE_GRID`).
HRRR_LAT1, HRRR_LON0 = 38.5, -97.5


def _uniform(model, u: float, v: float) -> tuple[np.ndarray, np.ndarray]:
    shape = model.native_grid.shape
    return np.full(shape, u, dtype=np.float32), np.full(shape, v, dtype=np.float32)


def _features(collection: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """lon, lat, direction, speed of every barb."""
    lonlat = np.array([f["geometry"]["coordinates"] for f in collection["features"]], dtype=float)
    props = collection["features"]
    return (lonlat[:, 0], lonlat[:, 1], np.array([p["properties"]["dir"] for p in props], dtype=float),
            np.array([p["properties"]["kt"] for p in props]))


@pytest.mark.parametrize(("u", "v", "direction"), [(10.0, 0.0, 270), (0.0, -10.0, 0), (-7.0, 7.0, 135)])
def test_barbs_point_from_where_an_earth_relative_wind_blows_with_its_speed_in_knots(u, v, direction):
    _, _, dirs, speeds = _features(barbs(*_uniform(GFS, u, v), GFS.native_grid, GFS.grid))
    assert len(dirs) > 1000
    assert set(dirs.tolist()) == {direction}
    assert speeds == pytest.approx(math.hypot(u, v) * MPS_TO_KNOTS, abs=0.05)


def test_grid_relative_winds_are_rotated_by_the_lambert_grids_convergence():
    """A wind along HRRR's grid x axis everywhere is a westerly only on the central meridian: elsewhere it is
    turned by the convergence angle α = sin(φ1)·(λ − λ0) (NCEP's rotation; the direction it blows from is
    270° + α)."""
    lon, _, dirs, speeds = _features(barbs(*_uniform(HRRR, 10.0, 0.0), HRRR.native_grid, HRRR.grid))
    expected = 270.0 + math.sin(math.radians(HRRR_LAT1)) * (lon - HRRR_LON0)
    assert np.abs(dirs - expected).max() <= 0.6  # directions are whole degrees
    assert np.ptp(expected) > 30  # the test spans the grid: ±20° of rotation at its east and west edges
    assert speeds == pytest.approx(10.0 * MPS_TO_KNOTS, abs=0.05)


def test_speed_and_direction_inputs_give_the_same_barbs_as_their_components():
    """NBM carries the 10 m wind as speed and the direction it blows from (degrees true)."""
    shape = (4, 5)
    inputs = Inputs(get_model("nbm").native_grid, {"speed": [np.full(shape, 10.0, np.float32)],
                                                  "direction": [np.full(shape, 225.0, np.float32)]})
    u, v = wind_components("speed_direction", inputs)
    assert u == pytest.approx(np.full(shape, 10 / math.sqrt(2)), abs=1e-5)  # from the south-west: to the NE
    assert v == pytest.approx(np.full(shape, 10 / math.sqrt(2)), abs=1e-5)


def test_each_zoom_band_keeps_the_same_spacing_on_screen_and_holds_the_coarser_bands_points():
    x, y, zoom = lattice(GFS.grid)
    for z in BARB_ZOOMS:
        spacing = BARB_SPACING_PX * METRES_PER_PX_Z0 / 2**z
        shown = zoom <= z
        assert np.allclose(np.mod(x[shown] / spacing + 0.5, 1.0), 0.5, atol=1e-6)
        assert np.allclose(np.mod(y[shown] / spacing + 0.5, 1.0), 0.5, atol=1e-6)
        xs = np.unique(np.round(x[shown], 3))
        assert np.diff(xs) == pytest.approx(spacing)
    counts = [int((zoom <= z).sum()) for z in BARB_ZOOMS]
    assert all(3.5 < b / a < 4.6 for a, b in zip(counts, counts[1:], strict=False))


def test_points_outside_the_native_grid_get_no_barb():
    x, _, _ = lattice(HRRR.grid)
    lon, lat, _, _ = _features(barbs(*_uniform(HRRR, 5.0, 5.0), HRRR.native_grid, HRRR.grid))
    assert 0.6 * len(x) < len(lon) < len(x)  # HRRR's cone leaves the corners of the canonical box empty
    u, v = _uniform(HRRR, 5.0, 5.0)
    u[:, :600] = np.nan  # the western third of the grid has no data
    west, _, _, _ = _features(barbs(u, v, HRRR.native_grid, HRRR.grid))
    assert len(west) < len(lon) and west.min() > lon.min() + 10
