"""A web-mercator tile as a window of a canonical EPSG:3857 RGBA raster, resampled with numpy.

The canonical COGs are already in EPSG:3857 and north-up, so a tile's pixel centres map to source pixel
coordinates independently per axis: resampling is two 1-D gathers, no reprojection. Continuous fields are
interpolated bilinearly on alpha-premultiplied colour (no dark fringes where data meets no-data, smooth above
the native zoom); categorical fields are sampled nearest, so classes never blend. Pixel centres follow GDAL's
convention (source pixel i covers [i, i+1), its centre is i + 0.5), which keeps nearest tiles identical to a
GDAL/rio-tiler read of the same level.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from twf.api.raster_cache import LevelGeometry
from twf.api.webmercator import Bounds

Resampling = Literal["bilinear", "nearest"]


def _source_coords(first_centre: float, step: float, size: int, origin: float, res: float) -> np.ndarray:
    """Continuous source coordinates (pixels from the level's edge) of `size` output pixel centres.

    `step` and `res` are signed along the axis (negative for rows, which run south).
    """
    return (first_centre + np.arange(size, dtype=np.float64) * step - origin) / res


def _nearest(coords: np.ndarray, extent: int) -> np.ndarray:
    return np.clip(np.floor(coords).astype(np.int64), 0, extent - 1)


def _bilinear(coords: np.ndarray, extent: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Lower and upper neighbour indices (edge-replicated) and the weight of the upper one."""
    f = coords - 0.5
    lower = np.floor(f)
    weight = (f - lower).astype(np.float32)
    i0 = lower.astype(np.int64)
    return np.clip(i0, 0, extent - 1), np.clip(i0 + 1, 0, extent - 1), weight


def premultiply(rgba: np.ndarray) -> np.ndarray:
    """Colour scaled by alpha, done once per decoded level so interpolation never mixes in no-data colour.

    Built frames are opaque where they have data and empty elsewhere; then only the empty pixels change
    (colour to 0), which costs a tenth of the general scaling of a 4.3 M pixel level.
    """
    if not ((rgba[..., 3] - np.uint8(1)) < 254).any():  # uint8 wrap: only alphas 1..254 pass
        packed = np.ascontiguousarray(rgba).view(np.uint32)  # little-endian RGBA: alpha is the top byte
        return np.where(packed >= 1 << 24, packed, np.uint32(0)).view(np.uint8)
    alpha = rgba[..., 3:4].astype(np.uint16)
    out = rgba.copy()
    out[..., :3] = (rgba[..., :3] * alpha + 127) // 255
    return out


def _unpremultiply(tile: np.ndarray) -> np.ndarray:
    """Back to straight alpha; only partly transparent pixels change (opaque and empty ones are exact)."""
    alpha = tile[..., 3]
    if not ((alpha - np.uint8(1)) < 254).any():  # uint8 wrap: 0 → 255 and 255 → 254, so only 1..254 pass
        return tile
    partial = (alpha > 0) & (alpha < 255)
    a = alpha[partial].astype(np.float32)[:, None]
    tile[partial, :3] = np.minimum(tile[partial, :3] * (255.0 / a) + 0.5, 255.0).astype(np.uint8)
    return tile


def _lerp(a: np.ndarray, b: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """a + (b - a) * weight, in place in `a`."""
    b -= a
    b *= weight
    a += b
    return a


def _bilinear_window(window: np.ndarray, ys: tuple, xs: tuple) -> np.ndarray:
    """Separable bilinear interpolation of a (h, w, 4) uint8 window onto the (ys × xs) output grid."""
    y0, y1, wy = ys
    x0, x1, wx = xs
    src = window.astype(np.float32)
    rows = _lerp(np.take(src, y0, axis=0), np.take(src, y1, axis=0), wy[:, None, None])
    out = _lerp(np.take(rows, x0, axis=1), np.take(rows, x1, axis=1), wx[None, :, None])
    out += 0.5
    return out.astype(np.uint8)


def _nearest_window(array: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Gather whole pixels as uint32 (one RGBA pixel each): 3-4× faster than indexing a 3-D array."""
    packed = array.view(np.uint32).reshape(array.shape[:2])
    gathered = np.take(np.take(packed, rows, axis=0), cols, axis=1)
    return gathered.view(np.uint8).reshape(len(rows), len(cols), 4)


def render_rgba(array: np.ndarray, geom: LevelGeometry, bounds: Bounds, size: int,
                resampling: Resampling, height: int | None = None,
                origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """The (size, size, 4) uint8 tile of `bounds` from a `premultiply`-ed level (`height` rows instead of
    `size` for a window that is not square, e.g. an exported frame); outside the level: transparent.

    `array` is the level, or a window of it starting at pixel `origin` (row, col) that holds every pixel the
    tile reads (`block_cache`): indices are taken in the level's grid, so both render the same bytes."""
    rows = height or size
    row0, col0 = origin
    step_x = (bounds.right - bounds.left) / size
    step_y = (bounds.top - bounds.bottom) / rows
    u = _source_coords(bounds.left + step_x / 2, step_x, size, geom.left, geom.res_x)
    v = _source_coords(bounds.top - step_y / 2, -step_y, rows, geom.top, -geom.res_y)
    inside_x = (u >= 0) & (u < geom.width)
    inside_y = (v >= 0) & (v < geom.height)
    if resampling == "nearest":
        tile = _nearest_window(array, _nearest(v, geom.height) - row0, _nearest(u, geom.width) - col0)
    else:
        y0, y1, wy = _bilinear(v, geom.height)
        x0, x1, wx = _bilinear(u, geom.width)
        r0, r1, c0, c1 = int(y0.min()), int(y1.max()), int(x0.min()), int(x1.max())
        window = array[r0 - row0:r1 - row0 + 1, c0 - col0:c1 - col0 + 1]
        tile = _bilinear_window(window, (y0 - r0, y1 - r0, wy), (x0 - c0, x1 - c0, wx))
    _unpremultiply(tile)
    if not inside_y.all():
        tile[~inside_y] = 0
    if not inside_x.all():
        tile[:, ~inside_x] = 0
    return tile
