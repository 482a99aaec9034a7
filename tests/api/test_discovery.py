"""Discovery routes against the committed state: what a viewer learns of models, runs, variables, frames."""

from __future__ import annotations

import json

import httpx
from tests.api.conftest import PENDING_VAR, STAGING_ONLY_RUN, UNLISTED_RUN, Published
from tests.conftest import GFS_RUN, HRRR_RUN

from twf import CONTRACT_VERSION, store


def test_healthz_reports_contract_version(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "contract_version": CONTRACT_VERSION}


def test_models_lists_every_registry_model_with_its_latest_run(client: httpx.Client) -> None:
    r = client.get("/api/v3/models")
    assert r.status_code == 200
    models = {m["id"]: m for m in r.json()["models"]}
    assert set(models) == {"hrrr", "nam", "nbm", "gfs"}
    assert models["hrrr"]["latest_run"] == HRRR_RUN
    assert models["gfs"]["latest_run"] == GFS_RUN
    assert models["nam"]["latest_run"] is None
    assert models["hrrr"]["label"] == "HRRR"
    assert r.headers["cache-control"] == "public, max-age=30"


def test_runs_show_only_committed_runs(client: httpx.Client) -> None:
    body = client.get("/api/v3/hrrr/runs").json()
    assert body["latest"] == HRRR_RUN
    assert [r["run"] for r in body["runs"]] == [HRRR_RUN]
    assert STAGING_ONLY_RUN not in json.dumps(body) and UNLISTED_RUN not in json.dumps(body)
    assert body["runs"][0]["ref_time"] == "2026-01-29T17:00:00Z"
    assert body["runs"][0]["complete"] is False  # 2 of 19 tmp2m hours


def test_uncommitted_runs_answer_404_on_every_route(client: httpx.Client) -> None:
    for run in (STAGING_ONLY_RUN, UNLISTED_RUN):
        for path in (f"/api/v3/hrrr/{run}/vars", f"/api/v3/hrrr/{run}/manifest",
                     f"/api/v3/hrrr/{run}/tmp2m/frames", f"/tiles/v3/hrrr/{run}/tmp2m/1/6/12/22.png",
                     f"/api/v3/hrrr/{run}/tmp2m/1/overlays/iso2f",
                     f"/api/v3/sample?model=hrrr&run={run}&var=tmp2m&fh=1&lat=40&lon=-100"):
            r = client.get(path)
            assert r.status_code == 404, path
            assert r.json()["error"] == "not_published"


def test_vars_carry_registry_labels_counts_and_legend(client: httpx.Client) -> None:
    body = client.get(f"/api/v3/hrrr/{HRRR_RUN}/vars").json()
    variables = {v["id"]: v for v in body["variables"]}
    assert set(variables) == {"tmp2m", "refc", "radar_ptype", PENDING_VAR}
    tmp = variables["tmp2m"]
    assert (tmp["label"], tmp["units"], tmp["kind"]) == ("2 m temperature", "°F", "continuous")
    assert tmp["available_frames"] == 2 and tmp["expected_frames"] == 19
    assert tmp["legend"]["palette"] == "temperature_f" and tmp["legend"]["stops"]


def test_vars_name_their_picker_group_and_the_decimals_a_reading_deserves(client: httpx.Client) -> None:
    variables = {v["id"]: v for v in client.get(f"/api/v3/hrrr/{HRRR_RUN}/vars").json()["variables"]}
    groups = {name: v["group"] for name, v in variables.items()}
    assert groups == {"tmp2m": "surface", "mslp": "surface", "refc": "precipitation",
                      "radar_ptype": "precipitation"}
    assert (variables["tmp2m"]["legend"]["decimals"], variables["refc"]["legend"]["decimals"]) == (1, 0)


def test_reflectivity_legend_is_stepped_as_its_tiles_are(client: httpx.Client) -> None:
    variables = client.get(f"/api/v3/hrrr/{HRRR_RUN}/vars").json()["variables"]
    kinds = {v["id"]: v["legend"]["kind"] for v in variables}
    assert (kinds["refc"], kinds["tmp2m"], kinds["radar_ptype"]) == ("stepped", "continuous", "categorical")


