"""`/api/v3/sample`: values under a point agree with the source GRIB; outside the grid or on no-data: 204."""

from __future__ import annotations

import math
import socket
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest
import rasterio
from rasterio.warp import transform
from tests.api.conftest import Server
from tests.conftest import GFS_RUN, HRRR_RUN

from twf.api.point_values import value_at
from twf.api.raster_cache import LevelGeometry
from twf.artifacts import VALUE
from twf.palettes import PTYPE_OFFSET

# Flat, smooth places: the value grid is a 12 km (GFS: 36 km) block mean of the warped field, so where the
# field is smooth at that scale the sample must match the GRIB interpolated at the same point closely.
HRRR_POINTS = [(38.5, -98.5), (42.0, -93.5), (35.2, -101.8), (40.0, -83.0), (45.0, -100.0)]
HRRR_TOLERANCE_F = 0.75
GFS_POINTS = [(38.5, -98.5), (42.0, -93.5), (45.0, -100.0)]
GFS_TOLERANCE_F = 1.5


def grib_tmp2m_f(path: Path, lat: float, lon: float) -> float:
    """TMP at 2 m from the GRIB, bilinear at (lat, lon), in °F (read in Kelvin: GRIB_NORMALIZE_UNITS=NO)."""
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO"), rasterio.open(path) as ds:
        band = next(i for i in range(1, ds.count + 1)
                    if ds.tags(i)["GRIB_ELEMENT"] == "TMP" and ds.tags(i)["GRIB_SHORT_NAME"] == "2-HTGL")
        xs, ys = transform("EPSG:4326", ds.crs, [lon], [lat])
        col, row = ~ds.transform @ (xs[0], ys[0])
        r0, c0 = math.floor(row - 0.5), math.floor(col - 0.5)
        fr, fc = row - 0.5 - r0, col - 0.5 - c0
        a = ds.read(band, window=((r0, r0 + 2), (c0, c0 + 2))).astype(float)
    kelvin = (a[0, 0] * (1 - fc) + a[0, 1] * fc) * (1 - fr) + (a[1, 0] * (1 - fc) + a[1, 1] * fc) * fr
    return (kelvin - 273.15) * 9 / 5 + 32


def sample(client: httpx.Client, lat: float, lon: float, model: str = "hrrr", run: str = HRRR_RUN,
           var: str = "tmp2m", fh: int = 1) -> httpx.Response:
    return client.get("/api/v3/sample", params={"model": model, "run": run, "var": var, "fh": fh,
                                                "lat": lat, "lon": lon})


@pytest.mark.parametrize(("lat", "lon"), HRRR_POINTS)
def test_hrrr_sample_matches_the_source_grib(client: httpx.Client, hrrr_grib_dir: Path, lat: float,
                                             lon: float) -> None:
    r = sample(client, lat, lon)
    assert r.status_code == 200
    body = r.json()
    expected = grib_tmp2m_f(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", lat, lon)
    assert abs(body["value"] - expected) <= HRRR_TOLERANCE_F
    assert body | {"value": 0} == {
        "model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": 1, "lat": lat, "lon": lon, "value": 0,
        "units": "°F", "valid_time": "2026-01-29T18:00:00Z", "method": "bilinear",
    }


@pytest.mark.parametrize(("lat", "lon"), GFS_POINTS)
def test_gfs_sample_matches_the_source_grib(client: httpx.Client, gfs_grib_dir: Path, lat: float,
                                            lon: float) -> None:
    body = sample(client, lat, lon, model="gfs", run=GFS_RUN, fh=0).json()
    expected = grib_tmp2m_f(gfs_grib_dir / "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2", lat, lon)
    assert abs(body["value"] - expected) <= GFS_TOLERANCE_F


def test_sample_through_latest_is_short_lived_and_concrete_is_immutable(client: httpx.Client) -> None:
    latest = sample(client, 40.0, -100.0, run="latest")
    assert latest.json()["run"] == HRRR_RUN
    assert latest.headers["cache-control"] == "public, max-age=30"
    assert sample(client, 40.0, -100.0).headers["cache-control"] == "public, max-age=31536000, immutable"


def test_sample_outside_the_grid_is_204(client: httpx.Client) -> None:
    r = sample(client, 10.0, -150.0)
    assert r.status_code == 204 and r.content == b""


def test_sample_on_nodata_inside_the_extent_is_204(client: httpx.Client, published) -> None:
    lat, lon = 22.0, -62.0  # inside the canonical extent, east of the HRRR domain's south-east corner
    with rasterio.open(published.file(VALUE, "hrrr", HRRR_RUN, "tmp2m", 1)) as ds:
        x, y = transform("EPSG:4326", ds.crs, [lon], [lat])
        assert np.isnan(next(ds.sample([(x[0], y[0])]))[0])
    r = sample(client, lat, lon)
    assert r.status_code == 204 and r.content == b""


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"lat": 91}, 400, "invalid_parameter"),
    ({"lon": -181}, 400, "invalid_parameter"),
    ({"lat": "nan"}, 400, "invalid_parameter"),
    ({"lon": "inf"}, 400, "invalid_parameter"),
    ({"lat": "north"}, 400, "invalid_parameter"),
    ({"fh": 99}, 404, "forecast_hour_out_of_range"),
    ({"fh": 2}, 404, "not_published"),
    ({"var": "nope"}, 404, "unknown_variable"),
    ({"model": "foo"}, 404, "unknown_model"),
    ({"run": "yesterday"}, 400, "invalid_run_id"),
])
def test_bad_sample_parameters_are_json_4xx(client: httpx.Client, params: dict, status: int,
                                            code: str) -> None:
    query = {"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": 1, "lat": 40.0, "lon": -100.0, **params}
    r = client.get("/api/v3/sample", params=query)
    assert (r.status_code, r.json()["error"]) == (status, code)
    assert r.headers["cache-control"] == "no-store"


