"""`/api/v3/{model}/{run}/{var}/{fh}/overlays/{key}`: the committed overlays, as the builder wrote them."""

from __future__ import annotations

import json

import httpx
from tests.api.conftest import Published
from tests.conftest import HRRR_RUN

from twf.artifacts import OVERLAYS


def test_an_overlay_is_the_committed_geojson(client: httpx.Client, published: Published) -> None:
    r = client.get(f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/iso2f")
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    body = r.json()
    on_disk = published.file(OVERLAYS, "hrrr", HRRR_RUN, "tmp2m", 1, "iso2f")
    assert body == json.loads(on_disk.read_text())
    assert body["type"] == "FeatureCollection" and body["features"]
    assert any(f["properties"]["major"] for f in body["features"])  # the 32 °F line exists on a January day
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_an_overlay_through_latest_is_short_lived(client: httpx.Client) -> None:
    r = client.get("/api/v3/hrrr/latest/tmp2m/0/overlays/iso2f")
    assert r.status_code == 200 and r.headers["cache-control"] == "public, max-age=30"


def test_unknown_overlay_key_or_a_variable_without_that_overlay_is_404(client: httpx.Client) -> None:
    for path in (f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/iso5f",
                 f"/api/v3/hrrr/{HRRR_RUN}/refc/1/overlays/iso2f",
                 f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/barbs"):
        r = client.get(path)
        assert r.status_code == 404 and r.json()["error"] == "not_published", path


def test_a_malformed_overlay_key_is_a_400(client: httpx.Client) -> None:
    r = client.get(f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/ISO2F")
    assert r.status_code == 400 and set(r.json()) == {"error", "detail"}
