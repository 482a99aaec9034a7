"""A server pays its one-time costs before it answers anyone: a tile and a sample of a tiny in-memory frame,
in every raster thread (`twf.api.raster_threads`).

The first raster a process opens loads GDAL's GeoTIFF driver and the ZSTD decoder, the first one each thread
opens builds its PROJ context; the first render and PNG warm numpy's and ISA-L's code paths. On a freshly
started server that made its first tile ~150 ms dearer than any later first look at a frame: an API replica
started behind a CDN (or by a restart) would hand that to its first users. The frame lives in GDAL's memory
filesystem only and never touches the store or the caches.
"""

from __future__ import annotations

import functools
import uuid
from pathlib import Path

import numpy as np

from twf.api.block_cache import BlockCache
from twf.api.png import encode_rgba
from twf.api.point_values import value_at
from twf.api.raster_cache import RasterCache
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import tile_bounds
from twf.builder.cog_writer import write_rgba_cog, write_value_cog
from twf.grid import CanonicalGrid

WARM_RESOLUTION_M = 48_000.0  # ~ 100 × 60 pixels over CONUS: the frame costs a few ms to write
WARM_TILE = (4, 3, 6)  # a z4 tile over the central US
TILE_SIZE = 256
WARM_CACHE_BYTES = 1 << 24


@functools.cache
def _warm_frame() -> tuple[str, str]:
    """The tiny frame's RGBA and value COGs, written once per process into GDAL's memory filesystem (kept:
    a few KB)."""
    grid = CanonicalGrid(WARM_RESOLUTION_M)
    height, width = grid.shape
    ramp = np.linspace(0, 255, height * width, dtype=np.float32).reshape(height, width)
    rgba = np.stack([ramp, ramp[::-1], np.full_like(ramp, 128), np.full_like(ramp, 255)]).astype(np.uint8)
    folder = Path(f"/vsimem/twf-warm-up-{uuid.uuid4().hex}")
    write_rgba_cog(folder / "rgba.tif", rgba, grid, categorical=False)
    write_value_cog(folder / "val.tif", ramp, grid, categorical=False)
    return str(folder / "rgba.tif"), str(folder / "val.tif")


def warm_up_thread() -> None:
    """Open, decode, render and encode the tiny frame the way the tile and sample routes do, in this thread
    (GDAL's per-thread state; the process's one-time costs with the first call)."""
    rgba_path, value_path = _warm_frame()
    bounds = tile_bounds(*WARM_TILE)
    target_res = (bounds.right - bounds.left) / TILE_SIZE
    blocks = BlockCache(max_bytes=WARM_CACHE_BYTES, prepare=premultiply)
    level = blocks.window(rgba_path, None, target_res, bounds)
    encode_rgba(render_rgba(level.array, level.geometry, bounds, TILE_SIZE, "bilinear", origin=level.origin))
    values = RasterCache(max_bytes=WARM_CACHE_BYTES).load(value_path, None)
    left, bottom, right, top = CanonicalGrid(WARM_RESOLUTION_M).bounds
    value_at(values.array, values.geometry, (left + right) / 2, (bottom + top) / 2, "bilinear")
