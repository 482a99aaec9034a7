"""Decoded COG levels kept in memory, keyed by file identity, bounded by bytes (least recently used out).

Samples read a few pixels of a small value raster; decoding its whole level once (~5 ms for a 3 km frame's
value COG) and then indexing numpy arrays is far cheaper than a GDAL read per request. The RGBA rasters tiles
read are decoded block by block instead (`twf.api.block_cache`), with the level geometry read here. Published
frames are never rewritten in place, but the key still carries the file identity so a replaced file is never
served stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from twf.api.cog_tiles import CogHeader, LevelTiles, parse_header
from twf.api.identity import FileIdentity
from twf.bounded_cache import BoundedCache
from twf.storage.base import HEADER_BYTES, Block, ByteRange


@dataclass(frozen=True)
class LevelGeometry:
    """Where one level's pixels are: north-up, so an origin and a pixel size per axis."""

    index: int  # 0 = full resolution, k = k-th overview
    left: float
    top: float
    res_x: float
    res_y: float  # positive: rows go south
    width: int
    height: int


@dataclass(frozen=True)
class Level:
    """Decoded pixels of one level, or of a window of it whose first pixel is `origin` (row, col) of the
    level: renderers index the level's pixel grid, so a window renders what the whole level renders."""

    geometry: LevelGeometry
    array: np.ndarray  # (h, w, bands) uint8 pixel-interleaved for RGBA; (h, w) float32 for values
    origin: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class Layout:
    """A COG's levels (full resolution first, then each overview) and the size of its internal tiles."""

    levels: tuple[LevelGeometry, ...]
    block: tuple[int, int]  # (rows, cols) of every level's internal tiles
    # Where each level's tiles lie, when every level can be decoded from its bytes (`twf.api.cog_tiles`).
    tiles: tuple[LevelTiles, ...] | None = None


Key = tuple[str, FileIdentity]
# How a cache opens a raster: (path, identity, **rasterio options), as `ObjectStore.open_raster`.
RasterOpener = Callable[..., rasterio.DatasetReader]
# How a cache reads a raster's bytes: (path, identity, ranges), as `ObjectStore.read_raster_ranges`.
RangeReader = Callable[[str, FileIdentity, Sequence[ByteRange]], list[bytes]]


def open_file(path: str | Path, identity: FileIdentity = None, blocks: Sequence[Block] = (),
              **options) -> rasterio.DatasetReader:
    """A raster file by its path (what a local store's `open_raster` does: no read-ahead of `blocks`)."""
    return rasterio.open(path, **options)


