"""`GET /tiles/v3/{model}/{run}/{var}/{fh}/{z}/{x}/{y}.png` (and `{y}@2x.png`): PNG tiles from the RGBA COG.

The route is async: a first touch decodes the blocks it lacks in a worker thread, at most
`Services.tile_decoders` at once, and every tile is rendered and encoded (~5 ms of numpy + deflate for
512 px) in a thread too, at most `Services.tile_renders` at once (`png_tile`), never on the event loop.
Tiles wholly outside the canonical extent are 204 with an empty body, logged at DEBUG: viewers ask for them
routinely.
"""

from __future__ import annotations

import logging
from typing import Annotated

import numpy as np
from anyio import to_thread
from fastapi import APIRouter, Depends, Path, Response

from twf.api.deps import Services, get_services
from twf.api.http_cache import frame_cache_control
from twf.api.png import encode_rgba
from twf.api.published import locate, resolve_frame
from twf.api.raster_cache import LevelGeometry
from twf.api.raster_threads import in_raster_thread
from twf.api.tile_render import render_rgba
from twf.api.webmercator import MAX_ZOOM, Bounds, tile_bounds
from twf.artifacts import RGBA
from twf.grid import CONUS_BOUNDS_3857

log = logging.getLogger("twf.api.tiles")

router = APIRouter(tags=["tiles"])

TILE_SIZE = 256
RETINA_SUFFIX = "@2x"
TileRow = Annotated[str, Path(pattern=r"^\d{1,8}(@2x)?$", description="row, optionally with @2x")]
TileZoom = Annotated[int, Path(ge=0, le=MAX_ZOOM)]
TileColumn = Annotated[int, Path(ge=0)]
PNG_RESPONSES = {200: {"content": {"image/png": {}}, "description": "PNG tile"},
                 204: {"description": "tile outside the canonical extent (empty body)"}}


def tile_request(z: int, x: int, y: str) -> tuple[Bounds, int]:
    """The bounds and pixel size a `{z}/{x}/{y}` or `{z}/{x}/{y}@2x` tile address asks for."""
    size = TILE_SIZE * 2 if y.endswith(RETINA_SUFFIX) else TILE_SIZE
    return tile_bounds(z, x, int(y.removesuffix(RETINA_SUFFIX))), size


@router.get("/tiles/v3/{model}/{run}/{var}/{fh}/{z}/{x}/{y}.png", response_class=Response,
            responses=PNG_RESPONSES, summary="PNG tile (256 px; {y}@2x.png for 512 px)")
async def tile(
    model: str, run: str, var: str, fh: int,
    z: TileZoom, x: TileColumn, y: TileRow,
    services: Annotated[Services, Depends(get_services)],
) -> Response:
    bounds, size = tile_request(z, x, y)
    frame = resolve_frame(services, model, run, var, fh)
    cache_control = frame_cache_control(frame.run.via_latest)
    if not bounds.intersects(CONUS_BOUNDS_3857):
        log.debug("tile %s/%s/%s outside the canonical extent", z, x, y)
        return Response(status_code=204, headers={"Cache-Control": cache_control})
    _, path, identity = locate(services, frame, RGBA)
    target_res = (bounds.right - bounds.left) / size
    level = services.rgba.cached_window(path, identity, target_res, bounds)
    if level is None:
        level = await in_raster_thread(services.rgba.window, path, identity, target_res, bounds,
                                       limiter=services.tile_decoders)
    png = await png_tile(services, level.array, level.geometry, bounds, size, frame.var.resampling,
                         level.origin)
    return Response(png, media_type="image/png", headers={"Cache-Control": cache_control})


async def png_tile(services: Services, array: np.ndarray, geometry: LevelGeometry, bounds: Bounds, size: int,
                   resampling: str, origin: tuple[int, int] = (0, 0)) -> bytes:
    """The tile's PNG, rendered in a thread. Rendered on the event loop, a crowd's tiles made each turn of
    the loop last seconds on a busy machine, and every request waited for a few turns more when it came on a
    new connection (accepted, read, parsed, answered: one turn each): in `make soak` the discovery routes,
    which viewers mostly ask on new connections, took 10-12 s at p50 against 1 s for those on open ones."""
    def png() -> bytes:
        return encode_rgba(render_rgba(array, geometry, bounds, size, resampling, origin=origin))

    return await to_thread.run_sync(png, limiter=services.tile_renders)
