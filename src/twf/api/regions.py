"""`GET /api/regions`: the backend region registry, the one source of the viewer's region presets.

Regions are viewports only (where the map opens and what it prefetches), never part of a dataset's identity.
The data lives in `regions.json` beside this module; it is validated once at startup (every bbox inside the
canonical CONUS extent, its centre inside its bbox, zooms ordered) and served with an ETag so viewers can
revalidate their cached copy for free.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

from twf.api.http_cache import REGIONS, JsonBody, json_body, json_response
from twf.api.schemas import RegionsOut
from twf.grid import CONUS_BOUNDS_4326

REGIONS_FILE = Path(__file__).with_name("regions.json")

router = APIRouter(tags=["regions"])


def load_regions(path: Path = REGIONS_FILE) -> RegionsOut:
    """The registry, checked against the canonical extent; ValueError names the first bad region."""
    registry = RegionsOut.model_validate(json.loads(path.read_text(encoding="utf-8")))
    west, south, east, north = CONUS_BOUNDS_4326
    ids = [r.id for r in registry.regions]
    if registry.default not in ids or len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: default {registry.default!r} must be one of unique ids {ids}")
    for r in registry.regions:
        w, s, e, n = r.bbox
        lon, lat = r.defaultCenter
        if not (west <= w < e <= east and south <= s < n <= north):
            raise ValueError(f"{path.name}: region {r.id} bbox {r.bbox} is not inside {CONUS_BOUNDS_4326}")
        if not (w <= lon <= e and s <= lat <= n):
            raise ValueError(f"{path.name}: region {r.id} centre {r.defaultCenter} is outside its bbox")
        if not r.minZoom <= r.defaultZoom <= r.maxZoom:
            raise ValueError(f"{path.name}: region {r.id} zooms are not ordered min ≤ default ≤ max")
    return registry


@cache
def regions_body() -> JsonBody:
    return json_body(load_regions().model_dump())


@router.get("/api/regions", response_model=RegionsOut)
async def regions(request: Request) -> Response:
    return json_response(request, regions_body(), REGIONS)
