"""Run-to-run trend (dprog/dt): one valid time as each of the newest runs forecast it.

    GET /api/v3/trend?model=hrrr&var=tmp2m&valid_time=2026-01-29T18:00:00Z&runs=6

answers a frames listing (the shape of `/frames`, each frame with its `run`), oldest run first, so a viewer
animates it like any loop and an export (`twf.export`) renders the same frames. Runs that do not reach the
valid time, or have not published that frame, are left out; none at all is 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel

from twf.api.deps import Services, get_services
from twf.api.discovery import overlay_list, overlay_urls, tile_url
from twf.api.http_cache import SHORT, json_body, json_response
from twf.api.published import FrameRef, resolve_frame, resolve_model, resolve_variable
from twf.api.schemas import ERRORS, FrameOut, OverlayOut
from twf.errors import ForecastHourOutOfRange, InvalidParameter, InvalidRunId, NotPublished
from twf.palettes import legend
from twf.store import iso_utc, parse_run_id

MAX_TREND_RUNS = 48
DEFAULT_TREND_RUNS = 6

router = APIRouter(tags=["discovery"], responses=ERRORS)


class TrendFrameOut(FrameOut):
    run: str


class TrendOut(BaseModel):
    model: str
    var: str
    valid_time: str
    units: str
    kind: str
    legend: dict
    overlays: list[OverlayOut]
    frames: list[TrendFrameOut]


def parse_valid_time(text: str) -> datetime:
    """`2026-01-29T18:00:00Z` (any ISO 8601 form with a zone) → an aware UTC datetime on the hour."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameter(f"valid time {text!r} is not ISO 8601 like 2026-01-29T18:00:00Z") from None
    if parsed.tzinfo is None:
        raise InvalidParameter(f"valid time {text!r} has no time zone (add Z for UTC)")
    parsed = parsed.astimezone(UTC)
    if (parsed.minute, parsed.second, parsed.microsecond) != (0, 0, 0):
        raise InvalidParameter(f"valid time {text!r} is not on the hour")
    return parsed


def trend_frames(services: Services, model: str, var: str, valid_time: datetime, runs: int) -> list[FrameRef]:
    """The frame valid at `valid_time` of each of the newest `runs` runs that have it, oldest first."""
    spec = resolve_model(model)
    var_spec = resolve_variable(spec, var)
    picked: list[FrameRef] = []
    for run in services.manifests.runs(spec.name).value:  # newest first
        hours = (valid_time - parse_run_id(run)).total_seconds() / 3600
        if hours < 0 or not hours.is_integer():
            continue
        try:
            picked.append(resolve_frame(services, spec.name, run, var_spec.name, int(hours)))
        except (NotPublished, ForecastHourOutOfRange, InvalidRunId):
            continue  # a shorter cycle, a frame not yet built, or a run retention just removed
        if len(picked) == runs:
            break
    if not picked:
        raise NotPublished(f"no committed {spec.name} run has {var_spec.name} valid at {iso_utc(valid_time)}")
    return picked[::-1]


@router.get("/api/v3/trend", response_model=TrendOut)
async def trend(
    request: Request, model: str, var: str,
    valid_time: Annotated[str, Query(description="ISO 8601 with a zone, on the hour: 2026-01-29T18:00:00Z")],
    services: Annotated[Services, Depends(get_services)],
    runs: Annotated[int, Query(ge=1, le=MAX_TREND_RUNS)] = DEFAULT_TREND_RUNS,
) -> Response:
    frames = trend_frames(services, model, var, parse_valid_time(valid_time), runs)
    first = frames[0]
    body = {"model": first.model.name, "var": first.var.name, "valid_time": first.valid_time,
            "units": first.var.units, "kind": first.var.kind, "legend": legend(first.var.palette),
            "overlays": overlay_list(first.var),
            "frames": [{"run": f.run.run, "fh": f.fh, "valid_time": f.valid_time,
                        "tile_url": tile_url(f.model.name, f.run.run, f.var.name, f.fh),
                        "overlays": overlay_urls(f.model.name, f.run.run, f.var, f.fh)}
                       for f in frames]}
    return json_response(request, json_body(body), SHORT)
