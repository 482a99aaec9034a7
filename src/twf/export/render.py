"""An export, end to end: resolve the frames, refuse what is too large, then (once per identical request)
paint every frame as the viewer shows it and encode the loop. Used by `twf export` and `GET /api/v3/export`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from PIL import Image

from twf.api.deps import Services
from twf.api.published import FrameRef
from twf.export.cache import ExportResult
from twf.export.compose import Captions, FramePainter, View
from twf.export.encode import MEDIA_TYPES, encode
from twf.export.frames import demo_run, frame_file, frame_overlays, frame_pixels, request_frames
from twf.export.overlays import chosen_overlays, draw_overlays
from twf.export.request import ExportRequest, Loop, check_size
from twf.models.base import Overlay
from twf.palettes import legend


def forecast_hour_text(fh: int) -> str:
    """`f01`, `f120`: the viewer's forecast-hour label."""
    return f"f{fh:0{3 if fh >= 100 else 2}d}"


def valid_time_text(iso: str) -> str:
    """`Thu, Jan 29, 18:00 UTC`: the viewer's valid-time label."""
    t = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ")
    return f"{t:%a, %b} {t.day}, {t:%H:%M} UTC"


def _captions(services: Services, frames: list[FrameRef], trend: bool) -> tuple[Captions, list[str]]:
    first = frames[0]
    var = first.var
    if trend:
        subtitle = f"Valid {valid_time_text(first.valid_time)}"
        labels = [f"Run {f.run.run} · {forecast_hour_text(f.fh)}" for f in frames]
    else:
        subtitle = f"Run {first.run.run}"
        labels = [f"{forecast_hour_text(f.fh)} · {valid_time_text(f.valid_time)}" for f in frames]
    demo = any(demo_run(services, f) for f in frames)
    captions = Captions(f"{first.model.label} · {var.label}", subtitle, f"{var.label} ({var.units})",
                        legend(var.palette), demo)
    return captions, labels


def _filename(request: ExportRequest, frames: list[FrameRef]) -> str:
    first, last = frames[0], frames[-1]
    if isinstance(request.frames, Loop):
        hours = f"{forecast_hour_text(first.fh)}-{forecast_hour_text(last.fh)}"
        what = f"{first.run.run}_{first.var.name}_{hours}"
    else:
        what = f"{first.var.name}_valid_{request.frames.valid_time:%Y%m%d_%H}z_{len(frames)}runs"
    return f"{first.model.name}_{what}.{request.fmt}"


def export_loop(services: Services, request: ExportRequest) -> ExportResult:
    """The encoded loop; rendered only if no identical one (same frame files, view, format, speed) is held."""
    frames = request_frames(services, request)
    check_size(len(frames), request.view)
    captions, labels = _captions(services, frames, trend=not isinstance(request.frames, Loop))
    overlays = chosen_overlays(frames[0].var, request.overlays)
    key = (tuple(frame_file(services, f) for f in frames), request.view, request.fmt, request.fps,
           captions.title, captions.subtitle, captions.demo, tuple(labels), tuple(o.key for o in overlays))

    def render() -> ExportResult:
        painted = paint_frames(services, frames, request.view, captions, labels, overlays)
        content = encode(painted, request.fps, request.fmt)
        return ExportResult(content, MEDIA_TYPES[request.fmt], _filename(request, frames), len(frames))

    return services.exports.get_or_render(key, render)


def paint_frames(services: Services, frames: list[FrameRef], view: View, captions: Captions,
                 labels: list[str], overlays: tuple[Overlay, ...] = ()) -> Iterator[Image.Image]:
    """Each frame painted as it is needed, so an encoder holds only what it keeps (paletted GIF frames),
    with its own `overlays`."""
    painter = FramePainter(view, captions)
    for frame, label in zip(frames, labels, strict=True):
        drawn = frame_overlays(services, frame, overlays)
        layers = draw_overlays(drawn, view.bounds, view.width, view.height, painter.scale) if drawn else None
        yield painter.paint(frame_pixels(services, frame, view), label, layers)
