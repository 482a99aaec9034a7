"""A segment's bytes: a Zarr v3 array any Zarr tool reads as ours, and damage that never passes unnoticed."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
import zarr
from zarr.core.buffer import default_buffer_prototype
from zarr.storage import MemoryStore

from twf.errors import DamagedSeries
from twf.series.segment import EMPTY, SegmentShape, decode, decode_chunk, decode_index, encode, metadata

from .conftest import field

GRID = (390, 690)


def stack(hours: tuple[int, ...]) -> np.ndarray:
    return np.stack([field(fh, GRID) for fh in hours])


def as_zarr(shape: SegmentShape, hours: tuple[int, ...], shard: bytes) -> zarr.Array:
    objects = MemoryStore()
    buffer = default_buffer_prototype().buffer

    async def put() -> None:
        await objects.set("zarr.json", buffer.from_bytes(metadata(shape, hours)))
        await objects.set("c/0/0/0", buffer.from_bytes(shard))

    asyncio.run(put())
    return zarr.open_array(objects, mode="r")


@pytest.mark.parametrize(("hours", "tile"), [((0, 1, 2), 32), (tuple(range(19)), 16), ((5,), 8)])
def test_zarr_python_reads_a_segment_as_the_values_it_holds(hours: tuple[int, ...], tile: int) -> None:
    values = stack(hours)
    shape = SegmentShape(len(hours), GRID, tile)
    array = as_zarr(shape, hours, encode(values, shape))
    assert array.shape == (len(hours), *GRID) and array.attrs["forecast_hours"] == list(hours)
    np.testing.assert_array_equal(array[:], values)
    np.testing.assert_array_equal(decode(encode(values, shape), shape), values)


def test_tiles_of_only_no_data_are_not_stored_and_read_as_nan() -> None:
    hours = (0, 1)
    shape = SegmentShape(2, GRID, 32)
    shard = encode(stack(hours), shape)
    index = decode_index(shard, shape)
    assert (index[0, :] == EMPTY).all()  # the first 32 rows are inside the 40 rows without data
    assert (index[2, :] != EMPTY).all()
    assert np.isnan(as_zarr(shape, hours, shard)[:, :32]).all()


def test_a_damaged_index_or_chunk_is_refused() -> None:
    shape = SegmentShape(2, GRID, 32)
    shard = bytearray(encode(stack((0, 1)), shape))
    offset, size = (int(v) for v in decode_index(bytes(shard), shape)[5, 5])
    with pytest.raises(DamagedSeries, match="does not decode|bytes, not"):
        decode_chunk(bytes(shard[offset:offset + size // 2]), shape)
    shard[3] ^= 0xFF
    with pytest.raises(DamagedSeries, match="checksum"):
        decode_index(bytes(shard), shape)
    with pytest.raises(DamagedSeries, match="index of"):
        decode_index(bytes(shard[:100]), shape)
