"""Difference routes: A − B of two committed frames as tiles, samples and a legend (API.md "Differences").

    GET /tiles/v3/diff/{A}/{B}/{z}/{x}/{y}.png      ({y}@2x.png: 512 px)
    GET /api/v3/diff/sample?a={A}&b={B}&lat=&lon=
    GET /api/v3/diff/legend?a={A}&b={B}

A and B are each `{model}/{run}/{var}/{fh}` (`run` may be `latest`): model minus model at one valid time,
run R minus run R−k at one valid time (trend), or one run's hour h minus hour h−24. The operator does not
care which; it needs two frames of one quantity (`difference.difference_palette`). A missing frame answers
404 naming the side (`b: hrrr 20260129_16z tmp2m f019 is not published`).
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from twf.api.deps import Services, get_services
from twf.api.difference import Difference, difference_palette
from twf.api.difference_cache import FramePair
from twf.api.http_cache import frame_cache_control, json_body, json_response
from twf.api.point_values import value_at
from twf.api.published import FrameRef, locate, resolve_frame
from twf.api.raster_threads import in_raster_thread
from twf.api.schemas import ERRORS
from twf.api.tiles import PNG_RESPONSES, TileColumn, TileRow, TileZoom, png_tile, tile_request
from twf.api.webmercator import lonlat_to_mercator
from twf.artifacts import VALUE
from twf.errors import InvalidParameter, TWFError
from twf.grid import CONUS_BOUNDS_3857
from twf.palettes import legend

log = logging.getLogger("twf.api.diff")

router = APIRouter(tags=["differences"], responses=ERRORS)
tile_router = APIRouter(tags=["differences"], responses=ERRORS)  # `twf tile-server` serves only this one

ServicesDep = Annotated[Services, Depends(get_services)]
FrameQuery = Annotated[str, Query(description="a frame: {model}/{run}/{var}/{fh}, run may be `latest`")]


class DiffFrameOut(BaseModel):
    model: str
    run: str
    var: str
    label: str
    fh: int
    valid_time: str


class DiffSampleOut(BaseModel):
    value: float  # a − b
    a: float
    b: float
    units: str
    lat: float
    lon: float
    frames: dict[str, DiffFrameOut]  # "a", "b"


class DiffLegendOut(BaseModel):
    units: str
    legend: dict
    tile_url: str
    frames: dict[str, DiffFrameOut]


def parse_address(text: str, side: str) -> tuple[str, str, str, int]:
    """`hrrr/latest/tmp2m/6` → its four parts; InvalidParameter for anything else."""
    parts = text.split("/")
    if len(parts) != 4 or not parts[3].isdigit():
        raise InvalidParameter(f"{side} {text!r} is not a frame {{model}}/{{run}}/{{var}}/{{fh}}")
    model, run, var, fh = parts
    return model, run, var, int(fh)


def resolve_pair(services: Services, a: tuple[str, str, str, int], b: tuple[str, str, str, int]) -> FramePair:
    """Both frames as committed (an error names its side) and the palette of their difference."""
    frames = []
    for side, address in (("a", a), ("b", b)):
        try:
            frames.append(resolve_frame(services, *address))
        except TWFError as exc:
            raise type(exc)(f"{side}: {exc}") from None
    return FramePair(frames[0], frames[1], difference_palette(frames[0].var, frames[1].var))


def diff_tile_url(pair: FramePair) -> str:
    """The tile template of a pair, with concrete run ids (what a viewer animates: immutable tiles)."""
    a, b = (f"{f.model.name}/{f.run.run}/{f.var.name}/{f.fh}" for f in (pair.a, pair.b))
    return f"/tiles/v3/diff/{a}/{b}/{{z}}/{{x}}/{{y}}.png"


def _frame_out(frame: FrameRef) -> dict:
    return {"model": frame.model.name, "run": frame.run.run, "var": frame.var.name, "label": frame.var.label,
            "fh": frame.fh, "valid_time": frame.valid_time}


async def _difference(services: Services, pair: FramePair) -> Difference:
    (_, path_a, identity_a), (_, path_b, identity_b) = (locate(services, f, VALUE) for f in (pair.a, pair.b))
    key = services.differences.key(pair, (path_a, identity_a), (path_b, identity_b))
    found = services.differences.cached(key)
    return found if found is not None else await in_raster_thread(services.differences.load, pair, key)


@tile_router.get("/tiles/v3/diff/{am}/{ar}/{av}/{afh}/{bm}/{br}/{bv}/{bfh}/{z}/{x}/{y}.png",
            response_class=Response, responses=PNG_RESPONSES,
            summary="PNG tile of A − B, A = {am}/{ar}/{av}/{afh}, B = {bm}/{br}/{bv}/{bfh}")
async def diff_tile(
    am: str, ar: str, av: str, afh: int, bm: str, br: str, bv: str, bfh: int,
    z: TileZoom, x: TileColumn, y: TileRow, services: ServicesDep,
) -> Response:
    bounds, size = tile_request(z, x, y)
    pair = resolve_pair(services, (am, ar, av, afh), (bm, br, bv, bfh))
    headers = {"Cache-Control": frame_cache_control(pair.via_latest)}
    if not bounds.intersects(CONUS_BOUNDS_3857):
        return Response(status_code=204, headers=headers)
    diff = await _difference(services, pair)
    if not diff.covers(bounds):
        log.debug("difference tile %s/%s/%s outside the common extent", z, x, y)
        return Response(status_code=204, headers=headers)
    return Response(await png_tile(services, diff.rgba, diff.geometry, bounds, size, "bilinear"),
                    media_type="image/png", headers=headers)


@router.get("/api/v3/diff/sample", response_model=DiffSampleOut,
            responses={204: {"description": "outside the common extent or on no-data (empty body)"}})
async def diff_sample(
    request: Request, a: FrameQuery, b: FrameQuery,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    services: ServicesDep,
) -> Response:
    x, y = lonlat_to_mercator(lon, lat)
    pair = resolve_pair(services, parse_address(a, "a"), parse_address(b, "b"))
    cache_control = frame_cache_control(pair.via_latest)
    diff = await _difference(services, pair)
    value_a = value_at(diff.a, diff.geometry, x, y, "bilinear")
    value_b = value_at(diff.b, diff.geometry, x, y, "bilinear")
    if value_a is None or value_b is None:
        return Response(status_code=204, headers={"Cache-Control": cache_control})
    body = {"value": round(value_a - value_b, 3), "a": round(value_a, 3), "b": round(value_b, 3),
            "units": pair.palette.units, "lat": lat, "lon": lon,
            "frames": {"a": _frame_out(pair.a), "b": _frame_out(pair.b)}}
    return json_response(request, json_body(body), cache_control)


@router.get("/api/v3/diff/legend", response_model=DiffLegendOut)
async def diff_legend(request: Request, a: FrameQuery, b: FrameQuery, services: ServicesDep) -> Response:
    pair = resolve_pair(services, parse_address(a, "a"), parse_address(b, "b"))
    body = {"units": pair.palette.units, "legend": legend(pair.palette.name), "tile_url": diff_tile_url(pair),
            "frames": {"a": _frame_out(pair.a), "b": _frame_out(pair.b)}}
    return json_response(request, json_body(body), frame_cache_control(pair.via_latest))
