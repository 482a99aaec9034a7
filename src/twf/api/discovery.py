"""Discovery routes: models, runs, variables, manifest and frames, all read from committed manifests.

Each answer is a pure function of one committed file (or of the run list and LATEST.json), so its JSON and
ETag are memoised on the cache entry of that file and rebuilt only when the file is replaced.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from twf import CONTRACT_VERSION
from twf.api.deps import Services, get_services
from twf.api.http_cache import SHORT, discovery_cache_control, json_body, json_response
from twf.api.manifest_cache import Cached
from twf.api.published import resolve_model, resolve_variable
from twf.api.schemas import ERRORS, FramesOut, ModelsOut, RunsOut, VarsOut
from twf.errors import InvalidManifest, NotPublished
from twf.manifest import Manifest
from twf.models import REGISTRY
from twf.models.base import ModelSpec, VarSpec
from twf.palettes import legend

log = logging.getLogger("twf.api.discovery")

router = APIRouter(tags=["discovery"], responses=ERRORS)

ServicesDep = Annotated[Services, Depends(get_services)]


def tile_url(model: str, run: str, var: str, fh: int) -> str:
    return f"/tiles/v3/{model}/{run}/{var}/{fh}/{{z}}/{{x}}/{{y}}.png"


def overlay_urls(model: str, run: str, var: VarSpec, fh: int) -> dict[str, str]:
    """Overlay key → the URL of that frame's overlay (`twf.api.overlays`)."""
    return {o.key: f"/api/v3/{model}/{run}/{var.name}/{fh}/overlays/{o.key}" for o in var.overlays}


def overlay_list(var: VarSpec) -> list[dict[str, Any]]:
    """What the viewer needs to offer the variable's overlays: key, kind (how to draw it), label (its
    toggle) and whether it is shown until turned off."""
    return [{"key": o.key, "kind": o.kind, "label": o.label, "shown": o.shown} for o in var.overlays]


@router.get("/api/v3/models", response_model=ModelsOut)
async def models(request: Request, services: ServicesDep) -> Response:
    entries = []
    for spec in REGISTRY.values():
        latest = services.manifests.latest(spec.name)
        entries.append({"id": spec.name, "label": spec.label, "description": spec.description,
                        "latest_run": latest.run if latest else None})
    return json_response(request, json_body({"contract_version": CONTRACT_VERSION, "models": entries}), SHORT)


@router.get("/api/v3/{model}/runs", response_model=RunsOut)
async def runs(model: str, request: Request, services: ServicesDep) -> Response:
    spec = resolve_model(model)
    latest = services.manifests.latest(spec.name)
    listed = []
    for run in services.manifests.runs(spec.name).value:
        try:
            manifest = services.manifests.manifest(spec.name, run).value
        except NotPublished:  # removed by retention since the folder was listed
            continue
        except InvalidManifest as exc:  # one damaged run must not hide the others
            log.error("skipping %s run %s in the run list: %s", spec.name, run, exc)
            continue
        listed.append({"run": run, "ref_time": manifest.ref_time, "complete": manifest.complete,
                       "last_updated": manifest.last_updated})
    body = {"model": spec.name, "latest": latest.run if latest else None, "runs": listed}
    return json_response(request, json_body(body), SHORT)


def _committed(services: Services, model: str, run: str) -> tuple[ModelSpec, Cached[Manifest], bool]:
    spec = resolve_model(model)
    resolved = services.manifests.resolve(spec.name, run)
    return spec, services.manifests.manifest(spec.name, resolved.run), resolved.via_latest


@router.get("/api/v3/{model}/{run}/vars", response_model=VarsOut)
async def variables(model: str, run: str, request: Request, services: ServicesDep) -> Response:
    spec, cached, via_latest = _committed(services, model, run)
    body = cached.memo("vars", lambda: json_body(_vars_body(spec, cached.value)))
    return json_response(request, body, discovery_cache_control(via_latest))


def _vars_body(spec: ModelSpec, manifest: Manifest) -> dict[str, Any]:
    listed = []
    # in the model spec's display order; a variable the registry no longer defines is left out (nothing
    # could render it)
    for name, var in spec.variables.items():
        entry = manifest.variables.get(name)
        if entry is None:
            continue
        listed.append({"id": name, "label": var.label, "units": var.units, "kind": var.kind,
                       "group": var.group, "expected_frames": entry.expected_frames,
                       "available_frames": entry.available_frames, "unavailable": entry.unavailable,
                       "legend": legend(var.palette)})
    return {"model": spec.name, "run": manifest.run, "variables": listed}


@router.get("/api/v3/{model}/{run}/manifest", summary="the run manifest as committed")
async def manifest(model: str, run: str, request: Request, services: ServicesDep) -> Response:
    _, cached, via_latest = _committed(services, model, run)
    body = cached.memo("manifest", lambda: json_body(cached.value.to_dict()))
    return json_response(request, body, discovery_cache_control(via_latest))


@router.get("/api/v3/{model}/{run}/{var}/frames", response_model=FramesOut)
async def frames(model: str, run: str, var: str, request: Request, services: ServicesDep) -> Response:
    spec, cached, via_latest = _committed(services, model, run)
    var_spec = resolve_variable(spec, var)
    entry = cached.value.variables.get(var_spec.name)
    if entry is None:
        raise NotPublished(f"{spec.name} run {cached.value.run} has no {var_spec.name} frames")

    def build() -> Any:
        run_id = cached.value.run
        listed = [{"fh": f.fh, "valid_time": f.valid_time, "tile_url": tile_url(spec.name, run_id, var, f.fh),
                   "overlays": overlay_urls(spec.name, run_id, var_spec, f.fh)}
                  for f in entry.frames]
        return json_body({"model": spec.name, "run": run_id, "var": var_spec.name, "units": var_spec.units,
                          "kind": var_spec.kind, "legend": legend(var_spec.palette),
                          "overlays": overlay_list(var_spec), "frames": listed})

    body = cached.memo(("frames", var_spec.name), build)
    return json_response(request, body, discovery_cache_control(via_latest))
