"""`GET /api/v3/{model}/{run}/{var}/{fh}/overlays/{key}`: one overlay of a committed frame as GeoJSON
(isolines, H/L centres or wind barbs; `docs/ARTIFACT_CONTRACT.md`).

The object is returned as written by the builder (it is immutable once published); the key must be one the
variable's spec declares, so nothing but a listed overlay object can be named.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from starlette.concurrency import run_in_threadpool

from twf.api.deps import Services, get_services
from twf.api.http_cache import frame_cache_control
from twf.api.published import locate, resolve_frame
from twf.artifacts import OVERLAYS
from twf.errors import NotPublished
from twf.store import safe_segment

router = APIRouter(tags=["overlays"])

GEOJSON = "application/geo+json"


@router.get("/api/v3/{model}/{run}/{var}/{fh}/overlays/{key}", response_class=Response,
            responses={200: {"content": {GEOJSON: {}}, "description": "GeoJSON FeatureCollection"}})
async def overlay(
    model: str, run: str, var: str, fh: int, key: str,
    services: Annotated[Services, Depends(get_services)],
) -> Response:
    safe_segment(key, "overlay key")
    frame = resolve_frame(services, model, run, var, fh)
    if key not in {o.key for o in frame.var.overlays}:
        raise NotPublished(f"{frame.var.name} has no overlay {key!r}")
    object_key, _, _ = locate(services, frame, OVERLAYS, key)
    body = await run_in_threadpool(services.storage.get, object_key)
    cache_control = frame_cache_control(frame.run.via_latest)
    return Response(body, media_type=GEOJSON, headers={"Cache-Control": cache_control})
