"""`GET /api/v3/series`: one point's whole forecast from several models and variables (the meteogram).

For each model (its `latest` run unless `run=model:run` names one) and variable: every planned forecast hour
with its valid time and the value `/api/v3/sample` gives there (`twf.api.point_values`), null where the frame
is not committed yet. Which hours exist is the committed manifest's word alone; the values come from
`twf.api.series_values`. 204 when the point is outside every published model's data; a model without data
there is listed with `"outside": true`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, Query, Request, Response

from twf.api.deps import Services, get_services
from twf.api.http_cache import RUN_JSON, SHORT, json_body, json_response
from twf.api.point_values import Stencil, grid_geometry, is_class_coded, readings, rounded, stencil
from twf.api.published import resolve_model
from twf.api.schemas import ERRORS, SeriesOut
from twf.api.series_values import SeriesRequest, hour_values
from twf.api.webmercator import lonlat_to_mercator
from twf.errors import InvalidParameter, NotPublished, UnknownVariable
from twf.manifest import Manifest
from twf.models import REGISTRY
from twf.models.base import ModelSpec, VarSpec
from twf.models.requirements import planned_hours
from twf.store import iso_utc, parse_run_id, safe_segment

router = APIRouter(tags=["series"])

DEFAULT_VARS = ("tmp2m", "dp2m", "precip_total", "snowfall_total", "wspd10m", "wgst10m")  # the meteogram's
MAX_MODELS = 8  # twice the registry: room for new models, still one screenful of lines
MAX_VARS = 12
VALID_TIMES_KEPT = 512  # (run, planned hours): 2-3 per run (instantaneous, accumulated): ~200 runs


def _names(text: str | None, default: tuple[str, ...], what: str, limit: int) -> list[str]:
    """A comma list, unique in order; InvalidParameter past `limit` or on a malformed name."""
    if text is None:
        return list(default)
    names = list(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if not names:
        raise InvalidParameter(f"{what} names nothing")
    if len(names) > limit:
        raise InvalidParameter(f"{len(names)} {what}; at most {limit} per request")
    return [safe_segment(n, what.rstrip("s")) for n in names]


def _runs(text: str | None, models: list[str]) -> dict[str, str]:
    """`hrrr:20260129_17z,gfs:latest` → model → run; models not named get `latest`."""
    runs = dict.fromkeys(models, "latest")
    for pair in filter(None, (p.strip() for p in (text or "").split(","))):
        model, sep, run = pair.partition(":")
        if not sep or model not in runs:
            raise InvalidParameter(f"run {pair!r} is not model:run for one of the requested models")
        runs[model] = run
    return runs


@lru_cache(maxsize=VALID_TIMES_KEPT)
def _valid_times(run: str, hours: tuple[int, ...]) -> tuple[str, ...]:
    """The ISO valid time of each hour of a run (formatted once, not per request)."""
    start = parse_run_id(run)
    return tuple(iso_utc(start + timedelta(hours=fh)) for fh in hours)


@dataclass(frozen=True)
class ModelRun:
    spec: ModelSpec
    run: str | None  # None: nothing published (and none asked for)
    via_latest: bool
    manifest: Manifest | None


def _model_run(services: Services, spec: ModelSpec, run: str) -> ModelRun:
    try:
        resolved = services.manifests.resolve(spec.name, run)
    except NotPublished:
        return ModelRun(spec, None, True, None)  # `latest` of a model with nothing published yet
    manifest = services.manifests.manifest(spec.name, resolved.run).value
    return ModelRun(spec, resolved.run, resolved.via_latest, manifest)


async def _entries(services: Services, model: ModelRun, variables: list[str], x: float,
                   y: float) -> list[dict[str, Any]]:
    spec, run, manifest = model.spec, model.run, model.manifest
    names = [v for v in variables if v in spec.variables]
    if run is None or manifest is None:
        return [{"model": spec.name, "run": None, "var": v, "units": spec.variables[v].units, "points": []}
                for v in names]
    geometry = grid_geometry(spec.value_grid)
    cycle = parse_run_id(run).hour
    entries: list[dict[str, Any]] = []
    found = committed_any = False
    stencils: dict[str, Stencil] = {}  # by resampling: the variables of a model share its grid
    for name in names:
        var = spec.variables[name]
        where = stencils.get(var.resampling)
        if where is None:
            where = stencils[var.resampling] = stencil(geometry, np.array([x]), np.array([y]), var.resampling)
        planned = planned_hours(spec.name, name, cycle)
        entry = manifest.variables.get(name)
        listed = entry.fh_set if entry is not None else frozenset()
        slots = [i for i, fh in enumerate(planned) if fh in listed]
        committed = tuple(planned[i] for i in slots)
        committed_any = committed_any or bool(committed)
        values = await hour_values(services, SeriesRequest(spec, run, var, committed), where)
        found = found or bool(np.isfinite(values).any())
        entries.append({"model": spec.name, "run": run, "var": name, "units": var.units,
                        "points": _points(var, _valid_times(run, planned), slots, values)})
    if committed_any and not found:
        return [{**e, "points": [], "outside": True} for e in entries]
    return entries


def _points(var: VarSpec, times: tuple[str, ...], slots: list[int], values: np.ndarray) -> list[list[Any]]:
    """[valid time, value] per planned hour ([time, value, ptype] when class-coded); the committed hours sit
    at `slots`, the others are NaN, which `json_body` (orjson) writes as null."""
    if is_class_coded(var):
        read = dict(zip(slots, readings(values, var), strict=True))
        return [[when, r.value, r.ptype] if (r := read.get(i)) else [when, None, None]
                for i, when in enumerate(times)]
    every = np.full(len(times), np.nan)
    every[slots] = values
    return [[when, value] for when, value in zip(times, rounded(every), strict=True)]


@router.get("/api/v3/series", response_model=SeriesOut,
            responses={**ERRORS, 204: {"description": "the point is outside every published model's data"}})
async def series(
    request: Request,
    lat: Annotated[float, Query(ge=-90, le=90)],
    lon: Annotated[float, Query(ge=-180, le=180)],
    services: Annotated[Services, Depends(get_services)],
    models: str | None = None,
    vars: str | None = None,  # noqa: A002 (the wire name)
    run: str | None = None,
) -> Response:
    x, y = lonlat_to_mercator(lon, lat)
    model_names = _names(models, tuple(REGISTRY), "models", MAX_MODELS)
    specs = [resolve_model(m) for m in model_names]
    variables = _names(vars, DEFAULT_VARS, "variables", MAX_VARS)
    for name in variables:
        if not any(name in s.variables for s in specs):
            raise UnknownVariable(f"no requested model has a variable {name!r}")
    runs = _runs(run, [s.name for s in specs])
    if not stencil(grid_geometry(specs[0].value_grid), np.array([x]), np.array([y]), "nearest").inside[0]:
        return Response(status_code=204, headers={"Cache-Control": SHORT})  # every grid has this extent
    model_runs = [_model_run(services, s, runs[s.name]) for s in specs]
    entries = [e for m in model_runs for e in await _entries(services, m, variables, x, y)]
    published = [e for e in entries if e["run"] is not None]
    if published and all(e.get("outside") for e in published):
        return Response(status_code=204, headers={"Cache-Control": SHORT})
    via_latest = any(m.via_latest for m in model_runs)
    body = json_body({"lat": lat, "lon": lon, "series": entries})
    return json_response(request, body, SHORT if via_latest else RUN_JSON)
