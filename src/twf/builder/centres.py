"""High and low centres (H/L) of a display field → an EPSG:4326 GeoJSON FeatureCollection of labelled points.

The rule (`twf.models.base.Centres`, stated once): on the field averaged to the value grid (`VALUE_DOWNSAMPLE`
x the display cells: 12 km on HRRR, 36 km on GFS) and smoothed by `smoothing_km`, a point is a low when it is
the lowest of the field in the square of ±`radius_km` around it, and its value lies at least `min_depth`
below the mean of the field on the circle of `radius_km` around it (a high likewise: highest, and that much
above). The radius is so the least distance between two centres of one kind; the depth keeps the shallow
wiggles of a flat pressure field unlabelled. A centre whose circle leaves the field (the domain's edge, no
data) is not one: the field may go on falling beyond. Each centre is then placed on the extreme of the
full-resolution field within one value cell of it and labelled with that value, so the label is the
central pressure the shading shows there, not a smoothed one.

Distances are EPSG:3857 metres of the display grid (ground distance is that x cos(lat): 0.77 at 40N).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from twf.builder.contours import pixels_to_lonlat
from twf.builder.smoothing import smooth
from twf.builder.warp import block_mean
from twf.grid import VALUE_DOWNSAMPLE, CanonicalGrid
from twf.models.base import Centres

RING_POINTS = 32  # samples of the circle a centre's depth is measured against


def _extreme_filter(field: np.ndarray, radius: int, kind: Literal["H", "L"]) -> np.ndarray:
    """The maximum (H) or minimum (L) of the square of ±`radius` cells around each cell; NaN never wins."""
    from scipy.ndimage import maximum_filter, minimum_filter  # imported here: a build without centres

    if kind == "H":
        return maximum_filter(np.where(np.isnan(field), -np.inf, field), size=2 * radius + 1, mode="nearest")
    return minimum_filter(np.where(np.isnan(field), np.inf, field), size=2 * radius + 1, mode="nearest")


def _ring_means(field: np.ndarray, rows: np.ndarray, cols: np.ndarray, radius: float) -> np.ndarray:
    """The mean of `field` on the circle of `radius` cells around each (row, col); NaN where the circle
    leaves the grid or crosses a cell without data."""
    angles = np.linspace(0.0, 2.0 * np.pi, RING_POINTS, endpoint=False)
    ring_rows = np.rint(rows[:, None] + radius * np.sin(angles)).astype(np.intp)
    ring_cols = np.rint(cols[:, None] + radius * np.cos(angles)).astype(np.intp)
    height, width = field.shape
    inside = (ring_rows >= 0) & (ring_rows < height) & (ring_cols >= 0) & (ring_cols < width)
    values = field[np.clip(ring_rows, 0, height - 1), np.clip(ring_cols, 0, width - 1)]
    values = np.where(inside, values, np.nan)
    means = np.full(len(rows), np.nan)
    whole = np.isfinite(values).all(axis=1)
    means[whole] = values[whole].mean(axis=1)
    return means


def _suppress(rows: np.ndarray, cols: np.ndarray, order: np.ndarray, radius: int) -> list[int]:
    """Of candidates taken in `order` (most extreme first), those farther than `radius` cells (either axis)
    from every one kept before: a flat-topped extreme gives several equal cells, one centre."""
    kept: list[int] = []
    for i in order:
        if all(max(abs(rows[i] - rows[j]), abs(cols[i] - cols[j])) > radius for j in kept):
            kept.append(int(i))
    return kept


def _refine(full: np.ndarray, row: int, col: int, kind: Literal["H", "L"]) -> tuple[int, int]:
    """The full-resolution cell of the extreme inside the value cell (row, col) and its neighbours."""
    r0, c0 = max(0, (row - 1) * VALUE_DOWNSAMPLE), max(0, (col - 1) * VALUE_DOWNSAMPLE)
    window = full[r0:(row + 2) * VALUE_DOWNSAMPLE, c0:(col + 2) * VALUE_DOWNSAMPLE]
    pick = np.nanargmax if kind == "H" else np.nanargmin
    r, c = np.unravel_index(pick(window), window.shape)
    return r0 + int(r), c0 + int(c)


def find_centres(full: np.ndarray, grid: CanonicalGrid, spec: Centres) -> list[tuple[str, int, int, float]]:
    """(kind "H"/"L", display row, display column, value) of each centre of `full` (see the module)."""
    cell_m = grid.resolution_m * VALUE_DOWNSAMPLE
    work = smooth(block_mean(full, VALUE_DOWNSAMPLE), spec.smoothing_km * 1000.0 / cell_m)
    radius = max(1, round(spec.radius_km * 1000.0 / cell_m))
    found: list[tuple[str, int, int, float]] = []
    for kind, sign in (("H", 1.0), ("L", -1.0)):
        rows, cols = np.nonzero((work == _extreme_filter(work, radius, kind)) & np.isfinite(work))
        depth = sign * (work[rows, cols] - _ring_means(work, rows, cols, radius))
        deep = depth >= spec.min_depth  # NaN (a circle leaving the field) is never deep enough
        rows, cols = rows[deep], cols[deep]
        for i in _suppress(rows, cols, np.argsort(-sign * work[rows, cols], kind="stable"), radius):
            row, col = _refine(full, int(rows[i]), int(cols[i]), kind)
            found.append((kind, row, col, float(full[row, col])))
    return found


def centres(full: np.ndarray, grid: CanonicalGrid, spec: Centres) -> dict:
    """The GeoJSON FeatureCollection of the centres of `full` (display units, on `grid`): one Point each,
    with `kind` ("H" or "L"), `value` and `label` (the value to `spec.decimals`)."""
    found = find_centres(full, grid, spec)
    pixels = np.array([(col, row) for _, row, col, _ in found], dtype=np.float64).reshape(-1, 2)
    lonlat = pixels_to_lonlat(pixels, grid)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"kind": kind, "value": round(value, 2), "label": f"{value:.{spec.decimals}f}"},
         "geometry": {"type": "Point", "coordinates": lonlat[i]}}
        for i, (kind, _, _, value) in enumerate(found)]}
