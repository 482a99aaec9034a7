"""Run-to-run trend (dprog/dt) over HTTP: one valid time in each of the newest runs, oldest run first, as a
frames listing; and its loop export. Three HRRR runs (14z, 15z, 17z) with tmp2m valid at 18z, built from
synthetic GRIB on the real grid by the real builder and publisher."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image, ImageSequence
from tests.api.conftest import Server, _build_and_publish, start_server

from twf.models import get_model
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.mirror import write_forecast_file

VALID = "2026-01-29T18:00:00Z"
RUNS = {"20260129_14z": 4, "20260129_15z": 3, "20260129_17z": 1}  # run → its hour valid at 18z


@pytest.fixture(scope="module")
def trend_server(tmp_path_factory: pytest.TempPathFactory, synthetic_mirror: Path) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("trend")
    storage, hrrr = LocalStore(base / "v3"), get_model("hrrr")
    for run, fh in RUNS.items():
        grib = synthetic_mirror / hrrr.file_key(parse_run_id(run), fh)
        if not grib.is_file():  # the session mirror holds 17z only
            grib = write_forecast_file(base / "mirror", hrrr, parse_run_id(run), fh)[0]
        _build_and_publish(storage, "hrrr", run, {("tmp2m", fh): grib})
    yield from start_server(storage.root, base / "serve.log", TWF_WEB_DIST=str(base / "none"))


def trend(server: Server, **params: object) -> httpx.Response:
    return httpx.get(f"{server.url}/api/v3/trend", params={"model": "hrrr", "var": "tmp2m",
                                                           "valid_time": VALID} | params, timeout=30)


def test_trend_lists_one_valid_time_in_the_newest_runs_oldest_first(trend_server: Server) -> None:
    r = trend(trend_server, runs=6)
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=30"
    body = r.json()
    assert [(f["run"], f["fh"]) for f in body["frames"]] == list(RUNS.items())
    assert {f["valid_time"] for f in body["frames"]} == {VALID}
    assert body["frames"][0]["tile_url"] == "/tiles/v3/hrrr/20260129_14z/tmp2m/4/{z}/{x}/{y}.png"
    assert body["units"] == "°F" and body["legend"]["palette"] == "temperature_f"


def test_trend_keeps_only_the_newest_runs_asked(trend_server: Server) -> None:
    frames = trend(trend_server, runs=2).json()["frames"]
    assert [f["run"] for f in frames] == ["20260129_15z", "20260129_17z"]


def test_a_valid_time_no_run_reaches_is_404_and_a_malformed_one_400(trend_server: Server) -> None:
    missing = trend(trend_server, valid_time="2026-01-29T13:00:00Z")
    assert missing.status_code == 404 and "valid at 2026-01-29T13:00:00Z" in missing.json()["detail"]
    for bad in ("2026-01-29T18:30:00Z", "yesterday", "2026-01-29T18:00:00"):
        r = trend(trend_server, valid_time=bad)
        assert r.status_code == 400 and r.json()["error"] == "invalid_parameter"
    assert trend(trend_server, runs=0).status_code == 400


def test_trend_export_is_one_frame_per_run(trend_server: Server) -> None:
    r = httpx.get(f"{trend_server.url}/api/v3/export", timeout=120, params={
        "model": "hrrr", "var": "tmp2m", "valid_time": VALID, "runs": 6, "region": "conus", "width": 480})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == \
        'attachment; filename="hrrr_tmp2m_valid_20260129_18z_3runs.gif"'
    gif = Image.open(io.BytesIO(r.content))
    assert len(list(ImageSequence.Iterator(gif))) == 3 and gif.width == 480
