"""Shared resources of one app (the store, caches), created once and handed to routes as a dependency."""

from __future__ import annotations

from dataclasses import dataclass, field

from anyio import CapacityLimiter
from fastapi import Request

from twf.api.block_cache import BlockCache
from twf.api.difference_cache import DifferenceCache
from twf.api.manifest_cache import ManifestCache
from twf.api.raster_cache import DECODE_SLOTS, RasterCache
from twf.api.raster_threads import decode_helpers
from twf.api.tile_render import premultiply
from twf.config import Settings
from twf.export.cache import ExportCache
from twf.series.read import SeriesReader
from twf.storage import ObjectStore, open_store

# Shares of the cache budget (TWF_CACHE_MB), which holds every cache of pixels a server process keeps, so
# that the budget plus the process's baseline bounds its memory (with the differences and exports outside
# it, fixed at 128 and 256 MiB, a worker's RSS kept rising through `make soak` past the budget). RGBA blocks
# for tiles and exports take most; the value COGs are 4x coarser float32 levels (1 MB for a 3 km frame
# against 23 MB of RGBA), so their share keeps hover fast over many more frames than tiles hold; a
# HRRR-vs-HRRR difference is 3 MB (77 MiB of the default keep an animation of a pair of runs or models);
# a 13-frame 720 px GIF export is 1-3 MB (51 MiB keep a few dozen recent loops).
VALUE_SHARE, DIFFERENCE_SHARE, EXPORT_SHARE = 0.15, 0.15, 0.10  # the rest: RGBA blocks
RENDER_SLOTS = 2  # tiles rendered at once per process: the cores of the machine the soak was measured on

@dataclass
class Services:
    settings: Settings
    storage: ObjectStore = field(init=False)
    manifests: ManifestCache = field(init=False)
    rgba: BlockCache = field(init=False)
    values: RasterCache = field(init=False)
    differences: DifferenceCache = field(init=False)
    exports: ExportCache = field(init=False)
    series: SeriesReader = field(init=False)
    # Tile requests that may be in a thread decoding RGBA blocks at once (decoding is CPU-bound:
    # `DECODE_SLOTS`). The rest wait as coroutines: a crowd's cold tiles once held every thread of the
    # shared pool (40), so a sample, an isotherm file or an export waited behind them for tens of seconds.
    tile_decoders: CapacityLimiter = field(init=False)
    # Tiles being rendered and encoded in a thread at once (`tiles.png_tile`: CPU-bound, one per core); the
    # rest wait as coroutines, so the event loop only routes and answers.
    tile_renders: CapacityLimiter = field(init=False)
    # A meteogram reads one level per forecast hour of every model and variable (hundreds): its decodes run
    # one at a time per process, the rest queued as coroutines. Unlimited, one series held the whole shared
    # pool, and hover samples waited behind it for seconds.
    series_decoders: CapacityLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.storage = open_store(self.settings.storage_location, self.settings)
        self.storage.check()  # an unusable store stops the server at start, in one line
        self.manifests = ManifestCache(self.storage)
        budget = self.settings.cache_mb << 20
        value_bytes, difference_bytes, export_bytes = (int(budget * share) for share in
                                                       (VALUE_SHARE, DIFFERENCE_SHARE, EXPORT_SHARE))
        opener = self.storage.open_raster
        self.rgba = BlockCache(max_bytes=budget - value_bytes - difference_bytes - export_bytes,
                               prepare=premultiply, open_raster=opener,
                               read_ranges=self.storage.read_raster_ranges, helpers=decode_helpers())
        self.values = RasterCache(max_bytes=value_bytes, open_raster=opener)
        self.differences = DifferenceCache(self.values, max_bytes=difference_bytes)
        self.exports = ExportCache(max_bytes=export_bytes)
        self.series = SeriesReader(self.storage)
        self.tile_decoders = CapacityLimiter(DECODE_SLOTS)
        self.tile_renders = CapacityLimiter(RENDER_SLOTS)
        self.series_decoders = CapacityLimiter(1)


async def get_services(request: Request) -> Services:
    """A coroutine, not a function: FastAPI runs a plain dependency in a worker thread, a hop to another
    thread and back on every request (a fifth of a warm sample's time in the server)."""
    return request.app.state.services
