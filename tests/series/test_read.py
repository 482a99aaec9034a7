"""Reading a point's cells: the frames' values, one range read per segment and tile, the index read once."""

from __future__ import annotations

import numpy as np
import pytest

from twf.errors import ObjectNotFound
from twf.series.read import SeriesReader
from twf.storage import LocalStore

from .conftest import Frames, field


class CountingStore(LocalStore):
    """Counts the range reads (what a remote store pays a round trip for)."""

    ranges: list[tuple[str, int, int]]

    def get_range(self, key: str, start: int, length: int) -> bytes:
        self.ranges.append((key, start, length))
        return super().get_range(key, start, length)


def counting(frames: Frames) -> CountingStore:
    storage = CountingStore(frames.storage.root)
    storage.ranges = []
    return storage


# A bilinear 2x2 stencil inside one tile, across a tile column, across a tile corner, in the no-data band.
CELLS = [([100, 100, 101, 101], [200, 201, 200, 201]),
         ([100, 100, 101, 101], [31, 32, 31, 32]),
         ([63, 63, 64, 64], [95, 96, 95, 96]),
         ([10, 10, 11, 11], [300, 301, 300, 301])]


@pytest.mark.parametrize(("rows", "cols"), CELLS)
def test_cells_are_the_frames_values_at_every_hour(frames: Frames, rows: list[int], cols: list[int]) -> None:
    frames.put(*range(10))
    document = frames.commit(*range(10))  # blocks f00-f06 and f07-f09
    hours = (0, 3, 6, 7, 9)
    cells = SeriesReader(frames.storage).cells(document, np.array(rows), np.array(cols), hours)
    grid = frames.model.value_grid.shape
    expected = np.stack([field(fh, grid)[rows, cols] for fh in hours])
    np.testing.assert_array_equal(cells, expected)


def test_a_point_costs_one_range_read_per_segment_and_its_index_once(frames: Frames) -> None:
    frames.put(*range(19))
    for n in range(1, 20):
        document = frames.commit(*range(n))
    storage = counting(frames)
    reader = SeriesReader(storage)
    rows, cols = np.array([100, 100, 101, 101]), np.array([200, 201, 200, 201])
    reader.cells(document, rows, cols, tuple(range(19)))
    assert len(document.segments) == 1 and len(storage.ranges) == 2  # the index, then the chunk
    storage.ranges.clear()
    reader.cells(document, rows + 50, cols + 50, tuple(range(19)))
    assert len(storage.ranges) == 1 and storage.ranges[0][2] < 64 << 10


def test_a_segment_replaced_since_the_document_was_read_is_not_found(frames: Frames) -> None:
    frames.put(0, 1)
    old = frames.commit(0)
    frames.commit(0, 1)
    with pytest.raises(ObjectNotFound):
        SeriesReader(frames.storage).cells(old, np.array([100]), np.array([200]), (0,))
