"""The one place an export reads published artifacts: its frames, resolved through the committed manifests,
each frame's RGBA raster at the export's resolution (through the server's block cache) and its overlays."""

from __future__ import annotations

import numpy as np
import orjson

from twf.api.deps import Services
from twf.api.identity import FileIdentity
from twf.api.published import FrameRef, locate, resolve_frame, resolve_model, resolve_variable
from twf.api.tile_render import render_rgba
from twf.api.trend import trend_frames
from twf.artifacts import OVERLAYS, RGBA
from twf.errors import NotPublished
from twf.export.compose import View
from twf.export.request import ExportRequest, Loop
from twf.models.base import Overlay
from twf.store import parse_run_id


def loop_frames(services: Services, model: str, run: str, var: str, fhs: tuple[int, ...]) -> list[FrameRef]:
    """The published frames among `fhs`, as the viewer lists them: 0-12 of a GFS run is 0, 3, 6, 9, 12, of
    HRRR precipitation 1-12 (a run total has no f00), of a run still filling the hours it has so far."""
    spec = resolve_model(model)
    var_spec = resolve_variable(spec, var)
    resolved = services.manifests.resolve(spec.name, run)
    cycle = parse_run_id(resolved.run).hour
    frames = []
    for fh in fhs:
        if not spec.has_forecast_hour(cycle, fh):
            continue
        try:
            frames.append(resolve_frame(services, spec.name, run, var_spec.name, fh))
        except NotPublished:
            continue
    if not frames:
        raise NotPublished(f"{spec.name} {resolved.run} {var_spec.name} has no published frame among the "
                           f"hours {fhs[0]}-{fhs[-1]}")
    return frames


def request_frames(services: Services, request: ExportRequest) -> list[FrameRef]:
    asked = request.frames
    if isinstance(asked, Loop):
        return loop_frames(services, request.model, asked.run, request.var, asked.fhs)
    return trend_frames(services, request.model, request.var, asked.valid_time, asked.runs)


def frame_file(services: Services, frame: FrameRef) -> tuple[str, FileIdentity]:
    """The RGBA raster's GDAL path and identity, through the store (`published.locate`)."""
    _, path, identity = locate(services, frame, RGBA)
    return path, identity


def frame_pixels(services: Services, frame: FrameRef, view: View) -> np.ndarray:
    """(height, width, 4) uint8 straight-alpha colours of `view`: what the frame's tiles show there, sampled
    from the same raster level a tile of that resolution reads, through the server's block cache (only the
    blocks the view covers are decoded)."""
    path, identity = frame_file(services, frame)
    target_res = (view.bounds.right - view.bounds.left) / view.width
    level = services.rgba.window(path, identity, target_res, view.bounds)
    return render_rgba(level.array, level.geometry, view.bounds, view.width, frame.var.resampling,
                       height=view.height, origin=level.origin)


def frame_overlays(services: Services, frame: FrameRef,
                   overlays: tuple[Overlay, ...]) -> list[tuple[Overlay, dict]]:
    """Each of `overlays` with the frame's GeoJSON of it, as the builder wrote it."""
    return [(overlay, orjson.loads(services.storage.get(locate(services, frame, OVERLAYS, overlay.key)[0])))
            for overlay in overlays]


def demo_run(services: Services, frame: FrameRef) -> bool:
    """Whether the frame's run is synthetic demo data (the viewer's DEMO DATA badge)."""
    return services.manifests.manifest(frame.model.name, frame.run.run).value.demo
