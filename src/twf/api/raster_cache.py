"""Decoded COG levels kept in memory, keyed by file identity, bounded by bytes (least recently used out).

Tiles and samples are windows of a few canonical rasters; decoding a whole level once (~40 ms for a 3 km
RGBA frame) and then slicing numpy arrays is far cheaper than a GDAL read per request. Published frames are
never rewritten in place, but the key still carries the file identity so a replaced file is never served
stale.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from twf.api.identity import FileIdentity
from twf.bounded_cache import BoundedCache


@dataclass(frozen=True)
class LevelGeometry:
    """Where one level's pixels are: north-up, so an origin and a pixel size per axis."""

    index: int  # 0 = full resolution, k = k-th overview
    left: float
    top: float
    res_x: float
    res_y: float  # positive: rows go south
    width: int
    height: int


@dataclass(frozen=True)
class Level:
    geometry: LevelGeometry
    array: np.ndarray  # (h, w, bands) uint8 pixel-interleaved for RGBA; (h, w) float32 for values


Key = tuple[str, FileIdentity]


def _read_geometries(path: Path) -> tuple[LevelGeometry, ...]:
    with rasterio.open(path) as ds:
        overviews = len(ds.overviews(1))
        geoms = [_geometry(0, ds)]
    for k in range(1, overviews + 1):
        with rasterio.open(path, overview_level=k - 1) as ov:
            geoms.append(_geometry(k, ov))
    return tuple(geoms)


def _geometry(index: int, ds: rasterio.DatasetReader) -> LevelGeometry:
    t = ds.transform
    return LevelGeometry(index, t.c, t.f, t.a, -t.e, ds.width, ds.height)


def _read_level(path: Path, geometry: LevelGeometry) -> np.ndarray:
    options = {} if geometry.index == 0 else {"overview_level": geometry.index - 1}
    with rasterio.open(path, **options) as ds:
        data = ds.read()
    if data.shape[0] == 1:
        return data[0]
    return np.ascontiguousarray(data.transpose(1, 2, 0))


def choose_level(geometries: tuple[LevelGeometry, ...], target_res: float) -> LevelGeometry:
    """The coarsest level still at least as fine as `target_res` (metres per output pixel), as GDAL picks."""
    chosen = geometries[0]
    for geom in geometries[1:]:
        if geom.res_x <= target_res * 1.0001:
            chosen = geom
    return chosen


# Decodes one process runs at once. A decode briefly holds ~5x its level's bytes (GDAL's read, the
# pixel-interleaved copy, `prepare`'s temporaries): unbounded, 32 concurrent first touches of 3 km frames
# peaked at 2.7 GB RSS beside a 300 MB cache; two keep the peak near the cache plus 0.4 GB and use the
# cores as fully (decoding is CPU-bound; the machine this was measured on has two).
DECODE_SLOTS = 2


def read_window(path: Path, target_res: float, bounds: tuple[float, float, float, float],
                margin: int = 2) -> Level:
    """The part of the level for `target_res` that covers `bounds` (left, bottom, right, top) with `margin`
    pixels around it, decoded alone: a one-off render of a small area (an exported region) reads a tenth of
    what decoding the whole level would, and leaves the cache of the levels tiles use alone."""
    geometry = choose_level(_read_geometries(path), target_res)
    left, bottom, right, top = bounds
    col0 = max(int((left - geometry.left) // geometry.res_x) - margin, 0)
    col1 = min(int((right - geometry.left) // geometry.res_x) + 1 + margin, geometry.width)
    row0 = max(int((geometry.top - top) // geometry.res_y) - margin, 0)
    row1 = min(int((geometry.top - bottom) // geometry.res_y) + 1 + margin, geometry.height)
    col1, row1 = max(col1, col0 + 1), max(row1, row0 + 1)
    options = {} if geometry.index == 0 else {"overview_level": geometry.index - 1}
    with rasterio.open(path, **options) as ds:
        data = ds.read(window=((row0, row1), (col0, col1)))
    array = data[0] if data.shape[0] == 1 else np.ascontiguousarray(data.transpose(1, 2, 0))
    window = LevelGeometry(geometry.index, geometry.left + col0 * geometry.res_x,
                           geometry.top - row0 * geometry.res_y, geometry.res_x, geometry.res_y,
                           col1 - col0, row1 - row0)
    return Level(window, array)


class RasterCache:
    """`prepare` turns a decoded level into the form its readers use (e.g. premultiplied RGBA), once.

    Levels live in a `BoundedCache`: every thread asking for one level shares its build, and a thread whose
    decode failed never hands the next ones a fresh gate while another still decodes.
    """

    def __init__(self, max_bytes: int,
                 prepare: Callable[[np.ndarray], np.ndarray] | None = None,
                 decode_slots: int = DECODE_SLOTS) -> None:
        self.max_bytes = max_bytes
        self._prepare = prepare
        self._geometries: dict[Key, tuple[LevelGeometry, ...]] = {}
        self._levels: BoundedCache[Level] = BoundedCache(max_bytes, lambda level: level.array.nbytes)
        self._lock = threading.Lock()
        self._decoding = threading.BoundedSemaphore(decode_slots)

    def cached(self, path: Path, identity: FileIdentity, target_res: float = 0.0) -> Level | None:
        """The level for `target_res` if it is already decoded: the hot path, no I/O."""
        key = (str(path), identity)
        geometries = self._geometries.get(key)
        if geometries is None:
            return None
        return self._levels.get((key, choose_level(geometries, target_res).index))

    def load(self, path: Path, identity: FileIdentity, target_res: float = 0.0) -> Level:
        """Decode the level for `target_res` once, even under concurrent requests; blocking: use a thread."""
        key = (str(path), identity)
        geometries = self._geometries.get(key)
        if geometries is None:
            geometries = _read_geometries(path)
            with self._lock:
                if len(self._geometries) > 65536:  # a few hundred bytes each; forget old files wholesale
                    self._geometries.clear()
                self._geometries[key] = geometries
        geometry = choose_level(geometries, target_res)

        def decode() -> Level:
            with self._decoding:
                array = _read_level(path, geometry)
                return Level(geometry, self._prepare(array) if self._prepare else array)

        return self._levels.get_or_build((key, geometry.index), decode)

    @property
    def bytes_held(self) -> int:
        """Bytes of the decoded levels held now (never more than `max_bytes` but for one oversized level)."""
        return self._levels.bytes_held
