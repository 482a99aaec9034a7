"""`/api/v3/series`: every planned hour of each model and variable, valued exactly as `/api/v3/sample`."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import PENDING_VAR, HeldBack, Published, Server, in_process_app, start_server
from tests.conftest import GFS_RUN, HRRR_RUN, S3_BUCKET, s3_environ, s3_store, upload_tree

from twf import store
from twf.artifacts import VALUE
from twf.models import get_model
from twf.models.requirements import frame_hours
from twf.series.document import load_series
from twf.storage import LocalStore

POINT = {"lat": 40.0, "lon": -100.0}


def series(client: httpx.Client, **params: object) -> httpx.Response:
    return client.get("/api/v3/series", params={**POINT, **params})


def sample_value(client: httpx.Client, model: str, run: str, var: str, fh: int, lat: float = 40.0,
                 lon: float = -100.0) -> dict | None:
    r = client.get("/api/v3/sample", params={"model": model, "run": run, "var": var, "fh": fh,
                                             "lat": lat, "lon": lon})
    return r.json() if r.status_code == 200 else None


def entry(body: dict, model: str, var: str) -> dict:
    return next(e for e in body["series"] if e["model"] == model and e["var"] == var)


def test_series_lists_every_planned_hour_with_the_sample_value_or_null(client: httpx.Client) -> None:
    r = series(client, models="hrrr,gfs", vars="tmp2m")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"lat", "lon", "series"} and (body["lat"], body["lon"]) == (40.0, -100.0)
    for model, run, committed in (("hrrr", HRRR_RUN, {0, 1}), ("gfs", GFS_RUN, {0})):
        e = entry(body, model, "tmp2m")
        assert (e["run"], e["units"]) == (run, "°F")
        spec = get_model(model)
        planned = frame_hours(spec, spec.variables["tmp2m"], int(run[9:11]))
        assert len(e["points"]) == len(planned)
        for fh, (when, value) in zip(planned, e["points"], strict=True):
            expected = sample_value(client, model, run, "tmp2m", fh) if fh in committed else None
            assert value == (expected["value"] if expected else None), (model, fh)
            if expected:
                assert when == expected["valid_time"]
    assert entry(body, "hrrr", "tmp2m")["points"][0][0] == "2026-01-29T17:00:00Z"
    assert entry(body, "gfs", "tmp2m")["points"][-1][0] == "2026-02-14T12:00:00Z"  # 12z + 384 h (16 days)


def test_default_series_covers_four_models_and_six_variables(client: httpx.Client) -> None:
    body = series(client).json()
    pairs = {(e["model"], e["var"]) for e in body["series"]}
    assert {m for m, _ in pairs} == {"hrrr", "nam", "nbm", "gfs"}
    assert {v for _, v in pairs} == {"tmp2m", "dp2m", "precip_total", "snowfall_total", "wspd10m", "wgst10m"}
    unpublished = [e for e in body["series"] if e["model"] in ("nam", "nbm")]
    assert unpublished and all(e["run"] is None and e["points"] == [] for e in unpublished)
    dew = entry(body, "hrrr", "dp2m")
    assert dew["run"] == HRRR_RUN and dew["points"] and all(v is None for _, v in dew["points"])


def test_a_planned_variable_without_frames_is_all_null(client: httpx.Client) -> None:
    e = entry(series(client, models="hrrr", vars=f"tmp2m,{PENDING_VAR}").json(), "hrrr", PENDING_VAR)
    assert len(e["points"]) == 19 and all(v is None for _, v in e["points"])


def test_radar_ptype_series_carries_dbz_and_type_like_the_sample(client: httpx.Client, published) -> None:
    from tests.api.test_sample import _cell_centre_lonlat

    from twf.palettes import PTYPE_OFFSET
    value_cog = published.file(VALUE, "hrrr", HRRR_RUN, "radar_ptype", 1)
    lat, lon, _ = _cell_centre_lonlat(value_cog, lambda v: v >= PTYPE_OFFSET + 5)
    body = client.get("/api/v3/series", params={"lat": lat, "lon": lon, "models": "hrrr",
                                                "vars": "radar_ptype"}).json()
    points = entry(body, "hrrr", "radar_ptype")["points"]
    single = sample_value(client, "hrrr", HRRR_RUN, "radar_ptype", 1, lat, lon)
    assert points[1] == [single["valid_time"], single["value"], single["ptype"]] and single["ptype"] == "snow"
    assert points[0][1:] == [None, None]


def test_a_model_without_data_at_the_point_is_listed_as_outside(client: httpx.Client) -> None:
    body = series(client, lat=22.0, lon=-62.0, models="hrrr,gfs", vars="tmp2m").json()
    assert entry(body, "hrrr", "tmp2m") | {"points": None} == {
        "model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "units": "°F", "points": None, "outside": True}
    assert entry(body, "hrrr", "tmp2m")["points"] == []
    assert entry(body, "gfs", "tmp2m")["points"][0][1] is not None


@pytest.mark.parametrize("where", [{"lat": 10.0, "lon": -150.0}, {"lat": 22.0, "lon": -62.0}])
def test_series_outside_every_model_is_204(client: httpx.Client, where: dict) -> None:
    r = series(client, models="hrrr", vars="tmp2m", **where)
    assert r.status_code == 204 and r.content == b""


def test_series_of_named_runs_is_revalidated_and_latest_is_short_lived(client: httpx.Client) -> None:
    assert series(client, models="hrrr", vars="tmp2m").headers["cache-control"] == "public, max-age=30"
    named = series(client, models="hrrr,gfs", vars="tmp2m", run=f"hrrr:{HRRR_RUN},gfs:{GFS_RUN}")
    assert named.headers["cache-control"] == "public, max-age=60" and named.headers["etag"]
    assert entry(named.json(), "hrrr", "tmp2m")["run"] == HRRR_RUN


@pytest.mark.parametrize(("params", "status", "code"), [
    ({"lat": 91}, 400, "invalid_parameter"),
    ({"lon": -180.5}, 400, "invalid_parameter"),
    ({"lat": "nan"}, 400, "invalid_parameter"),
    ({"models": "foo"}, 404, "unknown_model"),
    ({"models": "../etc"}, 400, "invalid_path_segment"),
    ({"models": ",".join(f"m{i}" for i in range(9))}, 400, "invalid_parameter"),
    ({"models": ""}, 400, "invalid_parameter"),
    ({"vars": ",".join(f"v{i}" for i in range(13))}, 400, "invalid_parameter"),
    ({"vars": "nope"}, 404, "unknown_variable"),
    ({"vars": "tmp2m/../x"}, 400, "invalid_path_segment"),
    ({"run": "hrrr:yesterday"}, 400, "invalid_run_id"),
    ({"run": "hrrr:20250101_00z"}, 404, "not_published"),
    ({"run": "hrrr"}, 400, "invalid_parameter"),
    ({"models": "hrrr", "run": "gfs:latest"}, 400, "invalid_parameter"),
])
def test_bad_series_parameters_are_json_4xx(client: httpx.Client, params: dict, status: int,
                                            code: str) -> None:
    r = series(client, **params)
    assert (r.status_code, r.json()["error"]) == (status, code), r.text
    assert r.headers["cache-control"] == "no-store"


@pytest.fixture(scope="module", params=["local", "s3"])
def store_server(request: pytest.FixtureRequest, published: Published,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The published data with its series stores in every state a reader must cope with: HRRR tmp2m's store
    intact but a value COG it holds gone, GFS tmp2m's store never written, HRRR refc's segment damaged, HRRR
    radar_ptype's document damaged; served from a folder or from S3 (the id says which)."""
    base = tmp_path_factory.mktemp("stores")
    storage = LocalStore(base / "v3")
    shutil.copytree(published.root, storage.root)
    storage.delete(VALUE.key(store.published_frame("hrrr", HRRR_RUN, "tmp2m", 1)))
    storage.delete(store.series("gfs", GFS_RUN, "tmp2m").document)
    refc = load_series(storage, "hrrr", HRRR_RUN, "refc")[0]
    shard = refc.keys.segment_shard(refc.segments[0].name)
    storage.put(shard, bytes(b ^ 0x5A for b in storage.get(shard)))
    storage.put(store.series("hrrr", HRRR_RUN, "radar_ptype").document, b'{"segments": [')
    s3 = {}
    if request.param == "s3":
        url = request.getfixturevalue("object_server").url(S3_BUCKET, f"stores-{uuid.uuid4().hex[:8]}")
        upload_tree(storage.root, s3_store(url))
        s3 = s3_environ(url)
    yield from start_server(storage.root, base / "serve.log", TWF_WEB_DIST=str(base / "none"), **s3)


