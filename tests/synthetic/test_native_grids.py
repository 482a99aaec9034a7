"""Each model's `native_grid` is the grid GDAL reports for its real upstream files."""

from __future__ import annotations

from pathlib import Path

import pytest
import rasterio
from pyproj import CRS, Transformer

from twf.models import REGISTRY, get_model


def _assert_matches_file(model_name: str, path: Path) -> None:
    grid = get_model(model_name).native_grid
    with rasterio.open(path) as ds:
        assert (ds.height, ds.width) == grid.shape
        assert ds.transform.almost_equals(rasterio.Affine(*grid.transform), precision=1e-3)
        assert CRS.from_user_input(ds.crs.to_wkt()).equals(CRS.from_proj4(grid.crs), ignore_axis_order=True)


def test_hrrr_native_grid_is_what_gdal_reads_from_real_hrrr(hrrr_samples: Path) -> None:
    _assert_matches_file("hrrr", hrrr_samples / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2")


def test_gfs_native_grid_is_what_gdal_reads_from_real_gfs(gfs_samples: Path) -> None:
    _assert_matches_file("gfs", gfs_samples / "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2")


@pytest.mark.parametrize(
    ("model_name", "lat", "lon"),
    [
        ("hrrr", 21.138123, 237.280472),  # upstream first grid point (south-west corner), wgrib2 -grid
        ("nam", 21.138, 237.280),  # NAM prdgen's wgrib2 -new_grid definition of the conus nest output
        ("nbm", 19.229, 233.7234),  # a real core file's section 3 (the degrib2 dump of shared/data/idx/nbm)
    ],
)
def test_first_grid_point_is_the_upstream_definition(model_name: str, lat: float, lon: float) -> None:
    grid = get_model(model_name).native_grid
    a, _, c, _, e, f = grid.transform
    centre_x, centre_y = c + a / 2, f + e * (grid.height - 0.5)  # south-west cell centre
    crs = CRS.from_proj4(grid.crs)
    to_lonlat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    got_lon, got_lat = to_lonlat.transform(centre_x, centre_y)
    assert got_lat == pytest.approx(lat, abs=1e-6)
    assert got_lon % 360 == pytest.approx(lon, abs=1e-6)


# Far corners of the lower 48 (Cape Flattery, West Quoddy Head, Key West, San Diego) and its middle.
CONUS_POINTS = [(-124.7, 48.4), (-67.0, 44.8), (-81.8, 24.6), (-117.1, 32.7), (-98.0, 39.0)]


@pytest.mark.parametrize("model_name", sorted(REGISTRY))
def test_native_grid_covers_the_lower_48(model_name: str) -> None:
    grid = get_model(model_name).native_grid
    crs = CRS.from_proj4(grid.crs)
    to_grid = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)
    inverse = ~rasterio.Affine(*grid.transform)
    for lon, lat in CONUS_POINTS:
        col, row = inverse @ to_grid.transform(lon, lat)
        assert 0 <= col < grid.width and 0 <= row < grid.height, (lon, lat)
