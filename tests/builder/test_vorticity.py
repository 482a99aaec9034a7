"""Absolute vorticity from gridded winds: exact on an analytic flow (solid-body rotation about the Earth's
axis) on the lat/lon and the Lambert grid, and against the absolute vorticity a file carries beside its winds
(GFS ABSV; on HRRR's grid-relative winds, against the synthetic weather's own vorticity)."""

from __future__ import annotations

import numpy as np
import pytest

from twf.builder.decode import decode
from twf.builder.derive import Inputs, absolute_vorticity
from twf.builder.geometry import EARTH_RADIUS_M, OMEGA, cell_lonlat, geometry, to_grid
from twf.models import get_model
from twf.models.base import isobaric
from twf.models.requirements import MessageRequest
from twf.store import parse_run_id
from twf.synthetic import aloft
from twf.synthetic.grib import SyntheticMessage, write_grib2
from twf.synthetic.weather import state_at

U0 = 40.0  # m/s at the equator
ISBL_500 = isobaric(500)


def _solid_body(lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(east, north) wind of a solid-body rotation and its absolute vorticity 2·U0·sin φ / R + f."""
    phi = np.radians(lat)
    u = (U0 * np.cos(phi)).astype(np.float32)
    return u, np.zeros_like(u), 2 * U0 * np.sin(phi) / EARTH_RADIUS_M + 2 * OMEGA * np.sin(phi)


def _conus(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon > -120) & (lon < -75) & (lat > 28) & (lat < 48)


def test_solid_body_rotation_on_the_gfs_lat_lon_grid():
    grid = get_model("gfs").native_grid
    lon, lat = cell_lonlat(grid)
    u, v, expected = _solid_body(lat)
    got = absolute_vorticity(Inputs(grid, {"u": [u], "v": [v]}))
    inside = np.abs(lat) < 80
    np.testing.assert_allclose(got[inside], expected[inside], rtol=1e-3, atol=1e-8)


def test_solid_body_rotation_on_hrrrs_lambert_grid_with_grid_relative_winds():
    grid = get_model("hrrr").native_grid
    lon, lat = cell_lonlat(grid)
    east, north, expected = _solid_body(lat)
    u, v = to_grid(east, north, geometry(grid))  # as HRRR's files hold them
    got = absolute_vorticity(Inputs(grid, {"u": [u], "v": [v]}))
    inner = (slice(20, -20), slice(20, -20))  # one-sided differences and the blur's edge
    np.testing.assert_allclose(got[inner], expected[inner], rtol=2e-3)


def test_without_the_rotation_to_grid_axes_the_lambert_vorticity_would_be_wrong():
    grid = get_model("hrrr").native_grid
    _, lat = cell_lonlat(grid)
    east, north, expected = _solid_body(lat)
    got = absolute_vorticity(Inputs(grid, {"u": [east], "v": [north]}))  # earth-relative, unrotated
    assert (np.abs(got - expected) / expected)[20:-20, 20:-20].max() > 0.02


def _absv_and_winds(model_name: str, fh: int, tmp_path) -> dict[str, np.ndarray]:
    """500 hPa U, V (grid-relative where the model's files are) and ABSV of the synthetic weather, written to
    GRIB2 and decoded back, so the winds carry the files' packing precision."""
    model, ref = get_model(model_name), parse_run_id("20260129_12z")
    state = state_at(model_name, ref, fh)
    u, v = aloft.wind(state, 500.0)
    if model.native_grid.grid_relative_winds:
        u, v = to_grid(u, v, geometry(model.native_grid))
    absv = aloft.absolute_vorticity(state, 500.0)
    messages = [SyntheticMessage(element, ISBL_500, values, ref, fh)
                for element, values in (("UGRD", u), ("VGRD", v), ("ABSV", absv))]
    path = write_grib2(tmp_path / f"{model_name}.grib2", model, messages)
    decoded = decode([path], [MessageRequest(fh, e, ISBL_500) for e in ("UGRD", "VGRD", "ABSV")], ref)
    return {m.request.element: m.data for m in decoded}


@pytest.mark.parametrize("model_name", ["gfs", "hrrr"])
def test_vorticity_from_the_files_winds_matches_the_absv_beside_them(model_name, tmp_path):
    grid = get_model(model_name).native_grid
    fields = _absv_and_winds(model_name, 12, tmp_path)
    got = absolute_vorticity(Inputs(grid, {"u": [fields["UGRD"]], "v": [fields["VGRD"]]}))
    lon, lat = cell_lonlat(grid)
    inside = _conus(lon, lat)
    error = np.abs(got - fields["ABSV"])[inside]
    assert fields["ABSV"][inside].max() > 15e-5  # the storm's vorticity maximum is there to be matched
    assert error.mean() < 0.3e-5 and np.percentile(error, 99) < 1.5e-5
