"""The decoded-level cache under concurrency: one decode per level, a byte count that matches what it holds.

Decodes are steered through the cache's `prepare` hook (it runs inside the level's gate), so each interleaving
below happens for certain instead of by luck.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.shutil import delete
from rasterio.transform import from_origin

from twf.api.identity import FileIdentity
from twf.api.raster_cache import DECODE_SLOTS, Level, LevelGeometry, RasterCache, read_layout
from twf.builder.cog_writer import write_rgba_cog, write_value_cog
from twf.models import REGISTRY

SIDE = 64
WAIT_S = 10.0
SETTLE_S = 0.3  # long enough for a started thread to block on the level's gate


def write_raster(path: Path, fill: int) -> tuple[Path, FileIdentity]:
    profile = {"driver": "GTiff", "width": SIDE, "height": SIDE, "count": 1, "dtype": "float32",
               "crs": "EPSG:3857", "transform": from_origin(0, 0, 1000, 1000)}
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(np.full((1, SIDE, SIDE), fill, dtype=np.float32))
    st = path.stat()
    return path, (st.st_ino, st.st_mtime_ns, st.st_size)


def in_thread(target: Callable[[], object], results: list) -> threading.Thread:
    def run() -> None:
        try:
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread ended with
            results.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_a_failed_decode_never_lets_two_threads_decode_one_level_at_once(tmp_path: Path) -> None:
    path, identity = write_raster(tmp_path / "a.tif", 1)
    calls: list[int] = []
    fail_now, second_started, second_go = threading.Event(), threading.Event(), threading.Event()

    def prepare(array: np.ndarray) -> np.ndarray:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            assert fail_now.wait(WAIT_S)
            raise OSError("first decode fails (a file being replaced, a read error)")
        if len(calls) == 2:
            second_started.set()
            assert second_go.wait(WAIT_S)
        return array

    cache = RasterCache(max_bytes=1 << 20, prepare=prepare)
    first: list = []
    second: list = []
    third: list = []
    threads = [in_thread(lambda: cache.load(path, identity), first)]
    time.sleep(SETTLE_S)
    threads.append(in_thread(lambda: cache.load(path, identity), second))
    time.sleep(SETTLE_S)  # the second thread now waits on the gate the first one holds
    fail_now.set()
    assert second_started.wait(WAIT_S)
    threads.append(in_thread(lambda: cache.load(path, identity), third))
    time.sleep(SETTLE_S)  # the third must wait for the second's decode, not start its own
    second_go.set()
    for thread in threads:
        thread.join(WAIT_S)

    assert isinstance(first[0], OSError)
    assert isinstance(second[0], Level) and third[0] is second[0]
    assert calls == [1, 2]
    assert cache.bytes_held == second[0].array.nbytes


def test_held_bytes_match_the_levels_held_under_churn(tmp_path: Path) -> None:
    files = [write_raster(tmp_path / f"{i}.tif", i) for i in range(8)]
    level_bytes = SIDE * SIDE * 4
    cache = RasterCache(max_bytes=3 * level_bytes)
    def churn(seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(300):
            path, identity = rng.choice(files)
            level = cache.cached(path, identity) or cache.load(path, identity)
            assert float(level.array[0, 0]) == float(path.stem)

    ended: list = []
    for thread in [in_thread(lambda s=seed: churn(s), ended) for seed in range(8)]:
        thread.join(WAIT_S * 6)
    assert ended == [None] * 8, ended
    held = [f for f in files if cache.cached(*f) is not None]
    assert cache.bytes_held == len(held) * level_bytes == 3 * level_bytes


def test_first_touches_of_many_levels_decode_at_most_the_slots_at_once(tmp_path: Path) -> None:
    files = [write_raster(tmp_path / f"{i}.tif", i) for i in range(8)]
    lock = threading.Lock()
    running, peak = [0], [0]

    def prepare(array: np.ndarray) -> np.ndarray:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)  # a decode's CPU time, during which others pile up
        with lock:
            running[0] -= 1
        return array

    cache = RasterCache(max_bytes=1 << 20, prepare=prepare)
    results: list = []
    threads = [in_thread(lambda f=f: cache.load(*f), results) for f in files]
    for thread in threads:
        thread.join(WAIT_S)
    assert all(isinstance(r, Level) for r in results) and len(results) == len(files)
    assert peak[0] == DECODE_SLOTS


def _layout_by_opening_every_level(path: str) -> tuple[LevelGeometry, ...]:
    with rasterio.open(path) as ds:
        count = len(ds.overviews(1))
    levels = []
    for k in range(count + 1):
        with rasterio.open(path, **({"overview_level": k - 1} if k else {})) as level:
            t = level.transform
            levels.append(LevelGeometry(k, t.c, t.f, t.a, -t.e, level.width, level.height))
    return tuple(levels)


@pytest.mark.parametrize("model", sorted(REGISTRY))
def test_a_layout_read_in_one_open_is_every_level_as_gdal_opens_it(model: str) -> None:
    grid = REGISTRY[model].grid
    value_grid = grid.downsampled()
    rgba_path, value_path = f"/vsimem/layout-{model}-rgba.tif", f"/vsimem/layout-{model}-val.tif"
    write_rgba_cog(Path(rgba_path), np.zeros((4, *grid.shape), np.uint8), grid, categorical=False)
    write_value_cog(Path(value_path), np.zeros(value_grid.shape, np.float32), value_grid, categorical=False)
    try:
        for path in (rgba_path, value_path):
            assert read_layout(path).levels == _layout_by_opening_every_level(path)
    finally:
        for path in (rgba_path, value_path):
            delete(path)
