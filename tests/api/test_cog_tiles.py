"""A COG read without GDAL: a built frame's levels are those GDAL finds and every tile of every level is
the pixels GDAL reads; a raster laid out otherwise is left to GDAL; a damaged tile is unreadable, never
garbage."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.shutil import copy as gdal_copy
from rasterio.windows import Window
from tests.api.conftest import Published
from tests.api.test_block_cache import frame, tiles
from tests.conftest import GFS_RUN, HRRR_RUN

from twf.api.block_cache import BlockCache
from twf.api.cog_tiles import parse_header
from twf.api.raster_cache import RasterCache, read_layout
from twf.api.tile_render import premultiply
from twf.api.webmercator import Bounds, tile_bounds
from twf.artifacts import RGBA
from twf.errors import ArtifactUnreadable
from twf.grid import CONUS_BOUNDS_3857
from twf.storage.base import HEADER_BYTES
from twf.storage.local import read_file_ranges


def gdal_tile(path: Path, level: int, block: tuple[int, int], size: int) -> np.ndarray:
    """One internal tile as GDAL reads it, pixel-interleaved."""
    with rasterio.open(path, overview_level=level - 1) if level else rasterio.open(path) as ds:
        window = Window(block[1] * size, block[0] * size, min(size, ds.width - block[1] * size),
                        min(size, ds.height - block[0] * size))
        return np.moveaxis(ds.read(window=window), 0, -1)


FRAMES = [("hrrr", HRRR_RUN, "tmp2m"), ("hrrr", HRRR_RUN, "radar_ptype"), ("gfs", GFS_RUN, "tmp2m")]


@pytest.mark.parametrize(("model", "run", "var"), FRAMES)
def test_every_tile_of_every_level_of_a_built_frame_decodes_to_the_pixels_gdal_reads(
        published: Published, model: str, run: str, var: str) -> None:
    path = published.file(RGBA, model, run, var, 0 if model == "gfs" else 1)
    layout = read_layout(path, read_ranges=read_file_ranges)
    by_gdal = read_layout(path)
    assert (layout.levels, layout.block) == (by_gdal.levels, by_gdal.block) and by_gdal.tiles is None
    assert layout.tiles is not None and len(layout.tiles) == len(layout.levels)
    rows, cols = layout.block
    for geometry, tiles_of in zip(layout.levels, layout.tiles, strict=True):
        blocks = [(r, c) for r in range(-(-geometry.height // rows))
                  for c in range(-(-geometry.width // cols))]
        data = read_file_ranges(path, None, [tiles_of.byte_range(b) for b in blocks])
        for block, stored in zip(blocks, data, strict=True):
            expected = gdal_tile(path, geometry.index, block, rows)
            decoded = tiles_of.decode(block, stored, *expected.shape[:2])
            assert decoded.flags.c_contiguous and np.array_equal(decoded, expected), (geometry.index, block)


def looping(header: bytes) -> bytes:
    """The header with its last directory pointing back to the first (a damaged chain)."""
    data = bytearray(header)
    first = offset = struct.unpack_from("<I", data, 4)[0]
    while True:
        link = offset + 2 + 12 * struct.unpack_from("<H", data, offset)[0]
        offset = struct.unpack_from("<I", data, link)[0]
        if offset == 0:
            struct.pack_into("<I", data, link, first)
            return bytes(data)


def test_a_raster_laid_out_otherwise_is_read_by_gdal_and_renders_the_same(published: Published,
                                                                          tmp_path: Path) -> None:
    source, _ = frame(published, "tmp2m")
    deflate = tmp_path / "deflate.tif"
    with rasterio.open(source) as ds:
        gdal_copy(ds, deflate, driver="COG", compress="DEFLATE", blocksize=512)
    assert parse_header(deflate.read_bytes()[:HEADER_BYTES]) is None
    built = source.read_bytes()
    assert all(parse_header(built[:cut]) is None for cut in (0, 4, 8, 300))  # the index beyond what was read
    assert parse_header(looping(built[:HEADER_BYTES])) is None

    assert read_layout(deflate, read_ranges=read_file_ranges).tiles is None
    blocks = BlockCache(max_bytes=1 << 30, prepare=premultiply)
    levels = RasterCache(max_bytes=1 << 30, prepare=premultiply)
    for z, x, y in tiles(seed=3, count=20):
        bounds = tile_bounds(z, x, y)
        target_res = (bounds.right - bounds.left) / 256
        window = blocks.window(str(deflate), 1, target_res, bounds)
        whole = levels.load(source, 1, target_res)
        (r0, r1), (c0, c1) = ((window.origin[0], window.origin[0] + window.array.shape[0]),
                              (window.origin[1], window.origin[1] + window.array.shape[1]))
        assert np.array_equal(window.array, whole.array[r0:r1, c0:c1]), (z, x, y)


def test_a_tile_whose_bytes_are_damaged_is_unreadable_not_garbage(published: Published,
                                                                  tmp_path: Path) -> None:
    source, _ = frame(published, "tmp2m")
    layout = read_layout(source, read_ranges=read_file_ranges)
    full = layout.tiles[0]
    start, end = full.byte_range((1, 1))
    damaged = bytearray(source.read_bytes())
    damaged[start:start + 8] = bytes(8)  # the ZSTD frame's magic number and header gone
    with pytest.raises(ArtifactUnreadable, match="does not decompress"):
        full.decode((1, 1), bytes(damaged[start:end]), 512, 512)
    with pytest.raises(ArtifactUnreadable, match="cut short"):
        full.decode((1, 1), bytes(damaged[start:end - 1]), 512, 512)
    path = tmp_path / "damaged.tif"
    path.write_bytes(damaged)
    with pytest.raises(ArtifactUnreadable):  # every block of the full level, (1, 1) among them
        BlockCache(max_bytes=1 << 30).window(str(path), 1, layout.levels[0].res_x, Bounds(*CONUS_BOUNDS_3857))
