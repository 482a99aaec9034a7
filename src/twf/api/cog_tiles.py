"""A COG read without GDAL: its levels and where their internal tiles lie, parsed from the file's header,
and a tile decompressed straight into the pixel-interleaved array renderers read.

GDAL decodes a pixel-interleaved tile into its per-band block cache and then gathers the bands back into
the caller's interleaved array: ~5 ms of CPU for a 512 px RGBA tile of the built frames, after an open
(~2.5 ms) to learn the layout and another per request that decodes. The tile's bytes, once decompressed,
already are that array (ZSTD, no predictor, samples interleaved): decompressing them into it costs ~2 ms,
and the header a remote store holds anyway says everything an open would. A frame's first tile costs half
as much. Only files laid out as docs/ARTIFACT_CONTRACT.md says are read this way: `parse_header` returns
None for any other, and GDAL reads those.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from numcodecs import Zstd

from twf.errors import ArtifactUnreadable
from twf.storage.base import Block, ByteRange

_MAGIC = b"II*\x00"  # little-endian classic TIFF: the writer sets BIGTIFF=NO
_FORMATS = {3: "H", 4: "I", 12: "d"}  # TIFF field types SHORT, LONG and DOUBLE: every tag read here is one
# TIFF tags
_SUBFILE, _WIDTH, _HEIGHT, _BITS, _COMPRESSION, _SAMPLES, _PLANAR = 254, 256, 257, 258, 259, 277, 284
_PREDICTOR, _TILE_WIDTH, _TILE_HEIGHT, _SAMPLE_FORMAT = 317, 322, 323, 339
_TILE_OFFSETS, _TILE_COUNTS = 324, 325
_PIXEL_SCALE, _TIE_POINT, _GEO_KEYS = 33550, 33922, 34735
_NEEDED = (_BITS, _SAMPLE_FORMAT, _TILE_OFFSETS, _TILE_COUNTS, _PIXEL_SCALE, _TIE_POINT, _GEO_KEYS)
_RASTER_TYPE, _PIXEL_IS_AREA = 1025, 1  # GeoTIFF's GTRasterTypeGeoKey (area unless said otherwise)
_MAX_DIRECTORIES = 64
_ZSTD = 50000
_MASK = 4  # NewSubfileType bit of a transparency mask's directory (the built frames have none)
_DECOMPRESSOR = Zstd()


@dataclass(frozen=True)
class LevelTiles:
    """Where one level's internal tiles lie in the file (row-major, as TIFF lists them)."""

    width: int
    height: int
    tile: tuple[int, int]  # (rows, cols) of every tile, edge tiles included (stored whole)
    samples: int
    offsets: tuple[int, ...]
    counts: tuple[int, ...]

    def byte_range(self, block: Block) -> ByteRange:
        index = self._index(block)
        return self.offsets[index], self.offsets[index] + self.counts[index]

    def decode(self, block: Block, data: bytes, rows: int, cols: int) -> np.ndarray:
        """The (rows, cols, samples) uint8 pixels of a tile whose stored bytes are `data`, cropped to the
        `rows` x `cols` the level has there (an edge tile is stored whole)."""
        pixels = np.zeros((*self.tile, self.samples), np.uint8)  # calloc: no dearer than empty
        if len(data) != self.counts[self._index(block)]:
            raise ArtifactUnreadable(f"tile {block} of a {self.width}x{self.height} level is cut short")
        try:
            _DECOMPRESSOR.decode(data, out=pixels.reshape(-1))
        except (RuntimeError, ValueError) as exc:
            raise ArtifactUnreadable(f"tile {block} of a {self.width}x{self.height} level does not "
                                     f"decompress: {exc}") from None
        if (rows, cols) == self.tile:
            return pixels
        return np.ascontiguousarray(pixels[:rows, :cols])

    def _index(self, block: Block) -> int:
        return block[0] * -(-self.width // self.tile[1]) + block[1]


@dataclass(frozen=True)
class CogHeader:
    """What a COG's first bytes say: where its full level lies (north-up) and each level's tiles, full
    resolution first."""

    left: float
    top: float
    res_x: float
    res_y: float  # positive: rows go south
    levels: tuple[LevelTiles, ...]


def parse_header(header: bytes) -> CogHeader | None:
    """The georeferencing and every level's tiles, from the file's first bytes, when every level is stored
    as the contract's RGBA COGs are (8-bit unsigned samples interleaved in tiles, ZSTD, no predictor, every
    tile written), the full level is georeferenced by one tie point and a pixel size (pixel is area), and
    all of it lies within `header`; else None."""
    if len(header) < 8 or not header.startswith(_MAGIC):
        return None
    directories = []
    offset = struct.unpack_from("<I", header, 4)[0]
    for _ in range(_MAX_DIRECTORIES):  # a damaged chain may loop
        if not offset:
            break
        if offset + 2 > len(header):
            return None
        tags, offset = _directory(header, offset)
        if tags is None:
            return None
        if not tags.get(_SUBFILE, (0,))[0] & _MASK:
            directories.append(tags)
    else:
        return None
    levels = [_level(tags) for tags in directories]
    if not levels or None in levels:
        return None
    origin = _georeference(directories[0])
    if origin is None:
        return None
    return CogHeader(*origin, tuple(sorted(levels, key=lambda level: -level.width)))


def _directory(header: bytes, offset: int) -> tuple[dict[int, tuple[int, ...]] | None, int]:
    """The SHORT/LONG/DOUBLE tags of the directory at `offset` (values read where they lie) and the next
    one's offset; None when a value needed lies beyond `header`."""
    count = struct.unpack_from("<H", header, offset)[0]
    end = offset + 2 + 12 * count + 4
    if end > len(header):
        return None, 0
    tags: dict[int, tuple[int, ...]] = {}
    for i in range(count):
        tag, kind, n, value = struct.unpack_from("<HHII", header, offset + 2 + 12 * i)
        fmt = _FORMATS.get(kind)
        if fmt is None:
            continue
        size = struct.calcsize(fmt) * n
        if size <= 4:
            tags[tag] = struct.unpack_from(f"<{n}{fmt}", header, offset + 2 + 12 * i + 8)
        elif value + size <= len(header):
            tags[tag] = struct.unpack_from(f"<{n}{fmt}", header, value)
        elif tag in _NEEDED:
            return None, 0
    return tags, struct.unpack_from("<I", header, end - 4)[0]


def _level(tags: dict[int, tuple[int, ...]]) -> LevelTiles | None:
    """One directory's tiles, if it is laid out the way `LevelTiles.decode` reads."""
    samples = tags.get(_SAMPLES, (1,))[0]
    decodable = (tags.get(_COMPRESSION) == (_ZSTD,) and tags.get(_PREDICTOR, (1,)) == (1,)
                 and tags.get(_PLANAR, (1,)) == (1,) and tags.get(_BITS) == (8,) * samples
                 and tags.get(_SAMPLE_FORMAT, (1,) * samples) == (1,) * samples
                 and all(t in tags for t in (_WIDTH, _HEIGHT, _TILE_WIDTH, _TILE_HEIGHT, _TILE_OFFSETS,
                                             _TILE_COUNTS)))
    if not decodable:
        return None
    width, height = tags[_WIDTH][0], tags[_HEIGHT][0]
    tile = (tags[_TILE_HEIGHT][0], tags[_TILE_WIDTH][0])
    tiles = -(-width // tile[1]) * -(-height // tile[0])
    if len(tags[_TILE_OFFSETS]) != tiles or len(tags[_TILE_COUNTS]) != tiles or 0 in tags[_TILE_COUNTS]:
        return None  # a sparse tile (none stored) is GDAL's to fill
    return LevelTiles(width, height, tile, samples, tags[_TILE_OFFSETS], tags[_TILE_COUNTS])


def _georeference(tags: dict[int, tuple]) -> tuple[float, float, float, float] | None:
    """(left, top, res_x, res_y) of a level georeferenced as GDAL writes a north-up raster: one tie point at
    pixel (0, 0), a pixel size, pixel is area."""
    scale, tie = tags.get(_PIXEL_SCALE), tags.get(_TIE_POINT)
    if scale is None or tie is None or len(scale) < 2 or len(tie) != 6 or tie[:2] != (0.0, 0.0):
        return None
    keys = tags.get(_GEO_KEYS, ())
    raster_type = dict((keys[i], keys[i + 3]) for i in range(4, len(keys) - 3, 4)).get(_RASTER_TYPE)
    if raster_type not in (None, _PIXEL_IS_AREA):
        return None
    return tie[3], tie[4], scale[0], scale[1]
