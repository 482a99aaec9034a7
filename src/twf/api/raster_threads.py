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

from twf.api.raster_cache import DECODE_SLOTS
from twf.api.warmup import warm_up_thread

T = TypeVar("T")

# Enough for every raster reader at once: tiles and samples (2 decoding each), a series, a difference and an
# export, with room for requests waiting on a build another thread runs.
THREADS = 8


# Threads that decode the second half of the blocks one tile lacks (`BlockCache.window`), one per request
# that may decode at once: a frame's first tile spans up to four blocks, and the machine has two cores.
HELPERS = DECODE_SLOTS


@functools.cache
def raster_threads() -> ThreadPoolExecutor:
    """The process's pool, all its threads started (and warmed) before it is handed out."""
    return _warmed_pool(THREADS, "twf-raster")


@functools.cache
def decode_helpers() -> ThreadPoolExecutor:
    """A pool of its own: its tasks never wait on a raster thread, so a crowd can never deadlock them."""
    return _warmed_pool(HELPERS, "twf-decode")


def _warmed_pool(threads: int, prefix: str) -> ThreadPoolExecutor:
    pool = ThreadPoolExecutor(threads, thread_name_prefix=prefix, initializer=warm_up_thread)
    started = threading.Barrier(threads)
    for future in [pool.submit(started.wait) for _ in range(threads)]:
        future.result()
    return pool


async def in_raster_thread(fn: Callable[..., T], *args: object, limiter: CapacityLimiter | None = None) -> T:
    """`fn(*args)` on a raster thread, within `limiter` when given (a request waits for a slot as a
    coroutine, holding no thread)."""
    if limiter is None:
        return await asyncio.wrap_future(raster_threads().submit(fn, *args))
    async with limiter:
        return await asyncio.wrap_future(raster_threads().submit(fn, *args))
