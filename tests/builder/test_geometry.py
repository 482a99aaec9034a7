"""Native grid geometry: the Lambert grids' convergence against its closed form and against PROJ, wind
rotation between grid-relative and earth-relative components, scale factors."""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import CRS, Geod, Transformer

from twf.builder.geometry import EARTH_RADIUS_M, cell_lonlat, geometry, to_earth, to_grid
from twf.models import get_model

HRRR = get_model("hrrr").native_grid
# Cells across the HRRR domain: south-west corner, centre, north-east, far east, far west.
CELLS = [(5, 5), (530, 900), (1000, 1700), (100, 1750), (900, 60)]


@pytest.fixture(scope="module")
def hrrr_geometry():
    return geometry(HRRR), cell_lonlat(HRRR)


def test_hrrr_convergence_is_the_cones_closed_form(hrrr_geometry):
    # tangent cone at 38.5N, central meridian 97.5W: grid north is sin(38.5°)·(λ + 97.5°) east of true north
    geo, (lon, _) = hrrr_geometry
    expected = -np.sin(np.radians(38.5)) * np.radians(lon + 97.5)
    assert np.abs(geo.convergence - expected).max() < np.radians(0.01)


def test_grid_north_rotated_to_earth_points_where_proj_says_grid_north_points(hrrr_geometry):
    geo, (lon, lat) = hrrr_geometry
    crs = CRS.from_proj4(HRRR.crs)
    to_lonlat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    a, _, c, _, e, f = HRRR.transform
    for row, col in CELLS:
        x, y = c + a * (col + 0.5), f + e * (row + 0.5)
        north_lon, north_lat = to_lonlat.transform(x, y + 100.0)  # 100 m along the grid's +y axis
        sphere = Geod(a=EARTH_RADIUS_M, b=EARTH_RADIUS_M)
        azimuth = sphere.inv(lon[row, col], lat[row, col], north_lon, north_lat)[0]
        u, v = to_earth(np.float32(0.0), np.float32(10.0), _at(geo, row, col))
        assert np.degrees(np.arctan2(u, v)) == pytest.approx(azimuth, abs=0.01), (row, col)


def _at(geo, row: int, col: int):
    """The geometry of one cell, as a geometry object of shape (1, 1)."""
    fields = {name: getattr(geo, name)[row:row + 1, col:col + 1]
              for name in ("lat", "scale_x", "scale_y", "convergence")}
    return type(geo)(**fields, dx=geo.dx, dy=geo.dy)


def test_rotation_keeps_speed_and_round_trips(hrrr_geometry):
    geo, _ = hrrr_geometry
    rng = np.random.default_rng(3)
    u, v = (rng.uniform(-40, 40, HRRR.shape).astype(np.float32) for _ in range(2))
    east, north = to_earth(u, v, geo)
    np.testing.assert_allclose(np.hypot(east, north), np.hypot(u, v), rtol=1e-5)
    back = to_grid(east, north, geo)
    np.testing.assert_allclose(back[0], u, atol=1e-4)
    np.testing.assert_allclose(back[1], v, atol=1e-4)


def test_hrrr_scale_is_one_on_its_standard_parallel_and_grows_away_from_it(hrrr_geometry):
    geo, (_, lat) = hrrr_geometry
    on_parallel = np.abs(lat - 38.5) < 0.05
    assert np.abs(geo.scale_x[on_parallel] - 3000.0 / 3000.0).max() < 1e-4  # 1 m per projected metre
    assert geo.scale_x[lat > 50].max() < 0.99 and geo.scale_x[lat < 25].max() < 0.99
    np.testing.assert_array_equal(geo.scale_x, geo.scale_y)  # conformal


def test_lat_lon_grid_axes_are_east_and_north_with_spherical_scales():
    grid = get_model("gfs").native_grid
    geo = geometry(grid)
    assert not geo.convergence.any()
    row = 200  # 40N
    assert geo.lat[row, 0] == pytest.approx(40.0)
    assert geo.scale_x[row, 0] == pytest.approx(EARTH_RADIUS_M * np.pi / 180 * np.cos(np.radians(40.0)))
    assert geo.scale_y[row, 0] == pytest.approx(EARTH_RADIUS_M * np.pi / 180)
