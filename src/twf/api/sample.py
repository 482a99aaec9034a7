"""`GET /api/v3/sample` and `POST /api/v3/sample/batch`: values under points, read from the frame's cached
value COG (the arithmetic is `twf.api.point_values`, shared with the series route).

A single sample outside the grid or on no-data is 204; a batch answers null for such points, in order.
"""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ValidationError

from twf.api.deps import Services, get_services
from twf.api.http_cache import NO_STORE, frame_cache_control, json_body, json_response
from twf.api.point_values import (
    is_class_coded,
    mercator_points,
    reading,
    readings,
    rounded,
    value_at,
    values_at,
)
from twf.api.published import FrameRef, locate, resolve_frame
from twf.api.raster_cache import Level
from twf.api.raster_threads import in_raster_thread
from twf.api.schemas import ERRORS, BatchIn, BatchOut
from twf.api.webmercator import lonlat_to_mercator
from twf.artifacts import VALUE
from twf.errors import BodyTooLarge, InvalidParameter, TooManyPoints

router = APIRouter(tags=["sample"])

MAX_BATCH_POINTS = 500  # the city labels of a whole-CONUS view, thinned; more is a bulk export, not a viewer
MAX_BATCH_BYTES = 64 << 10  # 500 points written out with full float precision fit in ~25 KB


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


async def frame_values(services: Services, frame: FrameRef) -> Level:
    """The decoded value level of a committed frame, from the cache or decoded once (in a thread)."""
    _, path, identity = locate(services, frame, VALUE)
    level = services.values.cached(path, identity)
    if level is None:
        level = await in_raster_thread(services.values.load, path, identity)
    return level


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
    level = await frame_values(services, frame)
    method = frame.var.resampling
    value = value_at(level.array, level.geometry, x, y, method)
    if value is None:
        return Response(status_code=204, headers={"Cache-Control": cache_control})
    read = reading(value, frame.var)
    fields = {
        "model": frame.model.name, "run": frame.run.run, "var": frame.var.name, "fh": fh,
        "lat": lat, "lon": lon, "value": read.value, "units": frame.var.units,
        "valid_time": frame.valid_time, "method": method,
    }
    if read.ptype is not None:
        fields |= {"ptype": read.ptype, "ptype_label": read.ptype_label}
    return json_response(request, json_body(fields), cache_control)


async def _batch_request(request: Request) -> BatchIn:
    """The body, checked before anything is read from disk: size, JSON, shape, point count, coordinates."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BATCH_BYTES:
        raise BodyTooLarge(f"the body is {declared} bytes; at most {MAX_BATCH_BYTES} are accepted")
    raw = await request.body()
    if len(raw) > MAX_BATCH_BYTES:
        raise BodyTooLarge(f"the body is {len(raw)} bytes; at most {MAX_BATCH_BYTES} are accepted")
    try:
        body = BatchIn.model_validate(orjson.loads(raw))
    except orjson.JSONDecodeError:
        raise InvalidParameter("the body is not JSON") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidParameter(f"body.{where}: {first.get('msg', 'invalid value')}") from None
    if len(body.points) > MAX_BATCH_POINTS:
        raise TooManyPoints(f"{len(body.points)} points; at most {MAX_BATCH_POINTS} per request")
    return body


@router.post("/api/v3/sample/batch", response_model=BatchOut,
             responses={**ERRORS, 413: {"description": "more than 500 points, or a body over 64 KiB"}})
async def sample_batch(request: Request, services: Annotated[Services, Depends(get_services)]) -> Response:
    body = await _batch_request(request)
    xs, ys = mercator_points(body.points)
    frame = resolve_frame(services, body.model, body.run, body.var, body.fh)
    level = await frame_values(services, frame)
    values = values_at(level.array, level.geometry, xs, ys, frame.var.resampling)
    answer: dict[str, object] = {
        "model": frame.model.name, "run": frame.run.run, "var": frame.var.name, "fh": frame.fh,
        "units": frame.var.units, "valid_time": frame.valid_time,
    }
    if is_class_coded(frame.var):
        found = readings(values, frame.var)
        answer |= {"values": [r.value if r else None for r in found],
                   "ptypes": [r.ptype if r else None for r in found]}
    else:
        answer["values"] = rounded(values)
    # A POST is not cached by HTTP caches anyway; say so, so no proxy keeps an answer of a `latest` frame.
    return Response(json_body(answer).content, media_type="application/json",
                    headers={"Cache-Control": NO_STORE})
