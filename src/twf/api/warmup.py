"""A server pays its one-time costs before it answers anyone: a tile and a sample of a tiny in-memory frame,
in every raster thread (`twf.api.raster_threads`), and one refused request per route.

The first raster a process opens loads GDAL's GeoTIFF driver and the ZSTD decoder, the first one each thread
opens builds its PROJ context; the first render and PNG warm numpy's and ISA-L's code paths. On a freshly
started server that made its first tile ~150 ms dearer than any later first look at a frame: an API replica
started behind a CDN (or by a restart) would hand that to its first users. The frame is written to a
temporary folder, removed once the thread is warm, and never touches the store or the caches.

A route's first request costs ~40 ms more again (`make bench` storage: a fresh server's first tile 94 ms
against 47 ms after one request): FastAPI reads the endpoint's source file once (to name it in errors),
pydantic and anyio import and build what the route's validation and its first worker thread need. One request
per route that its own validation refuses (placeholders for path parameters, no query) pays that without
reading the store. The latest manifest of each model is read then too, beside the first requests (a store
that does not answer must not hold the server's start): the first tile needs only its frame's raster.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import numpy as np
from anyio import to_thread
from fastapi import FastAPI

from twf.api.block_cache import BlockCache
from twf.api.png import encode_rgba
from twf.api.point_values import value_at
from twf.api.raster_cache import RasterCache
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import tile_bounds
from twf.builder.cog_writer import write_rgba_cog, write_value_cog
from twf.errors import TWFError
from twf.grid import CanonicalGrid
from twf.models import REGISTRY

if TYPE_CHECKING:  # deps starts the warmed thread pools, which import this module
    from twf.api.deps import Services

WARM_RESOLUTION_M = 48_000.0  # ~ 100 × 60 pixels over CONUS: the frame costs a few ms to write
WARM_TILE = (4, 3, 6)  # a z4 tile over the central US
TILE_SIZE = 256
WARM_CACHE_BYTES = 1 << 24
PATH_PARAMETER = re.compile(r"\{[^}]+\}")
PLACEHOLDER = "0"  # a number where one is wanted, no model where one is: every route ends in a 4xx


def _warm_frame(folder: Path) -> tuple[Path, Path]:
    """The tiny frame's RGBA and value COGs (a few KB, a few ms to write)."""
    grid = CanonicalGrid(WARM_RESOLUTION_M)
    height, width = grid.shape
    ramp = np.linspace(0, 255, height * width, dtype=np.float32).reshape(height, width)
    rgba = np.stack([ramp, ramp[::-1], np.full_like(ramp, 128), np.full_like(ramp, 255)]).astype(np.uint8)
    write_rgba_cog(folder / "rgba.tif", rgba, grid, categorical=False)
    write_value_cog(folder / "val.tif", ramp, grid, categorical=False)
    return folder / "rgba.tif", folder / "val.tif"


def warm_up_thread() -> None:
    """Open, decode, render and encode the tiny frame the way the tile and sample routes do, in this thread
    (GDAL's per-thread state; the process's one-time costs with the first call)."""
    with tempfile.TemporaryDirectory(prefix="twf-warm-up-") as folder:
        rgba_path, value_path = _warm_frame(Path(folder))
        bounds = tile_bounds(*WARM_TILE)
        target_res = (bounds.right - bounds.left) / TILE_SIZE
        blocks = BlockCache(max_bytes=WARM_CACHE_BYTES, prepare=premultiply)
        level = blocks.window(str(rgba_path), None, target_res, bounds)
        encode_rgba(render_rgba(level.array, level.geometry, bounds, TILE_SIZE, "bilinear",
                                origin=level.origin))
        values = RasterCache(max_bytes=WARM_CACHE_BYTES).load(value_path, None)
    left, bottom, right, top = CanonicalGrid(WARM_RESOLUTION_M).bounds
    value_at(values.array, values.geometry, (left + right) / 2, (bottom + top) / 2, "bilinear")


async def warm_up_routes(app: FastAPI) -> list[tuple[str, str, int]]:
    """One in-process request to each operation of the API's schema that takes parameters or a body, with
    every path parameter `PLACEHOLDER`, no query and no body: each ends in a 4xx before any read of the
    store. Operations without either (discovery, regions) answer for real and are left to their first
    caller. Returns (method, path, status) of each request."""
    await to_thread.run_sync(lambda: None)  # anyio's thread backend: the tile route renders on its threads
    answers = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://warm-up") as client:
        for path, operations in app.openapi()["paths"].items():
            for method, operation in operations.items():
                if operation.get("parameters") or method == "post":
                    url = PATH_PARAMETER.sub(PLACEHOLDER, path)
                    answer = await client.request(method.upper(), url)
                    answers.append((method.upper(), url, answer.status_code))
    return answers


def read_latest_manifests(services: Services) -> None:
    """Each model's latest run and its manifest into the manifest cache (and, on S3, the store's first
    connection opened); a model with nothing published, or a store that fails, is left to the requests."""
    for model in REGISTRY:
        with contextlib.suppress(TWFError):
            services.manifests.manifest(model, services.manifests.resolve(model, "latest").run)

