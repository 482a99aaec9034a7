"""The RGBA rasters tiles and exports read, decoded block by block and kept in memory by bytes (least recently
used out).

A tile needs a few hundred pixels of one level. Decoding the whole level for its first tile (the 24 internal
512 px tiles of a 3 km frame: ~70 ms of CPU, seconds on a busy server) made every first look at a frame cost
a full decode, and a crowd of viewers on many frames kept evicting levels they had barely used. Here a level
is decoded in the COG's own blocks, the first time a tile needs each: a viewer animating a region decodes that
region's few blocks per frame, a level asked for everywhere ends up whole, and the memory holds what is looked
at. Concurrent requests for one block share its decode; the blocks a tile spans are put side by side into a
`Level` window that renders exactly what the whole level renders (`Level.origin`). The blocks of a frame
laid out as the artifact contract says are decompressed from their bytes (`twf.api.cog_tiles`: half GDAL's
cost, no open); GDAL decodes those of any other raster.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from twf.api.cog_tiles import LevelTiles
from twf.api.identity import FileIdentity
from twf.api.raster_cache import (
    DECODE_SLOTS,
    Block,
    Key,
    Layout,
    Layouts,
    Level,
    LevelGeometry,
    RangeReader,
    RasterOpener,
    choose_level,
    open_file,
    open_level,
    read_pixels,
)
from twf.api.webmercator import Bounds
from twf.bounded_cache import BoundedCache
from twf.storage.local import read_file_ranges


@dataclass(frozen=True)
class _Span:
    """The pixels of one level a render of some bounds reads, end-exclusive, and the blocks holding them."""

    geometry: LevelGeometry
    block: tuple[int, int]
    rows: tuple[int, int]
    cols: tuple[int, int]
    tiles: LevelTiles | None  # where the level's blocks lie, when they can be decoded from their bytes

    @classmethod
    def of(cls, layout: Layout, target_res: float, bounds: Bounds) -> _Span:
        geometry = choose_level(layout.levels, target_res)
        g = geometry
        # Pixel centres under the bounds and their bilinear neighbours, one pixel more each side for rounding.
        col0 = math.floor((bounds.left - g.left) / g.res_x - 0.5) - 1
        col1 = math.floor((bounds.right - g.left) / g.res_x - 0.5) + 3
        row0 = math.floor((g.top - bounds.top) / g.res_y - 0.5) - 1
        row1 = math.floor((g.top - bounds.bottom) / g.res_y - 0.5) + 3
        col0, row0 = min(max(col0, 0), g.width - 1), min(max(row0, 0), g.height - 1)
        col1, row1 = max(min(col1, g.width), col0 + 1), max(min(row1, g.height), row0 + 1)
        tiles = layout.tiles[geometry.index] if layout.tiles else None
        return cls(geometry, layout.block, (row0, row1), (col0, col1), tiles)

    @property
    def blocks(self) -> list[Block]:
        rows, cols = self.block
        return [(r, c) for r in range(self.rows[0] // rows, (self.rows[1] - 1) // rows + 1)
                for c in range(self.cols[0] // cols, (self.cols[1] - 1) // cols + 1)]

    def window(self, block: Block) -> Window:
        rows, cols = self.block
        top, left = block[0] * rows, block[1] * cols
        return Window(left, top, min(cols, self.geometry.width - left), min(rows, self.geometry.height - top))

    def assemble(self, blocks: dict[Block, np.ndarray]) -> Level:
        """The span's pixels as one array: a view of the block when the span lies in one, else a copy."""
        (r0, r1), (c0, c1) = self.rows, self.cols
        rows, cols = self.block
        if len(blocks) == 1:
            ((br, bc), only), = blocks.items()
            return Level(self.geometry, only[r0 - br * rows:r1 - br * rows, c0 - bc * cols:c1 - bc * cols],
                         (r0, c0))
        first = next(iter(blocks.values()))
        out = np.empty((r1 - r0, c1 - c0, *first.shape[2:]), first.dtype)
        for (br, bc), pixels in blocks.items():
            top, left = br * rows, bc * cols
            a0, a1 = max(r0, top), min(r1, top + pixels.shape[0])
            b0, b1 = max(c0, left), min(c1, left + pixels.shape[1])
            out[a0 - r0:a1 - r0, b0 - c0:b1 - c0] = pixels[a0 - top:a1 - top, b0 - left:b1 - left]
        return Level(self.geometry, out, (r0, c0))


class _LevelReader:
    """One level of one file read by GDAL, opened on the first block a request has to decode and closed after
    it; the store is told which blocks the request lacks (a remote one fetches them at once)."""

    def __init__(self, key: Key, span: _Span, open_raster: RasterOpener, blocks: list[Block]) -> None:
        self._key, self._span, self._open_raster, self._blocks = key, span, open_raster, blocks
        self._dataset: rasterio.DatasetReader | None = None

    def read(self, block: Block) -> np.ndarray:
        if self._dataset is None:
            self._dataset = open_level(self._key[0], self._span.geometry, self._key[1], self._open_raster,
                                       self._blocks)
        return read_pixels(self._dataset, self._span.window(block))

    def close(self) -> None:
        if self._dataset is not None:
            self._dataset.close()


