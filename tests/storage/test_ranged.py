"""Rasters opened through a store (`ObjectStore.open_raster`): the version its `head` named, every level and
block as GDAL reads the file itself; on S3 by range reads (`twf.storage.ranged`), never a replaced version."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window
from tests.conftest import s3_store

from twf.builder.cog_writer import write_rgba_cog
from twf.errors import ObjectNotFound
from twf.grid import CanonicalGrid
from twf.storage import ObjectStore
from twf.storage.base import HEADER_BYTES
from twf.storage.ranged import RangedRasters

KEY = "published/hrrr/20260129_17z/tmp2m/fh001.rgba.cog.tif"
GRID = CanonicalGrid(6000.0)  # 1380 × 780 px: 3 × 2 blocks of 512 and two overviews


def cog(folder: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    path = folder / f"frame-{seed}.tif"
    write_rgba_cog(path, rng.integers(0, 255, (4, *GRID.shape), dtype=np.uint8), GRID, categorical=False)
    return path


def test_a_raster_opened_through_the_store_reads_as_the_file_itself(storage: ObjectStore,
                                                                    tmp_path: Path) -> None:
    source = cog(tmp_path, 1)
    storage.put_file(KEY, source)
    storage.sync([KEY])
    info = storage.head(KEY)
    with rasterio.open(source) as reference:
        for level in (None, 0, 1):
            options = {} if level is None else {"overview_level": level}
            with storage.open_raster(storage.gdal_path(KEY), info.identity, **options) as ds, \
                    rasterio.open(source, **options) as expected:
                assert (ds.width, ds.height) == (expected.width, expected.height)
                assert ds.transform == expected.transform
                window = Window(ds.width - 600, 100, 600, ds.height - 100)  # across blocks, to the far edge
                assert np.array_equal(ds.read(window=window), expected.read(window=window))
        assert reference.overviews(1) == [2, 4]


def test_s3_a_raster_replaced_since_its_head_is_not_read_as_the_old_version(s3_url: str,
                                                                            tmp_path: Path) -> None:
    storage = s3_store(s3_url)
    storage.put_file(KEY, cog(tmp_path, 1))
    old = storage.head(KEY)
    storage.put_file(KEY, cog(tmp_path, 2))
    new = storage.head(KEY)
    with pytest.raises(ObjectNotFound):
        storage.open_raster(storage.gdal_path(KEY), old.identity)
    corner = Window(0, 0, 64, 64)
    with storage.open_raster(storage.gdal_path(KEY), new.identity) as ds, \
            rasterio.open(tmp_path / "frame-2.tif") as expected:
        assert np.array_equal(ds.read(window=corner), expected.read(window=corner))


class Recorded:
    """Range reads of one file's bytes, as a remote store answers them, recorded."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.gets: list[tuple[int, int]] = []
        self.batches: list[list[tuple[int, int]]] = []

    def get(self, name: str, start: int, end: int, etag: str | None) -> tuple[bytes, int]:
        self.gets.append((start, min(end, len(self.data))))
        return self.data[start:end], len(self.data)

    def get_many(self, name: str, starts: list[int], ends: list[int]) -> list[bytes]:
        self.batches.append(list(zip(starts, ends, strict=True)))
        return [self.data[start:end] for start, end in zip(starts, ends, strict=True)]


def test_a_ranged_open_fetches_the_header_once_and_each_block_read_nothing_else(tmp_path: Path) -> None:
    """GDAL probes for sidecars (`.aux.xml`, `.xml`) on every open; answered as existing, each was read
    whole: two GETs of the entire object before a frame's first tile."""
    reads = Recorded(cog(tmp_path, 1).read_bytes())
    rasters = RangedRasters(reads.get, reads.get_many)
    for level in (None, 1):
        options = {} if level is None else {"overview_level": level}
        with rasters.open(KEY, "etag-1", **options) as ds:
            ds.read(window=Window(0, 0, 64, 64))
    header, *rest = reads.gets
    assert header == (0, HEADER_BYTES)
    assert all(start > 0 for start, _ in rest)  # the head is read once, the whole object never
    assert sum(end - start for start, end in rest) < len(reads.data) // 2  # a corner block of each level


def test_the_blocks_an_open_is_told_of_are_fetched_at_once_and_read_as_the_file(tmp_path: Path) -> None:
    source = cog(tmp_path, 1)
    reads = Recorded(source.read_bytes())
    two_blocks = Window(448, 0, 128, 64)  # across blocks (0, 0) and (0, 1)
    with RangedRasters(reads.get, reads.get_many).open(KEY, "etag-1", blocks=[(0, 0), (0, 1)]) as ds, \
            rasterio.open(source) as expected:
        assert np.array_equal(ds.read(window=two_blocks), expected.read(window=two_blocks))
    assert len(reads.batches) == 1 and len(reads.batches[0]) == 2
    assert reads.gets == [(0, HEADER_BYTES)]  # no block read one by one


@pytest.fixture
def storage(empty_store: ObjectStore) -> ObjectStore:
    return empty_store


def test_raster_ranges_read_through_the_store_are_the_files_bytes(storage: ObjectStore,
                                                                  tmp_path: Path) -> None:
    source = cog(tmp_path, 1)
    data = source.read_bytes()
    storage.put_file(KEY, source)
    storage.sync([KEY])
    ranges = [(0, HEADER_BYTES), (100, 200), (HEADER_BYTES + 5, HEADER_BYTES + 70_000),
              (len(data) - 10, len(data))]
    read = storage.read_raster_ranges(storage.gdal_path(KEY), storage.head(KEY).identity, ranges)
    assert read == [data[start:end] for start, end in ranges]


def test_ranges_within_the_header_come_from_it_and_the_others_in_one_batch(tmp_path: Path) -> None:
    reads = Recorded(cog(tmp_path, 1).read_bytes())
    rasters = RangedRasters(reads.get, reads.get_many)
    ranges = [(10, 20), (HEADER_BYTES, HEADER_BYTES + 100), (HEADER_BYTES * 2, HEADER_BYTES * 3)]
    assert rasters.ranges(KEY, "etag-1", ranges) == [reads.data[start:end] for start, end in ranges]
    assert rasters.ranges(KEY, "etag-1", [(0, 64)]) == [reads.data[:64]]
    assert reads.gets == [(0, HEADER_BYTES)]  # once per object version
    assert reads.batches == [ranges[1:]]


def test_a_rasters_head_read_with_its_header_is_its_head(storage: ObjectStore, tmp_path: Path) -> None:
    assert storage.head_raster(KEY) is None
    for seed in (1, 2):  # a replaced raster: the new version's head and bytes
        source = cog(tmp_path, seed)
        storage.put_file(KEY, source)
        storage.sync([KEY])
        info = storage.head_raster(KEY)
        assert info == storage.head(KEY)
        header = storage.read_raster_ranges(storage.gdal_path(KEY), info.identity, [(0, HEADER_BYTES)])
        assert header == [source.read_bytes()[:HEADER_BYTES]]