def read_layout(path: str | Path, identity: FileIdentity = None, open_raster: RasterOpener = open_file,
                read_ranges: RangeReader | None = None) -> Layout:
    """With `read_ranges`, from the file's header alone when its levels are laid out as the contract's RGBA
    frames are (`twf.api.cog_tiles`): no open, and where every level's tiles lie. Otherwise one open (~3 ms
    of CPU, a fifth of a frame's first tile): each overview's geometry follows from the full level's and its
    factor as GDAL derives it (size rounded up, pixel size scaled by the size ratio; the tests hold both to
    opening every level)."""
    if read_ranges is not None:
        header = parse_header(read_ranges(str(path), identity, [(0, HEADER_BYTES)])[0])
        if header is not None and len({level.tile for level in header.levels}) == 1:
            return _layout_of(header)
    with open_raster(path, identity) as ds:
        full = _geometry(0, ds)
        factors = ds.overviews(1)
        block = ds.block_shapes[0]
    sizes = [(-(-full.width // factor), -(-full.height // factor)) for factor in factors]
    return Layout(_levels(full, sizes), block)


def _layout_of(header: CogHeader) -> Layout:
    first = header.levels[0]
    full = LevelGeometry(0, header.left, header.top, header.res_x, header.res_y, first.width, first.height)
    return Layout(_levels(full, [(level.width, level.height) for level in header.levels[1:]]), first.tile,
                  header.levels)


def _levels(full: LevelGeometry, overviews: list[tuple[int, int]]) -> tuple[LevelGeometry, ...]:
    """The full level and its overviews of these sizes, each spanning the full level's extent."""
    return (full, *(LevelGeometry(k, full.left, full.top, full.res_x * (full.width / width),
                                  full.res_y * (full.height / height), width, height)
                    for k, (width, height) in enumerate(overviews, 1)))


def _geometry(index: int, ds: rasterio.DatasetReader) -> LevelGeometry:
    t = ds.transform
    return LevelGeometry(index, t.c, t.f, t.a, -t.e, ds.width, ds.height)


def open_level(path: str | Path, geometry: LevelGeometry, identity: FileIdentity = None,
               open_raster: RasterOpener = open_file, blocks: Sequence[Block] = ()) -> rasterio.DatasetReader:
    """One level of a COG; `blocks`: the (row, col) of its internal tiles about to be read."""
    options = {} if geometry.index == 0 else {"overview_level": geometry.index - 1}
    return open_raster(path, identity, blocks=blocks, **options)


def read_pixels(ds: rasterio.DatasetReader, window: Window | None = None) -> np.ndarray:
    """The level (or a window of it) as renderers index it: (h, w) for one band, (h, w, bands) otherwise.
    GDAL writes the bands straight into the pixel-interleaved array (rasterio passes the array's strides):
    half the cost of reading them band after band and transposing (1.3 ms against 2.9 ms a 512 px block)."""
    if ds.count == 1:
        return ds.read(1, window=window)
    height, width = (ds.height, ds.width) if window is None else (int(window.height), int(window.width))
    pixels = np.empty((height, width, ds.count), ds.dtypes[0])
    ds.read(out=pixels.transpose(2, 0, 1), window=window)
    return pixels


def _read_level(path: str | Path, geometry: LevelGeometry, identity: FileIdentity,
                open_raster: RasterOpener) -> np.ndarray:
    with open_level(path, geometry, identity, open_raster) as ds:
        return read_pixels(ds)


def choose_level(geometries: tuple[LevelGeometry, ...], target_res: float) -> LevelGeometry:
    """The coarsest level still at least as fine as `target_res` (metres per output pixel), as GDAL picks."""
    chosen = geometries[0]
    for geom in geometries[1:]:
        if geom.res_x <= target_res * 1.0001:
            chosen = geom
    return chosen


# Decodes one process runs at once. A decode briefly holds ~5x its level's bytes (GDAL's read, the
# pixel-interleaved copy, `prepare`'s temporaries): unbounded, 32 concurrent first touches of 3 km frames
# peaked at 2.7 GB RSS beside a 300 MB cache; two keep the peak near the cache plus 0.4 GB and use the
# cores as fully (decoding is CPU-bound; the machine this was measured on has two).
DECODE_SLOTS = 2


class Layouts:
    """Each file's `Layout`, read once per file identity (a few hundred bytes each; forgotten wholesale when
    there are very many, as after weeks of runs)."""

    LIMIT = 65536

    def __init__(self, open_raster: RasterOpener = open_file, read_ranges: RangeReader | None = None) -> None:
        self._open_raster = open_raster
        self._read_ranges = read_ranges
        self._layouts: dict[Key, Layout] = {}
        self._lock = threading.Lock()

    def get(self, key: Key) -> Layout | None:
        return self._layouts.get(key)

    def load(self, key: Key) -> Layout:
        layout = self._layouts.get(key)
        if layout is None:
            layout = read_layout(*key, open_raster=self._open_raster, read_ranges=self._read_ranges)
            with self._lock:
                if len(self._layouts) > self.LIMIT:
                    self._layouts.clear()
                self._layouts[key] = layout
        return layout


class RasterCache:
    """Whole levels (the value COGs hover samples, series and differences read: 1 MB for a 3 km frame).
    `prepare` turns a decoded level into the form its readers use, once.

    Levels live in a `BoundedCache`: every thread asking for one level shares its build, and a thread whose
    decode failed never hands the next ones a fresh gate while another still decodes.
    """

    def __init__(self, max_bytes: int,
                 prepare: Callable[[np.ndarray], np.ndarray] | None = None,
                 decode_slots: int = DECODE_SLOTS, open_raster: RasterOpener = open_file) -> None:
        self.max_bytes = max_bytes
        self._prepare = prepare
        self._open_raster = open_raster
        self._layouts = Layouts(open_raster)
        self._levels: BoundedCache[Level] = BoundedCache(max_bytes, lambda level: level.array.nbytes)
        self._decoding = threading.BoundedSemaphore(decode_slots)

    def cached(self, path: str | Path, identity: FileIdentity, target_res: float = 0.0) -> Level | None:
        """The level for `target_res` if it is already decoded: the hot path, no I/O."""
        key = (str(path), identity)
        layout = self._layouts.get(key)
        if layout is None:
            return None
        return self._levels.get((key, choose_level(layout.levels, target_res).index))

    def load(self, path: str | Path, identity: FileIdentity, target_res: float = 0.0) -> Level:
        """Decode the level for `target_res` once, even under concurrent requests; blocking: use a thread."""
        key = (str(path), identity)
        geometry = choose_level(self._layouts.load(key).levels, target_res)

        def decode() -> Level:
            with self._decoding:
                array = _read_level(path, geometry, identity, self._open_raster)
                return Level(geometry, self._prepare(array) if self._prepare else array)

        return self._levels.get_or_build((key, geometry.index), decode)

    @property
    def bytes_held(self) -> int:
        """Bytes of the decoded levels held now (never more than `max_bytes` but for one oversized level)."""
        return self._levels.bytes_held
