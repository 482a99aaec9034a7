"""The RGBA block cache: a tile decodes only the blocks it covers, renders exactly what the whole level
renders, decodes each block once under concurrency, and stays within its byte budget."""

from __future__ import annotations

import os
import random
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from bench.soak_viewers import tile_range
from tests.api.conftest import Published
from tests.api.test_raster_cache import in_thread
from tests.conftest import HRRR_RUN

from twf.api.block_cache import BlockCache
from twf.api.raster_cache import RasterCache, read_layout
from twf.api.raster_threads import decode_helpers
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import tile_bounds
from twf.artifacts import RGBA
from twf.grid import CONUS_BOUNDS_3857

BLOCK_BYTES = 512 * 512 * 4


def frame(published: Published, var: str) -> tuple[Path, tuple]:
    path = published.file(RGBA, "hrrr", HRRR_RUN, var, 1)
    st = path.stat()
    return path, (st.st_ino, st.st_mtime_ns, st.st_size)


def tiles(seed: int, count: int, zooms: range = range(3, 11)) -> list[tuple[int, int, int]]:
    """Random tiles over the canonical extent, its edges included (partly outside the data)."""
    rng = random.Random(seed)
    found = []
    while len(found) < count:
        z = rng.choice(zooms)
        x0, x1, y0, y1 = tile_range(z)
        x, y = rng.randint(x0, x1), rng.randint(y0, y1)
        if tile_bounds(z, x, y).intersects(CONUS_BOUNDS_3857):
            found.append((z, x, y))
    return found


def tile_window(cache: BlockCache, path: Path, identity: tuple, z: int, x: int, y: int) -> object:
    bounds = tile_bounds(z, x, y)
    return cache.window(path, identity, (bounds.right - bounds.left) / 512, bounds)


HELPERS = pytest.mark.parametrize("helped", [False, True], ids=["one thread", "with a helper thread"])


@HELPERS
@pytest.mark.parametrize(("var", "resampling"), [("tmp2m", "bilinear"), ("radar_ptype", "nearest")])
@pytest.mark.parametrize("size", [256, 512])
def test_a_tile_from_blocks_is_byte_identical_to_the_tile_from_the_whole_level(
        published: Published, var: str, resampling: str, size: int, helped: bool) -> None:
    path, identity = frame(published, var)
    blocks = BlockCache(max_bytes=1 << 30, prepare=premultiply, helpers=decode_helpers() if helped else None)
    levels = RasterCache(max_bytes=1 << 30, prepare=premultiply)
    edges = [(5, 4, 11), (6, 9, 22), (7, 19, 47), (9, 78, 168), (10, 325, 410)]  # west, north, south edges
    for z, x, y in edges + tiles(seed=size, count=60):
        bounds = tile_bounds(z, x, y)
        target_res = (bounds.right - bounds.left) / size
        window = blocks.window(path, identity, target_res, bounds)
        whole = levels.load(path, identity, target_res)
        ours = render_rgba(window.array, window.geometry, bounds, size, resampling, origin=window.origin)
        assert np.array_equal(ours, render_rgba(whole.array, whole.geometry, bounds, size, resampling)), \
            (z, x, y)


def test_a_first_tile_decodes_only_the_blocks_it_covers_and_a_second_decodes_nothing(
        published: Published) -> None:
    path, identity = frame(published, "tmp2m")
    layout = read_layout(path)
    full = layout.levels[0]
    level_blocks = -(-full.width // 512) * -(-full.height // 512)
    cache = BlockCache(max_bytes=1 << 30, prepare=premultiply)
    bounds = tile_bounds(9, 85, 180)  # 78 km over Oregon: a few dozen 3 km pixels
    target_res = (bounds.right - bounds.left) / 512
    assert cache.cached_window(path, identity, target_res, bounds) is None
    cache.window(path, identity, target_res, bounds)
    assert 1 <= cache.decodes <= 2 < level_blocks == 24
    assert cache.bytes_held <= 2 * BLOCK_BYTES
    assert cache.cached_window(path, identity, target_res, bounds) is not None
    cache.window(path, identity, target_res, bounds)
    assert cache.decodes <= 2


@HELPERS
def test_many_first_tiles_of_one_frame_at_once_decode_each_block_once(published: Published,
                                                                      helped: bool) -> None:
    path, identity = frame(published, "tmp2m")
    decoded: list[tuple[int, int]] = []
    lock = threading.Lock()

    def prepare(pixels: np.ndarray) -> np.ndarray:
        with lock:
            decoded.append(pixels.shape[:2])
        return premultiply(pixels)

    cache = BlockCache(max_bytes=1 << 30, prepare=prepare, helpers=decode_helpers() if helped else None)
    viewport = [(6, x, y) for x in range(9, 12) for y in range(21, 24)]  # a 3×3 view of the Pacific NW
    results: list = []
    threads = [in_thread(lambda t=t: tile_window(cache, path, identity, *t), results) for t in viewport * 3]
    for thread in threads:
        thread.join(30)
    assert len(results) == 27 and not [r for r in results if isinstance(r, Exception)]
    assert len(decoded) == cache.decodes < 24


def test_held_blocks_stay_within_the_budget(published: Published) -> None:
    path, identity = frame(published, "tmp2m")
    cache = BlockCache(max_bytes=3 * BLOCK_BYTES, prepare=premultiply)
    for z, x, y in tiles(seed=7, count=40, zooms=range(6, 10)):
        bounds = tile_bounds(z, x, y)
        cache.window(path, identity, (bounds.right - bounds.left) / 512, bounds)
        assert cache.bytes_held <= cache.max_bytes
    assert cache.decodes > 3


def test_a_replaced_file_is_never_served_from_the_blocks_of_the_old_one(published: Published,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "fh001.rgba.cog.tif"
    cache = BlockCache(max_bytes=1 << 30, prepare=premultiply)
    bounds = tile_bounds(6, 10, 22)
    target_res = (bounds.right - bounds.left) / 512
    rendered = []
    for var in ("tmp2m", "refc"):
        shutil.copyfile(frame(published, var)[0], tmp_path / "next.tif")
        os.replace(tmp_path / "next.tif", path)
        st = path.stat()
        window = cache.window(path, (st.st_ino, st.st_mtime_ns, st.st_size), target_res, bounds)
        rendered.append(render_rgba(window.array, window.geometry, bounds, 512, "bilinear",
                                    origin=window.origin))
    source, _ = frame(published, "refc")
    whole = RasterCache(max_bytes=1 << 30, prepare=premultiply).load(source, 0, target_res)
    assert np.array_equal(rendered[1], render_rgba(whole.array, whole.geometry, bounds, 512, "bilinear"))
    assert not np.array_equal(rendered[0], rendered[1])
