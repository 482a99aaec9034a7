"""Difference routes over HTTP: A − B tiles, samples and legend for frames of one quantity; clear 4xx else."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from tests.api.test_tiles import decode_png
from tests.conftest import GFS_RUN, HRRR_RUN

from twf.api.webmercator import tile_bounds
from twf.builder.colorize import colorize
from twf.grid import CONUS_BOUNDS_3857
from twf.palettes import get_palette

A = f"hrrr/{HRRR_RUN}/tmp2m/1"
B = f"hrrr/{HRRR_RUN}/tmp2m/0"
GFS = f"gfs/{GFS_RUN}/tmp2m/0"
KANSAS = (38.5, -98.5)
# z6 tile over the central Plains, inside the HRRR and GFS data.
PLAINS_TILE = (6, 14, 24)


def diff_sample(client: httpx.Client, a: str, b: str, lat: float, lon: float) -> httpx.Response:
    return client.get("/api/v3/diff/sample", params={"a": a, "b": b, "lat": lat, "lon": lon})


def test_change_over_time_sample_is_a_minus_b_of_the_two_frames_own_samples(client: httpx.Client) -> None:
    r = diff_sample(client, A, B, *KANSAS)
    assert r.status_code == 200
    body = r.json()
    own = [client.get("/api/v3/sample", params={"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fh": fh,
                                                 "lat": KANSAS[0], "lon": KANSAS[1]}).json()["value"]
           for fh in (1, 0)]
    assert (body["a"], body["b"]) == pytest.approx(own, abs=0.002)  # one grid: the values are the frames'
    assert body["value"] == pytest.approx(own[0] - own[1], abs=0.005)
    assert body["units"] == "°F"
    assert body["frames"]["a"] | {"valid_time": None} == {
        "model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "label": "2 m temperature", "fh": 1,
        "valid_time": None}
    assert body["frames"]["b"]["valid_time"] == "2026-01-29T17:00:00Z"


def test_model_minus_model_resamples_onto_the_coarser_gfs_grid(client: httpx.Client) -> None:
    body = diff_sample(client, f"hrrr/{HRRR_RUN}/tmp2m/0", GFS, *KANSAS).json()
    gfs_own = client.get("/api/v3/sample", params={"model": "gfs", "run": GFS_RUN, "var": "tmp2m", "fh": 0,
                                                   "lat": KANSAS[0], "lon": KANSAS[1]}).json()["value"]
    assert body["b"] == pytest.approx(gfs_own, abs=0.002)  # GFS is the coarser grid: its values as they are
    assert body["value"] == pytest.approx(body["a"] - body["b"], abs=0.002)


def test_difference_tile_paints_the_sampled_difference_on_the_diverging_scale(client: httpx.Client) -> None:
    z, x, y = PLAINS_TILE
    r = client.get(f"/tiles/v3/diff/{A}/{B}/{z}/{x}/{y}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    tile = decode_png(r.content)
    assert tile.shape == (256, 256, 4) and (tile[..., 3] == 255).all()
    bounds = tile_bounds(z, x, y)
    palette = get_palette("difference_f")
    for row, col in ((64, 64), (128, 200), (200, 100)):
        mx = bounds.left + (col + 0.5) * (bounds.right - bounds.left) / 256
        my = bounds.top - (row + 0.5) * (bounds.top - bounds.bottom) / 256
        lon = np.degrees(mx / 6378137.0)
        lat = np.degrees(2 * np.arctan(np.exp(my / 6378137.0)) - np.pi / 2)
        value = diff_sample(client, A, B, lat, lon).json()["value"]
        expected = colorize(np.array([[value]], np.float32), palette)[:, 0, 0]
        assert np.abs(tile[row, col].astype(int) - expected.astype(int)).max() <= 8


def test_difference_tile_2x_is_512_px(client: httpx.Client) -> None:
    z, x, y = PLAINS_TILE
    r = client.get(f"/tiles/v3/diff/{A}/{GFS}/{z}/{x}/{y}@2x.png")
    assert decode_png(r.content).shape == (512, 512, 4)


def test_difference_tile_outside_the_common_extent_is_204(client: httpx.Client) -> None:
    outside_canonical = client.get(f"/tiles/v3/diff/{A}/{B}/6/50/20.png")  # over Europe
    assert outside_canonical.status_code == 204 and outside_canonical.content == b""
    # Inside the canonical grid and the box of HRRR's data, but off its (Lambert, slanted) south-west edge.
    assert tile_bounds(7, 17, 54).intersects(CONUS_BOUNDS_3857)
    outside_hrrr = client.get(f"/tiles/v3/diff/{A}/{B}/7/17/54.png")
    assert outside_hrrr.status_code == 204
    own = client.get(f"/tiles/v3/{A}/7/17/54.png")  # the frame's own tile there: all transparent
    assert own.status_code == 200 and decode_png(own.content)[..., 3].max() == 0


def test_difference_of_a_concrete_pair_is_immutable_and_of_latest_short_lived(client: httpx.Client) -> None:
    z, x, y = PLAINS_TILE
    concrete = client.get(f"/tiles/v3/diff/{A}/{B}/{z}/{x}/{y}.png")
    assert "immutable" in concrete.headers["cache-control"]
    latest = client.get(f"/tiles/v3/diff/hrrr/latest/tmp2m/1/{B}/{z}/{x}/{y}.png")
    assert latest.headers["cache-control"] == "public, max-age=30"
    assert latest.content == concrete.content


def test_legend_lists_the_symmetric_scale_the_frames_and_a_concrete_tile_url(client: httpx.Client) -> None:
    r = client.get("/api/v3/diff/legend", params={"a": "hrrr/latest/tmp2m/1", "b": B})
    assert r.status_code == 200
    body = r.json()
    assert body["units"] == "°F" and body["legend"]["palette"] == "difference_f"
    values = [s["value"] for s in body["legend"]["stops"]]
    assert values[0] == -15 and values[-1] == 15 and 0 in values
    assert body["tile_url"] == f"/tiles/v3/diff/{A}/{B}/{{z}}/{{x}}/{{y}}.png"
    assert body["frames"]["a"]["run"] == HRRR_RUN  # `latest` resolved


@pytest.mark.parametrize(("a", "b", "side", "needle"), [
    (A, f"hrrr/{HRRR_RUN}/tmp2m/5", "b", "f005 is not published"),  # a run with fewer hours
    (f"nbm/{HRRR_RUN}/tmp2m/1", B, "a", "not published"),  # a model with no such run
    (A, f"gfs/{GFS_RUN}/refc/3", "b", "not published"),
    (A, f"hrrr/{HRRR_RUN}/nosuch/1", "b", "no variable 'nosuch'"),
    (A, f"hrrr/{HRRR_RUN}/tmp2m/49", "b", "no forecast hour 49"),
])
def test_missing_frames_are_404_naming_the_side_and_the_reason(client: httpx.Client, a: str, b: str,
                                                                side: str, needle: str) -> None:
    for r in (diff_sample(client, a, b, *KANSAS), client.get("/api/v3/diff/legend", params={"a": a, "b": b}),
              client.get(f"/tiles/v3/diff/{a}/{b}/6/14/24.png")):
        assert r.status_code == 404
        assert r.json()["detail"].startswith(f"{side}: ") and needle in r.json()["detail"]


@pytest.mark.parametrize(("a", "b", "code"), [
    (A, f"hrrr/{HRRR_RUN}/refc/1", "not_comparable"),
    (f"hrrr/{HRRR_RUN}/radar_ptype/1", f"hrrr/{HRRR_RUN}/radar_ptype/1", "not_comparable"),
    ("hrrr/latest/tmp2m", B, "invalid_parameter"),
    ("hrrr/latest/tmp2m/x", B, "invalid_parameter"),
    ("hrrr/../tmp2m/1", B, "invalid_run_id"),
    (f"../{HRRR_RUN}/tmp2m/1", B, "invalid_path_segment"),
])
def test_pairs_that_cannot_be_differenced_are_400(client: httpx.Client, a: str, b: str, code: str) -> None:
    r = diff_sample(client, a, b, *KANSAS)
    assert r.status_code == 400 and r.json()["error"] == code
    assert r.headers["cache-control"] == "no-store"


def test_sample_outside_the_data_is_204(client: httpx.Client) -> None:
    assert diff_sample(client, A, B, 10.0, -98.0).status_code == 204  # south of the canonical grid
