"""One segment of a series store as bytes: a Zarr v3 array `(hours, rows, cols)` of float32 stored as a
single shard, encoded and decoded here without zarr-python.

The shard's chunk index comes first (`index_location: start`: a reader needs no object size), then the
chunks, each `(hours, tile, tile)` cells, little-endian float32, byte-shuffled and LZ4-compressed by Blosc
(decodes ~5x faster than zstd, and the shuffle compresses noisy float fields better). A chunk of only
no-data (NaN, the fill value) is not stored. zarr-python reads these arrays as its own
(tests/series/test_segment.py), so any Zarr v3 tool can open a segment; the API reads a point's chunk
with one range read instead (zarr-python costs ~20 ms per selection).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import google_crc32c
import numpy as np
from numcodecs import Blosc

from twf.errors import DamagedSeries
from twf.series.layout import VALUE_BYTES

EMPTY = 2**64 - 1  # the index entry (offset and size) of a chunk that is not stored
CHECKSUM_BYTES = 4  # crc32c of the index, after it
BLOSC = Blosc(cname="lz4", clevel=5, shuffle=Blosc.SHUFFLE, blocksize=0)
BLOSC_CONFIG = {"typesize": VALUE_BYTES, "cname": "lz4", "clevel": 5, "shuffle": "shuffle", "blocksize": 0}
LITTLE_ENDIAN = {"name": "bytes", "configuration": {"endian": "little"}}


@dataclass(frozen=True)
class SegmentShape:
    """The cut of one segment: its hours, the value grid and the tile side of its chunks."""

    steps: int  # hours in the segment
    grid: tuple[int, int]
    tile: int

    @property
    def tiles(self) -> tuple[int, int]:
        """Chunks per side: (rows, cols) of the chunk grid (edge chunks padded with NaN)."""
        return -(-self.grid[0] // self.tile), -(-self.grid[1] // self.tile)

    @property
    def index_bytes(self) -> int:
        ny, nx = self.tiles
        return ny * nx * 16 + CHECKSUM_BYTES

    @property
    def chunk(self) -> tuple[int, int, int]:
        return self.steps, self.tile, self.tile


def metadata(shape: SegmentShape, hours: tuple[int, ...]) -> bytes:
    """The segment's `zarr.json`: what makes the shard a Zarr v3 array (the API never reads it)."""
    ny, nx = shape.tiles
    doc = {
        "zarr_format": 3, "node_type": "array", "shape": [shape.steps, *shape.grid], "data_type": "float32",
        "chunk_grid": {"name": "regular",
                       "configuration": {"chunk_shape": [shape.steps, ny * shape.tile, nx * shape.tile]}},
        "chunk_key_encoding": {"name": "default", "configuration": {"separator": "/"}},
        "fill_value": "NaN",
        "codecs": [{"name": "sharding_indexed", "configuration": {
            "chunk_shape": list(shape.chunk),
            "codecs": [LITTLE_ENDIAN, {"name": "blosc", "configuration": BLOSC_CONFIG}],
            "index_codecs": [LITTLE_ENDIAN, {"name": "crc32c"}],
            "index_location": "start",
        }}],
        "attributes": {"forecast_hours": list(hours)},
        "dimension_names": ["forecast_hour", "y", "x"],
    }
    return json.dumps(doc, indent=1).encode()


def encode(values: np.ndarray, shape: SegmentShape) -> bytes:
    """`values` (hours, rows, cols) float32 → the shard's bytes (chunks in row-major order of the tiles)."""
    ny, nx, tile = *shape.tiles, shape.tile
    index = np.full((ny, nx, 2), EMPTY, dtype="<u8")
    chunks: list[bytes] = []
    offset = shape.index_bytes
    for cy in range(ny):
        for cx in range(nx):
            chunk = values[:, cy * tile:(cy + 1) * tile, cx * tile:(cx + 1) * tile]
            if chunk.shape != shape.chunk:  # an edge tile: padded with the fill value
                padded = np.full(shape.chunk, np.nan, dtype="<f4")
                padded[:, :chunk.shape[1], :chunk.shape[2]] = chunk
                chunk = padded
            if np.isnan(chunk).all():
                continue
            data = BLOSC.encode(np.ascontiguousarray(chunk, dtype="<f4"))
            index[cy, cx] = (offset, len(data))
            chunks.append(data)
            offset += len(data)
    raw = index.tobytes()
    return b"".join([raw, google_crc32c.value(raw).to_bytes(CHECKSUM_BYTES, "little"), *chunks])


def decode_index(data: bytes, shape: SegmentShape) -> np.ndarray:
    """The index at the head of a shard: (tile rows, tile cols, [offset, size]) uint64."""
    length = shape.index_bytes - CHECKSUM_BYTES
    if len(data) < shape.index_bytes:
        raise DamagedSeries(f"a shard index of {len(data)} bytes, not {shape.index_bytes}")
    if google_crc32c.value(data[:length]) != int.from_bytes(data[length:shape.index_bytes], "little"):
        raise DamagedSeries("a shard index fails its checksum")
    return np.frombuffer(data[:length], dtype="<u8").reshape(*shape.tiles, 2)


def decode_chunk(data: bytes, shape: SegmentShape) -> np.ndarray:
    """One chunk: (hours, tile, tile) float32."""
    try:
        raw = BLOSC.decode(data)
    except (RuntimeError, ValueError) as exc:
        raise DamagedSeries(f"a chunk does not decode ({exc})") from None
    steps, tile, _ = shape.chunk
    if len(raw) != steps * tile * tile * VALUE_BYTES:
        raise DamagedSeries(f"a chunk of {len(raw)} bytes, not {shape.chunk}")
    return np.frombuffer(raw, dtype="<f4").reshape(shape.chunk)


def decode(data: bytes, shape: SegmentShape) -> np.ndarray:
    """A whole shard → (hours, rows, cols) float32 (the writer, carrying hours into a new segment)."""
    index = decode_index(data, shape)
    ny, nx, tile = *shape.tiles, shape.tile
    out = np.full((shape.steps, ny * tile, nx * tile), np.nan, dtype=np.float32)
    for cy in range(ny):
        for cx in range(nx):
            offset, size = index[cy, cx]
            if offset != EMPTY:
                chunk = decode_chunk(data[int(offset):int(offset + size)], shape)
                out[:, cy * tile:(cy + 1) * tile, cx * tile:(cx + 1) * tile] = chunk
    return out[:, :shape.grid[0], :shape.grid[1]]
