"""Reading a point's cells from a series store: the API's hot path.

Per segment serving any of the asked hours, one range read of the chunk under the point (two to four when
the point's cells straddle tiles) and one decode, plus the segment's index, read once: a segment's bytes
never change under its name (`twf.series.document`), so the index is cached by name alone and the hot path
asks the store for nothing else.
"""

from __future__ import annotations

from collections import defaultdict

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
              hours: list[int]) -> np.ndarray:
        """The values of cells (rows[k], cols[k]) at each of `hours`, all served by `document`: (hours, cells)
        float32, NaN for no data.

        Raises ObjectNotFound when a segment is gone (replaced since the document was read), DamagedSeries
        when one does not decode."""
        out = np.full((len(hours), len(rows)), np.nan, dtype=np.float32)
        by_segment: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, fh in enumerate(hours):
            index, t = document.served[fh]
            by_segment[index][0].append(t)
            by_segment[index][1].append(i)
        for index, (t_list, i_list) in by_segment.items():
            steps, slots = np.array(t_list)[:, None], np.array(i_list)[:, None]
            segment = document.segments[index]
            shape = segment.shape(document.grid)
            key = document.keys.segment_shard(segment.name)
            chunk_index = self._index(key, shape)
            tile = shape.tile
            tiles: dict[tuple[int, int], list[int]] = defaultdict(list)
            for k, (row, col) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
                tiles[(row // tile, col // tile)].append(k)
            for (ty, tx), ks in tiles.items():
                offset, size = chunk_index[ty, tx]
                if offset == EMPTY:
                    continue  # no data anywhere on this tile
                chunk = decode_chunk(self.storage.get_range(key, int(offset), int(size)), shape)
                out[slots, ks] = chunk[steps, rows[ks] % tile, cols[ks] % tile]
        return out
