"""`GET /api/v3/sample`: the value under a point, read from the frame's cached value COG.

Continuous fields interpolate bilinearly between the four surrounding value-grid centres (no-data neighbours
are left out and the weights renormalised); categorical fields take the nearest cell, so a class code is
never averaged. Outside the grid or on no-data: 204.

Class-coded variables (radar_ptype: family x 100 + dBZ) answer the dBZ and the precipitation type, never the
stored code.
"""

from __future__ import annotations

import math
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from twf.api.deps import Services, get_services
from twf.api.http_cache import frame_cache_control, json_body, json_response
from twf.api.identity import file_identity
from twf.api.published import resolve_frame
from twf.api.raster_cache import LevelGeometry
from twf.api.webmercator import lonlat_to_mercator
from twf.errors import NotPublished
from twf.palettes import get_palette, ptype_of

router = APIRouter(tags=["sample"])


class SampleOut(BaseModel):
    model: str
    run: str
    var: str
    fh: int
    lat: float
    lon: float
    value: float
    units: str
    valid_time: str
    method: str
    ptype: str | None = None  # class-coded variables only: precipitation type key, e.g. "snow"
    ptype_label: str | None = None  # its display name, e.g. "Snow"


def sample_value(values: np.ndarray, geom: LevelGeometry, x: float, y: float, method: str) -> float | None:
    """The value at EPSG:3857 (x, y), or None outside the grid or on no-data."""
    u = (x - geom.left) / geom.res_x
    v = (geom.top - y) / geom.res_y
    if not (0.0 <= u < geom.width and 0.0 <= v < geom.height):
        return None
    if method == "nearest":
        value = float(values[int(v), int(u)])
        return value if math.isfinite(value) else None
    fu, fv = u - 0.5, v - 0.5
    c0, r0 = math.floor(fu), math.floor(fv)
    wu, wv = fu - c0, fv - r0
    total = weight_sum = 0.0
    for r, wr in ((r0, 1.0 - wv), (r0 + 1, wv)):
        for c, wc in ((c0, 1.0 - wu), (c0 + 1, wu)):
            w = wr * wc
            if w <= 0.0:
                continue
            cell = float(values[min(max(r, 0), geom.height - 1), min(max(c, 0), geom.width - 1)])
            if math.isfinite(cell):
                total += w * cell
                weight_sum += w
    return total / weight_sum if weight_sum > 0.0 else None


@router.get("/api/v3/sample", response_model=SampleOut,
            responses={204: {"description": "outside the grid or on no-data (empty body)"}})
async def sample(
    request: Request,
    model: str, run: str, var: str, fh: int,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    services: Annotated[Services, Depends(get_services)],
) -> Response:
    x, y = lonlat_to_mercator(lon, lat)
    frame = resolve_frame(services, model, run, var, fh)
    cache_control = frame_cache_control(frame.run.via_latest)
    path = frame.paths.value
    identity = file_identity(path)
    if identity is None:
        raise NotPublished(f"{frame.label} has no value raster")
    level = services.values.cached(path, identity)
    if level is None:
        level = await run_in_threadpool(services.values.load, path, identity)
    method = frame.var.resampling
    value = sample_value(level.array, level.geometry, x, y, method)
    if value is None:
        return Response(status_code=204, headers={"Cache-Control": cache_control})
    fields = {
        "model": frame.model.name, "run": frame.run.run, "var": frame.var.name, "fh": fh,
        "lat": lat, "lon": lon, "value": round(value, 3), "units": frame.var.units,
        "valid_time": frame.valid_time, "method": method,
    }
    if get_palette(frame.var.palette).class_coded:
        reading = ptype_of(value)
        fields |= {"value": round(reading.dbz, 3), "ptype": reading.key, "ptype_label": reading.label}
    return json_response(request, json_body(fields), cache_control)