def test_categorical_sampling_takes_the_nearest_cell_never_a_blend() -> None:
    classes = np.array([[10.0, 20.0], [30.0, np.nan]], dtype=np.float32)
    geom = LevelGeometry(0, left=0.0, top=2.0, res_x=1.0, res_y=1.0, width=2, height=2)
    assert value_at(classes, geom, 0.9, 1.1, "nearest") == 10.0
    assert value_at(classes, geom, 1.1, 1.1, "nearest") == 20.0
    assert value_at(classes, geom, 1.1, 0.9, "nearest") is None
    blended = value_at(classes, geom, 1.0, 1.0, "bilinear")
    assert blended == pytest.approx(20.0)  # the no-data neighbour is left out, weights renormalised


def _cell_centre_lonlat(path: Path, want: Callable[[np.ndarray], np.ndarray]) -> tuple[float, float, float]:
    """(lat, lon, stored value) at the centre of the first value-grid cell where `want` holds."""
    with rasterio.open(path) as ds:
        values = ds.read(1)
        rows, cols = np.nonzero(want(values))
        assert rows.size, "the synthetic frame has no such cell"
        r, c = int(rows[rows.size // 2]), int(cols[cols.size // 2])
        x, y = ds.xy(r, c)
        lon, lat = transform(ds.crs, "EPSG:4326", [x], [y])
    return lat[0], lon[0], float(values[r, c])


@pytest.mark.parametrize(("family", "key", "label"), [(0, "rain", "Rain"), (1, "snow", "Snow")])
def test_radar_ptype_sample_answers_dbz_and_precipitation_type(client: httpx.Client, published, family: int,
                                                               key: str, label: str) -> None:
    value_cog = published.file(VALUE, "hrrr", HRRR_RUN, "radar_ptype", 1)
    lat, lon, code = _cell_centre_lonlat(
        value_cog, lambda v: (v >= family * PTYPE_OFFSET + 5) & (v < (family + 1) * PTYPE_OFFSET))
    r = sample(client, lat, lon, var="radar_ptype")
    assert r.status_code == 200
    body = r.json()
    assert body["value"] == pytest.approx(code - family * PTYPE_OFFSET, abs=1e-3)
    assert 5.0 <= body["value"] < PTYPE_OFFSET  # the dBZ, never the class code
    assert (body["units"], body["ptype"], body["ptype_label"]) == ("dBZ", key, label)
    assert body["method"] == "nearest"


def test_continuous_samples_carry_no_precipitation_type(client: httpx.Client) -> None:
    body = sample(client, 40.0, -100.0).json()
    assert "ptype" not in body and "ptype_label" not in body


BATCH_POINTS = [(38.5, -98.5), (10.0, -150.0), (42.0, -93.5), (22.0, -62.0), (45.0, -100.0), (35.2, -101.8)]


def batch(client: httpx.Client, points: list, **fields: object) -> httpx.Response:
    body = {"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": 1, "points": points, **fields}
    return client.post("/api/v3/sample/batch", json=body)


def test_batch_values_are_the_single_samples_in_order_with_null_outside(client: httpx.Client) -> None:
    r = batch(client, [list(p) for p in BATCH_POINTS])
    assert r.status_code == 200
    body = r.json()
    singles = [sample(client, lat, lon) for lat, lon in BATCH_POINTS]
    assert body["values"] == [s.json()["value"] if s.status_code == 200 else None for s in singles]
    assert body["values"][1] is None and body["values"][3] is None  # outside the extent; HRRR no-data
    assert (body["run"], body["units"], body["valid_time"]) == (HRRR_RUN, "°F", "2026-01-29T18:00:00Z")
    assert "ptypes" not in body


def test_batch_of_radar_ptype_answers_dbz_and_types_like_the_sample(client: httpx.Client, published) -> None:
    value_cog = published.file(VALUE, "hrrr", HRRR_RUN, "radar_ptype", 1)
    lat, lon, _ = _cell_centre_lonlat(value_cog, lambda v: v >= PTYPE_OFFSET + 5)
    body = batch(client, [[lat, lon], [10.0, -150.0]], var="radar_ptype").json()
    single = sample(client, lat, lon, var="radar_ptype").json()
    assert body["values"] == [single["value"], None]
    assert body["ptypes"] == [single["ptype"], None] == ["snow", None]


def test_batch_through_latest_names_the_concrete_run(client: httpx.Client) -> None:
    body = batch(client, [[40.0, -100.0]], run="latest").json()
    assert body["run"] == HRRR_RUN and body["values"][0] == sample(client, 40.0, -100.0).json()["value"]


def test_batch_of_500_points_is_answered_and_501_is_413(client: httpx.Client) -> None:
    points = [[30.0 + i * 0.02, -110.0 + i * 0.05] for i in range(500)]
    assert len(batch(client, points).json()["values"]) == 500
    r = batch(client, [*points, [40.0, -100.0]])
    assert (r.status_code, r.json()["error"]) == (413, "too_many_points")
    assert r.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("content", "status", "code"), [
    (b"not json", 400, "invalid_parameter"),
    (b"", 400, "invalid_parameter"),
    (b'{"model": "hrrr"}', 400, "invalid_parameter"),
    (b'[1, 2]', 400, "invalid_parameter"),
    (b'{"model": "hrrr", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[91, 0]]}', 400,
     "invalid_parameter"),
    (b'{"model": "hrrr", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[40, -181]]}', 400,
     "invalid_parameter"),
    (b'{"model": "hrrr", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[40]]}', 400,
     "invalid_parameter"),
    (b'{"model": "foo", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[40, -100]]}', 404,
     "unknown_model"),
    (b'{"model": "hrrr", "run": "latest", "var": "tmp2m", "fh": 7, "points": [[40, -100]]}', 404,
     "not_published"),
    (b'{"model": "../x", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[40, -100]]}', 400,
     "invalid_path_segment"),
    (b" " * (65 << 10), 413, "body_too_large"),
])
def test_bad_batch_bodies_are_json_4xx(client: httpx.Client, content: bytes, status: int, code: str) -> None:
    r = client.post("/api/v3/sample/batch", content=content, headers={"content-type": "application/json"})
    assert (r.status_code, r.json()["error"]) == (status, code)


def test_a_batch_whose_client_leaves_mid_body_is_no_server_error(server: Server) -> None:
    """A viewer aborts the labels' batch of the previous frame, sometimes while its body is on the way: the
    server logs no error and keeps answering."""
    body = b'{"model": "hrrr", "run": "latest", "var": "tmp2m", "fh": 1, "points": [[45.5, -122.6]'
    errors_before = server.log.read_text(errors="replace").count("Exception in ASGI application")
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            head = "POST /api/v3/sample/batch HTTP/1.1\r\nHost: twf\r\nContent-Type: application/json\r\n"
            conn.sendall(f"{head}Content-Length: {len(body) + 100}\r\n\r\n".encode() + body)
            time.sleep(0.2)
    time.sleep(0.5)
    with server.client() as client:
        assert client.get("/healthz").status_code == 200
    assert server.log.read_text(errors="replace").count("Exception in ASGI application") == errors_before
