"""The value COG holds the source GRIB's values at the same place, and nothing outside the model's domain.

Tolerance, justified: a value-COG cell is the mean of 4 x 4 display pixels, each a bilinear blend of the 2 x 2
native cells around it. So every value is a convex combination of the native values whose cells touch the
value cell's footprint: it must lie within [min, max] of the native values within R cells of the cell centre.
The footprint is 12 km of EPSG:3857 (at most 11.2 km on the ground, at 21°N), half-diagonal <= 8 km: 2.7
HRRR cells, +1 for the bilinear support, so R = 4. A frame shifted by one value cell (or more) breaks the
bound wherever the field has a gradient; the median-error check catches smaller systematic shifts.
"""

from __future__ import annotations

import numpy as np
import pytest
import rasterio
from pyproj import Transformer
from scipy.ndimage import map_coordinates

from twf.artifacts import RGBA, VALUE
from twf.grid import CRS

SAMPLES = 200


def _source_field(path, element: str, level: str) -> tuple[np.ndarray, rasterio.Affine, object]:
    """The message read straight through GDAL (selected by tags), converted K → °F."""
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO"), rasterio.open(path) as ds:
        band = next(b for b in range(1, ds.count + 1)
                    if (ds.tags(b)["GRIB_ELEMENT"], ds.tags(b)["GRIB_SHORT_NAME"]) == (element, level))
        kelvin = ds.read(band).astype(np.float64)
        return (kelvin - 273.15) * 9 / 5 + 32, ds.transform, ds.crs


def _value_cells(path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, x, y) of every value-COG cell centre, in EPSG:3857."""
    with rasterio.open(path) as ds:
        values = ds.read(1)
        rows, cols = np.indices(values.shape)
        x, y = rasterio.transform.xy(ds.transform, rows.ravel(), cols.ravel())
    return values.ravel(), np.asarray(x), np.asarray(y)


def _source_pixels(x, y, src_crs, src_transform) -> tuple[np.ndarray, np.ndarray]:
    """Fractional (row, col) of EPSG:3857 points in the source grid (0 = centre of the first cell)."""
    lon, lat = Transformer.from_crs(CRS, "EPSG:4326", always_xy=True).transform(x, y)
    sx, sy = Transformer.from_crs("EPSG:4326", src_crs, always_xy=True).transform(lon, lat)
    col = (np.asarray(sx) - src_transform.c) / src_transform.a - 0.5
    row = (np.asarray(sy) - src_transform.f) / src_transform.e - 0.5
    return row, col


@pytest.mark.parametrize(("key", "grib", "radius"), [
    ("hrrr/tmp2m/1", "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", 4),
    # GFS: a 36 km value cell is <= 34 km on the ground; 0.25° is >= 21 km east-west at 50°N: 2 cells + 1.
    ("gfs/tmp2m/0", "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2", 3),
])
def test_value_cog_matches_the_source_grib_at_200_random_points(frames, hrrr_grib_dir, gfs_grib_dir,
                                                                 key, grib, radius):
    folder = hrrr_grib_dir if key.startswith("hrrr") else gfs_grib_dir
    source, src_transform, src_crs = _source_field(folder / grib, "TMP", "2-HTGL")
    values, x, y = _value_cells(frames[key].file(VALUE))
    row, col = _source_pixels(x, y, src_crs, src_transform)
    inside = ((row >= radius) & (row <= source.shape[0] - 1 - radius)
              & (col >= radius) & (col <= source.shape[1] - 1 - radius))
    assert np.isfinite(values[inside]).all()
    picks = np.random.default_rng(20260129).choice(np.flatnonzero(inside), SAMPLES, replace=False)
    errors = []
    for i in picks:
        r, c = int(round(row[i])), int(round(col[i]))
        window = source[r - radius:r + radius + 1, c - radius:c + radius + 1]
        assert window.min() - 0.01 <= values[i] <= window.max() + 0.01, (x[i], y[i], values[i])
        errors.append(values[i] - map_coordinates(source, [[row[i]], [col[i]]], order=1)[0])
    assert np.median(np.abs(errors)) < 0.3
    assert abs(np.mean(errors)) < 0.15  # no systematic bias (a unit or offset slip would show here)


def test_pixels_outside_the_hrrr_domain_are_transparent_and_inside_opaque(frames, hrrr_grib_dir):
    source, src_transform, src_crs = _source_field(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2",
                                                   "TMP", "2-HTGL")
    with rasterio.open(frames["hrrr/tmp2m/1"].file(RGBA)) as ds:
        alpha = ds.read(4)[::7, ::7]
        rows, cols = np.indices(alpha.shape)
        x, y = rasterio.transform.xy(ds.transform, rows.ravel() * 7, cols.ravel() * 7)
    row, col = _source_pixels(np.asarray(x), np.asarray(y), src_crs, src_transform)
    margin = 2
    outside = (row < -margin) | (row > source.shape[0] - 1 + margin) | (col < -margin) | (
        col > source.shape[1] - 1 + margin)
    inside = (row > margin) & (row < source.shape[0] - 1 - margin) & (col > margin) & (
        col < source.shape[1] - 1 - margin)
    assert outside.sum() > 1000 and inside.sum() > 1000
    assert (alpha.ravel()[outside] == 0).all()
    assert (alpha.ravel()[inside] == 255).all()


def test_value_cog_is_nan_outside_the_domain(frames):
    with rasterio.open(frames["hrrr/tmp2m/1"].file(VALUE)) as ds:
        values = ds.read(1)
        assert np.isnan(ds.nodata)
    assert np.isnan(values[0, 0]) and np.isnan(values[-1, -1])  # NW and SE corners lie outside HRRR
    assert 0.4 < np.isfinite(values).mean() < 0.95


def test_gfs_longitudes_wrap_so_conus_reads_the_0_to_360_source_at_lon_plus_360(frames, gfs_grib_dir):
    """Read the GFS source in its own 0..360 layout and check the frame at a few CONUS points."""
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO", GRIB_ADJUST_LONGITUDE_RANGE="NO"), \
            rasterio.open(gfs_grib_dir / "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2") as ds:
        assert ds.transform.c == pytest.approx(-0.125)  # really 0..360
        raw = (ds.read(2).astype(np.float64) - 273.15) * 9 / 5 + 32
    to_3857 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)
    with rasterio.open(frames["gfs/tmp2m/0"].file(VALUE)) as ds:
        for lon, lat in ((-122.0, 47.5), (-100.0, 40.0), (-75.0, 40.0), (-81.0, 28.0)):
            x, y = to_3857.transform(lon, lat)
            value = next(ds.sample([(x, y)]))[0]
            row, col = (90 - lat) / 0.25, (lon + 360) / 0.25
            window = raw[int(row) - 2:int(row) + 3, int(col) - 2:int(col) + 3]
            assert window.min() - 0.01 <= value <= window.max() + 0.01, (lon, lat, value)