def test_planned_variable_without_frames_is_listed_with_zero_available(client: httpx.Client) -> None:
    body = client.get("/api/v3/hrrr/latest/vars").json()
    pending = next(v for v in body["variables"] if v["id"] == PENDING_VAR)
    assert pending["available_frames"] == 0 and pending["expected_frames"] > 0
    assert pending["legend"]["stops"]


def test_frames_of_a_planned_variable_without_frames_is_an_empty_list(client: httpx.Client) -> None:
    for run in ("latest", HRRR_RUN):
        r = client.get(f"/api/v3/hrrr/{run}/{PENDING_VAR}/frames")
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["var"], body["run"], body["frames"]) == (PENDING_VAR, HRRR_RUN, [])
        assert body["legend"]["palette"] == "mslp_hpa"


def test_manifest_is_returned_as_committed(client: httpx.Client, published: Published) -> None:
    on_disk = json.loads(published.storage.get(store.manifest("hrrr", HRRR_RUN)))
    assert client.get(f"/api/v3/hrrr/{HRRR_RUN}/manifest").json() == on_disk
    assert client.get("/api/v3/hrrr/latest/manifest").json() == on_disk


def test_frames_via_latest_carry_concrete_urls_and_overlays(client: httpx.Client) -> None:
    r = client.get("/api/v3/hrrr/latest/tmp2m/frames")
    body = r.json()
    assert body["run"] == HRRR_RUN and body["units"] == "°F" and body["legend"]["palette"] == "temperature_f"
    assert [f["fh"] for f in body["frames"]] == [0, 1]
    f1 = body["frames"][1]
    assert f1["valid_time"] == "2026-01-29T18:00:00Z"
    assert f1["tile_url"] == f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/1/{{z}}/{{x}}/{{y}}.png"
    assert f1["overlays"] == {"iso2f": f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/iso2f"}
    assert body["overlays"] == [
        {"key": "iso2f", "kind": "isolines", "label": "Isotherms (2 °F)", "shown": False}]
    refc = client.get(f"/api/v3/hrrr/{HRRR_RUN}/refc/frames").json()
    assert [f["overlays"] for f in refc["frames"]] == [{}] and refc["overlays"] == []


def test_discovery_cache_control_is_short_for_latest_and_revalidated_for_a_run(client: httpx.Client) -> None:
    assert client.get("/api/v3/hrrr/latest/tmp2m/frames").headers["cache-control"] == "public, max-age=30"
    concrete = client.get(f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/frames")
    assert concrete.headers["cache-control"] == "public, max-age=60"
    assert concrete.headers["etag"]


def test_json_etag_answers_304_when_unchanged(client: httpx.Client) -> None:
    for path in (f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/frames", f"/api/v3/hrrr/{HRRR_RUN}/vars", "/api/v3/models"):
        first = client.get(path)
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
        assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_unknown_model_variable_and_bad_run_are_json_4xx_never_cached(client: httpx.Client) -> None:
    cases = {"/api/v3/foo/runs": (404, "unknown_model"),
             f"/api/v3/hrrr/{HRRR_RUN}/nope/frames": (404, "unknown_variable"),
             "/api/v3/hrrr/2026-01-29/vars": (400, "invalid_run_id"),
             "/api/v3/hrrr/20260231_00z/vars": (400, "invalid_run_id"),
             "/api/v3/nam/latest/vars": (404, "not_published"),
             f"/api/v3/hrrr/{HRRR_RUN}/dp2m/frames": (404, "not_published")}
    for path, (status, code) in cases.items():
        r = client.get(path)
        assert (r.status_code, r.json()["error"]) == (status, code), path
        assert r.headers["cache-control"] == "no-store"
        assert r.json()["detail"]


def test_gfs_run_is_discoverable_beside_hrrr(client: httpx.Client) -> None:
    body = client.get("/api/v3/gfs/latest/tmp2m/frames").json()
    assert body["run"] == GFS_RUN and [f["fh"] for f in body["frames"]] == [0]
