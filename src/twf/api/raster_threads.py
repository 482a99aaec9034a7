"""The threads that open and decode rasters: a fixed set, each warmed when the server starts, never retired.

GDAL keeps per-thread state: the first GeoTIFF a thread opens builds its PROJ context (the CRS lookup,
proj.db), 20-45 ms here, every later open ~2 ms. Routes used to decode in the shared worker threads of
anyio, which retires a thread after 10 idle seconds, so a server with gaps between requests kept handing
that cost to whoever asked next for a frame not held yet (a local store's "cold" first tile: ~200 ms on a
fresh server). The routes' own limits (`Services.tile_decoders`, `series_decoders`) still decide how many
decodes run at once; this only decides on which threads.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from anyio import CapacityLimiter

from twf.api.warmup import warm_up_thread

T = TypeVar("T")

# Enough for every raster reader at once: tiles and samples (2 decoding each), a series, a difference and an
# export, with room for requests waiting on a build another thread runs.
THREADS = 8


@functools.cache
def raster_threads() -> ThreadPoolExecutor:
    """The process's pool, all its threads started (and warmed) before it is handed out."""
    pool = ThreadPoolExecutor(THREADS, thread_name_prefix="twf-raster", initializer=warm_up_thread)
    started = threading.Barrier(THREADS)
    for future in [pool.submit(started.wait) for _ in range(THREADS)]:
        future.result()
    return pool


async def in_raster_thread(fn: Callable[..., T], *args: object, limiter: CapacityLimiter | None = None) -> T:
    """`fn(*args)` on a raster thread, within `limiter` when given (a request waits for a slot as a
    coroutine, holding no thread)."""
    if limiter is None:
        return await asyncio.wrap_future(raster_threads().submit(fn, *args))
    async with limiter:
        return await asyncio.wrap_future(raster_threads().submit(fn, *args))
