"""`/api/regions`: the backend region registry, with ETag revalidation."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from twf.api.regions import REGIONS_FILE, load_regions

EXPECTED = {"pnw", "conus", "north_central", "northeast", "southeast", "southwest", "south_central",
            "midwest"}


def test_regions_list_every_preset_with_pnw_default(client: httpx.Client) -> None:
    r = client.get("/api/regions")
    body = r.json()
    assert body["default"] == "pnw"
    regions = {reg["id"]: reg for reg in body["regions"]}
    assert set(regions) == EXPECTED
    assert regions["pnw"] == {"id": "pnw", "label": "Pacific Northwest", "bbox": [-126.0, 41.5, -116.0, 49.5],
                              "defaultCenter": [-120.8, 45.6], "defaultZoom": 6, "minZoom": 3, "maxZoom": 10}
    assert r.headers["cache-control"] == "public, max-age=300"


def test_regions_etag_answers_304(client: httpx.Client) -> None:
    etag = client.get("/api/regions").headers["etag"]
    r = client.get("/api/regions", headers={"If-None-Match": etag})
    assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    assert client.get("/api/regions", headers={"If-None-Match": f'W/{etag}, "x"'}).status_code == 304


def test_a_region_outside_the_canonical_extent_is_rejected(tmp_path: Path) -> None:
    data = json.loads(REGIONS_FILE.read_text())
    data["regions"][0]["bbox"] = [-170.0, 41.5, -116.0, 49.5]
    bad = tmp_path / "regions.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="pnw"):
        load_regions(bad)
