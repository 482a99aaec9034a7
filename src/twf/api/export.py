"""`GET /api/v3/export`: a GIF or MP4 loop of a model/run/variable over a region or bbox, each frame composed
as the viewer shows it (`twf.export`); what `twf export` writes, as a download.

    /api/v3/export?model=hrrr&run=latest&var=tmp2m&fhs=0-12&region=pnw&width=720&format=gif
    /api/v3/export?model=hrrr&var=tmp2m&valid_time=2026-01-29T18:00:00Z&runs=6&bbox=-126,41.5,-116,49.5

Oversized or malformed requests are 400 before any rendering; identical requests share one render and are
then answered from memory.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from twf.api.deps import Services, get_services
from twf.api.http_cache import frame_cache_control
from twf.api.raster_threads import in_raster_thread
from twf.api.schemas import ERRORS
from twf.export.render import export_loop
from twf.export.request import DEFAULT_FPS, DEFAULT_WIDTH, Loop, build_request

router = APIRouter(tags=["export"], responses=ERRORS)

_MEDIA = {200: {"content": {"image/gif": {}, "video/mp4": {}}, "description": "the loop, as an attachment"}}


@router.get("/api/v3/export", response_class=Response, responses=_MEDIA)
async def export(
    model: str, var: str, services: Annotated[Services, Depends(get_services)],
    run: Annotated[str, Query(description="a loop: the run (`latest` allowed)")] = "latest",
    fhs: Annotated[str | None, Query(description="a loop: forecast hours, 0-12, 0-48:3 or 0,3,6")] = None,
    valid_time: Annotated[str | None, Query(description="a trend: the valid time (ISO 8601, UTC)")] = None,
    runs: Annotated[int | None, Query(description="a trend: how many of the newest runs (default 6)")] = None,
    region: Annotated[str | None, Query(description="a region id from /api/regions")] = None,
    bbox: Annotated[str | None, Query(description="W,S,E,N in degrees, inside the canonical grid")] = None,
    width: int = DEFAULT_WIDTH,
    format: Literal["gif", "mp4"] = "gif",  # noqa: A002 (the query parameter's name)
    fps: int = DEFAULT_FPS,
    overlays: Annotated[str | None, Query(
        description="overlay keys to draw, comma-separated (isobars,centres); empty: none; default: those "
                    "the viewer shows")] = None,
) -> Response:
    request = build_request(model, var, run=run, fhs=fhs, valid_time=valid_time, runs=runs, region=region,
                            bbox=bbox, width=width, fmt=format, fps=fps, overlays=overlays)
    result = await in_raster_thread(export_loop, services, request)
    moving = not isinstance(request.frames, Loop) or request.frames.run == "latest"
    headers = {"Content-Disposition": f'attachment; filename="{result.filename}"',
               "Cache-Control": frame_cache_control(moving)}
    return Response(result.content, media_type=result.media_type, headers=headers)