def test_hours_a_store_holds_are_served_from_it_and_others_from_the_frames(client: httpx.Client,
                                                                          store_server: Server) -> None:
    params = {**POINT, "models": "hrrr,gfs", "vars": "tmp2m,refc,radar_ptype", "run": f"hrrr:{HRRR_RUN}"}
    expected = client.get("/api/v3/series", params=params).json()
    with store_server.client() as other:
        r = other.get("/api/v3/series", params=params)
    assert r.status_code == 200 and r.json() == expected
    assert entry(expected, "hrrr", "tmp2m")["points"][1][1] is not None  # f01: COG gone, the store has it
    assert entry(expected, "hrrr", "refc")["points"][1][1] is not None
    log = store_server.log.read_text()
    assert "series store of hrrr 20260129_17z refc unreadable" in log
    assert "series store of hrrr 20260129_17z radar_ptype unreadable" in log


def test_meteograms_waiting_to_decode_never_hold_up_a_hover_sample(published: Published,
                                                                  tmp_path: Path) -> None:
    """Forty-five meteograms at once whose levels decode slowly (a busy disk or CPU; their series stores not
    written yet, so every hour is read from its value COG) hold one thread between them: a sample, which
    needs a thread of the shared pool to decode its own level, is answered meanwhile."""
    storage = LocalStore(tmp_path / "v3")
    shutil.copytree(published.root, storage.root)
    for var in ("refc", "radar_ptype"):
        storage.delete(store.series("hrrr", HRRR_RUN, var).document)
    app = in_process_app(storage.root)
    values = app.state.services.values
    sampled = storage.gdal_path(VALUE.key(store.published_frame("hrrr", HRRR_RUN, "tmp2m", 1)))
    held = HeldBack(values.load, only=lambda path: path != sampled)
    values.load = held
    meteograms = [f"/api/v3/series?lat={40 + i / 10}&lon=-100&vars=refc,radar_ptype" for i in range(45)]
    sample = f"/api/v3/sample?model=hrrr&run={HRRR_RUN}&var=tmp2m&fh=1&lat=40&lon=-100"
    answered_sample, answered, still_waiting = asyncio.run(held.crowd(app, meteograms, [sample]))
    assert answered_sample == [200]
    assert still_waiting == len(meteograms)
    assert answered == [200] * len(meteograms)
