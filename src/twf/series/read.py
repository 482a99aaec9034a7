"""Reading a point's cells from a series store: the API's hot path.

Per segment serving any of the asked hours, one range read of the chunk under the point (two to four when
the point's cells straddle tiles) and one decode, plus the segment's index, read once: a segment's bytes
never change under its name (`twf.series.document`), so the index is cached by name alone and the hot path
asks the store for nothing else.
"""

from __future__ import annotations

import numpy as np

from twf.bounded_cache import BoundedCache
from twf.series.document import SeriesDocument
from twf.series.segment import EMPTY, SegmentShape, decode_chunk, decode_index
from twf.storage import ObjectStore

# An index is 16 bytes per chunk: 18 KB for a complete HRRR variable (25 x 44 tiles of 16), 98 KB for NBM's
# (59 x 104 tiles of 8), 3-5 KB for a block; 32 MiB holds those of ~1,000 variables of runs.
INDEX_CACHE_BYTES = 32 << 20


class SeriesReader:
    """Reads the cells of points from the series stores of one store; keeps segment indexes."""

    def __init__(self, storage: ObjectStore) -> None:
        self.storage = storage
        self._indexes: BoundedCache[np.ndarray] = BoundedCache(INDEX_CACHE_BYTES, lambda index: index.nbytes)

    def _index(self, key: str, shape: SegmentShape) -> np.ndarray:
        return self._indexes.get_or_build(
            key, lambda: decode_index(self.storage.get_range(key, 0, shape.index_bytes), shape))

    def cells(self, document: SeriesDocument, rows: np.ndarray, cols: np.ndarray,
              hours: tuple[int, ...]) -> np.ndarray:
        """The values of cells (rows[k], cols[k]) at each of `hours`, all served by `document`: (hours, cells)
        float32, NaN for no data.

        Raises ObjectNotFound when a segment is gone (replaced since the document was read), DamagedSeries
        when one does not decode."""
        out = np.full((len(hours), len(rows)), np.nan, dtype=np.float32)
        groups: dict[int, list[_TileCells]] = {}  # by tile side: a run's segments mostly share one
        for part in document.parts(hours):
            tile = part.shape.tile
            if tile not in groups:
                groups[tile] = _tile_cells(rows, cols, tile)
            chunk_index = self._index(part.key, part.shape)
            for ty, tx, ks, in_rows, in_cols in groups[tile]:
                offset, size = chunk_index[ty, tx].tolist()
                if offset == EMPTY:
                    continue  # no data anywhere on this tile
                chunk = decode_chunk(self.storage.get_range(part.key, offset, size), part.shape)
                out[part.slots, ks] = chunk[part.steps, in_rows, in_cols]
        return out


_TileCells = tuple[int, int, np.ndarray, np.ndarray, np.ndarray]


def _tile_cells(rows: np.ndarray, cols: np.ndarray, tile: int) -> list[_TileCells]:
    """The tiles the cells lie on: (tile row, tile col, which cells, their rows and cols inside the tile)."""
    tile_rows, tile_cols = rows // tile, cols // tile
    out = []
    for ty, tx in dict.fromkeys(zip(tile_rows.tolist(), tile_cols.tolist(), strict=True)):
        ks = np.flatnonzero((tile_rows == ty) & (tile_cols == tx))
        out.append((ty, tx, ks, rows[ks] % tile, cols[ks] % tile))
    return out