class _TileReader:
    """One level's blocks decoded from their bytes (`twf.api.cog_tiles`), no GDAL open: the bytes of every
    block the request lacks are read at once, on the first it has to decode."""

    def __init__(self, key: Key, span: _Span, tiles: LevelTiles, read_ranges: RangeReader,
                 blocks: list[Block]) -> None:
        self._key, self._span, self._tiles = key, span, tiles
        self._read_ranges, self._blocks = read_ranges, blocks
        self._stored: dict[Block, bytes] = {}

    def read(self, block: Block) -> np.ndarray:
        if not self._stored:
            ranges = [self._tiles.byte_range(b) for b in self._blocks]
            self._stored = dict(zip(self._blocks, self._read_ranges(*self._key, ranges), strict=True))
        window = self._span.window(block)
        return self._tiles.decode(block, self._stored[block], int(window.height), int(window.width))

    def close(self) -> None:
        self._stored = {}


class BlockCache:
    """`prepare` turns each decoded block into the form renderers read (premultiplied RGBA), once."""

    def __init__(self, max_bytes: int, prepare: Callable[[np.ndarray], np.ndarray] | None = None,
                 decode_slots: int = DECODE_SLOTS, open_raster: RasterOpener = open_file,
                 read_ranges: RangeReader = read_file_ranges, helpers: Executor | None = None) -> None:
        self.max_bytes = max_bytes
        self._prepare = prepare
        self._open_raster = open_raster
        self._read_ranges = read_ranges
        self._helpers = helpers
        self._layouts = Layouts(open_raster, read_ranges)
        self._blocks: BoundedCache[np.ndarray] = BoundedCache(max_bytes, lambda block: block.nbytes)
        self._decoding = threading.BoundedSemaphore(decode_slots)

    def cached_window(self, path: str | Path, identity: FileIdentity, target_res: float,
                      bounds: Bounds) -> Level | None:
        """The pixels a render of `bounds` at `target_res` reads, if every block of them is decoded: the hot
        path, no I/O."""
        key = (str(path), identity)
        layout = self._layouts.get(key)
        if layout is None:
            return None
        span = _Span.of(layout, target_res, bounds)
        blocks = {}
        for block in span.blocks:
            pixels = self._blocks.get((key, span.geometry.index, block))
            if pixels is None:
                return None
            blocks[block] = pixels
        return span.assemble(blocks)

    def window(self, path: str | Path, identity: FileIdentity, target_res: float, bounds: Bounds) -> Level:
        """The same, decoding the blocks not held yet (each once, however many requests need it); blocking:
        use a thread. With `helpers`, half of the blocks lacking are decoded on a helper thread meanwhile (a
        frame's first tile: four blocks of ~3.5 ms each, on two cores)."""
        key: Key = (str(path), identity)
        span = _Span.of(self._layouts.load(key), target_res, bounds)
        held = {b: self._blocks.get((key, span.geometry.index, b)) for b in span.blocks}
        lacking = [b for b, pixels in held.items() if pixels is None]
        helped = None
        if self._helpers is not None and len(lacking) > 1:
            lacking, other_half = lacking[:len(lacking) // 2], lacking[len(lacking) // 2:]
            helped = self._helpers.submit(self._build, key, span, other_half)
        blocks = {b: pixels for b, pixels in held.items() if pixels is not None}
        blocks |= self._build(key, span, lacking)
        if helped is not None:
            blocks |= helped.result()
        return span.assemble(blocks)

    def _build(self, key: Key, span: _Span, wanted: list[Block]) -> dict[Block, np.ndarray]:
        """Each wanted block, decoded unless another request did meanwhile (one read of the level)."""
        reader = (_TileReader(key, span, span.tiles, self._read_ranges, wanted) if span.tiles
                  else _LevelReader(key, span, self._open_raster, wanted))
        try:
            return {block: self._blocks.get_or_build((key, span.geometry.index, block),
                                                     lambda b=block: self._decode(reader, b))
                    for block in wanted}
        finally:
            reader.close()

    def _decode(self, reader: _LevelReader | _TileReader, block: Block) -> np.ndarray:
        with self._decoding:
            pixels = reader.read(block)
            return self._prepare(pixels) if self._prepare else pixels

    @property
    def bytes_held(self) -> int:
        """Bytes of the decoded blocks held now (never more than `max_bytes`)."""
        return self._blocks.bytes_held

    @property
    def decodes(self) -> int:
        """Blocks decoded so far (not found held): what a first look at a frame costs is counted by."""
        return self._blocks.builds
