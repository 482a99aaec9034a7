"""tmp2m isotherms: valid EPSG:4326 GeoJSON, 2 °F apart, labelled, the 32 °F line marked, every vertex on its
level."""

from __future__ import annotations

import json

import numpy as np
import pytest
from pyproj import Transformer
from scipy.ndimage import map_coordinates

from twf.artifacts import OVERLAYS, VALUE
from twf.builder.contours import isolines
from twf.builder.decode import decode
from twf.builder.derive import Inputs, convert, derive
from twf.builder.smoothing import smooth
from twf.builder.warp import warp
from twf.grid import CONUS_BOUNDS_4326, CRS
from twf.models import get_model
from twf.models.requirements import messages_for
from twf.store import parse_run_id


@pytest.fixture(scope="module")
def hrrr_tmp2m_full(hrrr_samples):
    """The full-resolution warped tmp2m field the builder contours (°F on the HRRR display grid)."""
    model = get_model("hrrr")
    var = model.variables["tmp2m"]
    [message] = decode([hrrr_samples / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"], messages_for(model, var, 1),
                       parse_run_id("20260129_17z"))
    field = convert(var.convert, derive(var.derive, Inputs(model.native_grid, {"value": [message.data]})))
    return warp(field, message.crs, message.transform, model.grid, "bilinear")


@pytest.fixture(scope="module")
def collection(frames):
    built = frames["hrrr/tmp2m/1"]
    return json.loads(built.storage.path(OVERLAYS.key(built.frame.frame, "iso2f")).read_text())


def test_contours_are_a_valid_geojson_feature_collection_in_lon_lat(collection):
    assert collection["type"] == "FeatureCollection" and collection["features"]
    west, south, east, north = CONUS_BOUNDS_4326
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "MultiLineString"
        assert set(feature["properties"]) == {"value", "major", "label"}
        assert feature["properties"]["label"] == f"{feature['properties']['value']:g}°"
        for line in feature["geometry"]["coordinates"]:
            assert len(line) >= 2
            coords = np.asarray(line)
            assert coords.shape[1] == 2
            assert (west <= coords[:, 0]).all() and (coords[:, 0] <= east).all()
            assert (south <= coords[:, 1]).all() and (coords[:, 1] <= north).all()


def test_levels_are_every_2f_with_only_the_32f_line_marked_major(collection):
    values = [f["properties"]["value"] for f in collection["features"]]
    assert len(values) == len(set(values)) > 20
    assert all(v % 2 == 0 for v in values)
    assert [f["properties"]["value"] for f in collection["features"] if f["properties"]["major"]] == [32.0]


_TO_3857 = Transformer.from_crs("EPSG:4326", CRS, always_xy=True)


def _vertex_pixels(feature: dict, transform) -> list[np.ndarray]:
    """[row, col] fractional pixel positions (cell centres at .0) of a contour feature's vertices, for
    `map_coordinates` on a raster with this north-up transform."""
    coords = np.concatenate([np.asarray(line) for line in feature["geometry"]["coordinates"]])
    x, y = _TO_3857.transform(coords[:, 0], coords[:, 1])
    x, y = np.asarray(x), np.asarray(y)
    return [(y - transform.f) / transform.e - 0.5, (x - transform.c) / transform.a - 0.5]


def test_every_vertex_lies_on_its_level_in_the_smoothed_full_resolution_field(collection, hrrr_tmp2m_full):
    """Vertices sit on cell edges of the smoothed field, where bilinear sampling is exact; the only error is
    rounding coordinates to 1e-4° (≤ 11 m, under 0.004 display pixels). A vertex on the edge of a cell next
    to the domain's NaN border samples NaN (0 x NaN), so those few are left out."""
    model = get_model("hrrr")
    smoothed = smooth(hrrr_tmp2m_full, model.variables["tmp2m"].overlays[0].smoothing_sigma_px)
    errors = []
    for feature in collection["features"]:
        pixels = _vertex_pixels(feature, model.grid.transform)
        errors.append(map_coordinates(smoothed, pixels, order=1) - feature["properties"]["value"])
    errors = np.abs(np.concatenate(errors))
    assert np.isfinite(errors).mean() > 0.99
    assert np.nanmax(errors) < 0.05


def test_contours_follow_the_unsmoothed_values_too(collection, frames):
    """Smoothing moves lines by well under a value cell: the value COG at the vertices is near the level."""
    import rasterio

    with rasterio.open(frames["hrrr/tmp2m/1"].file(VALUE)) as ds:
        values = ds.read(1)
        transform = ds.transform
    diffs = []
    for feature in collection["features"]:
        pixels = _vertex_pixels(feature, transform)
        sampled = map_coordinates(values, pixels, order=1, mode="nearest", cval=np.nan)
        diffs.append(sampled - feature["properties"]["value"])
    diffs = np.concatenate(diffs)
    assert np.nanmedian(np.abs(diffs)) < 1.0


def test_an_all_nan_field_has_no_contours():
    model = get_model("hrrr")
    empty = np.full(model.grid.shape, np.nan, dtype=np.float32)
    assert isolines(empty, model.grid, model.variables["tmp2m"].overlays[0]) == {
        "type": "FeatureCollection", "features": []}


def test_no_small_closed_rings_clutter_the_map(collection):
    """Terrain speckle (closed rings under MIN_RING_PX display pixels of perimeter) is dropped."""
    import shapely

    from twf.builder.contours import MIN_RING_PX

    resolution = get_model("hrrr").grid.resolution_m
    for feature in collection["features"]:
        for line in feature["geometry"]["coordinates"]:
            coords = np.asarray(line)
            if len(coords) > 2 and (coords[0] == coords[-1]).all():
                x, y = _TO_3857.transform(coords[:, 0], coords[:, 1])
                perimeter_px = shapely.length(shapely.linestrings(np.column_stack([x, y]))) / resolution
                assert perimeter_px >= MIN_RING_PX * 0.99
