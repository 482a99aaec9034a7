"""Values under points for every route that reads them (sample, sample/batch, series): one stencil, one blend.

Continuous fields interpolate bilinearly between the four surrounding value-grid centres (no-data neighbours
are left out and the weights renormalised); categorical fields take the nearest cell, so a class code is never
averaged. Outside the grid or on no-data there is no value.

The stencil (which cells, with which weights) depends only on the point and the grid, so it is computed once
and applied to any stack of values per cell: one frame (a sample), many points of one frame (a batch), or
every forecast hour of one point (a series). The blend is the same float64 arithmetic in the same order
whatever the stack, so a series or batch value is the sample's value bit for bit.

Class-coded variables (radar_ptype: family x 100 + dBZ; ptype_rate: family x 100 + in/h) read as the
intensity and the precipitation type, never the stored code.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twf.api.raster_cache import LevelGeometry
from twf.api.webmercator import lonlat_to_mercator
from twf.grid import CanonicalGrid
from twf.models.base import VarSpec
from twf.palettes import get_palette, ptype_of

DECIMALS = 3  # values are answered to 1/1000 of their unit: far below any model's precision


@dataclass(frozen=True)
class Stencil:
    """For P points: the 4 cells each reads (row, col) with their weights (0 for unused cells)."""

    rows: np.ndarray  # (P, 4) int
    cols: np.ndarray  # (P, 4) int
    weights: np.ndarray  # (P, 4) float64
    inside: np.ndarray  # (P,) bool: the point lies on the grid

    def cells(self, values: np.ndarray) -> np.ndarray:
        """The stencil's cells of one (h, w) grid: (P, 4)."""
        return values[self.rows, self.cols]


def grid_geometry(grid: CanonicalGrid) -> LevelGeometry:
    """The geometry of a full-resolution level on `grid` (what a value COG's level 0 is)."""
    t = grid.transform
    height, width = grid.shape
    return LevelGeometry(0, t.c, t.f, t.a, -t.e, width, height)


def mercator_points(points: Sequence[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lon) pairs → EPSG:3857 x and y arrays. Point by point through the one scalar projection, so a
    batch's coordinates are exactly a single sample's (InvalidParameter on a bad pair)."""
    xy = [lonlat_to_mercator(lon, lat) for lat, lon in points]
    return np.array([p[0] for p in xy], dtype=np.float64), np.array([p[1] for p in xy], dtype=np.float64)


def stencil(geom: LevelGeometry, xs: np.ndarray, ys: np.ndarray, method: str) -> Stencil:
    """Where points at EPSG:3857 (xs, ys) read on a grid of geometry `geom`."""
    u = (xs - geom.left) / geom.res_x
    v = (geom.top - ys) / geom.res_y
    inside = (u >= 0.0) & (u < geom.width) & (v >= 0.0) & (v < geom.height)
    if method == "nearest":
        r = np.floor(v).astype(np.int64)
        c = np.floor(u).astype(np.int64)
        rows = np.stack([r, r, r, r], axis=-1)
        cols = np.stack([c, c, c, c], axis=-1)
        weights = np.zeros(rows.shape, dtype=np.float64)
        weights[:, 0] = 1.0
    else:
        fu, fv = u - 0.5, v - 0.5
        c0, r0 = np.floor(fu), np.floor(fv)
        wu, wv = fu - c0, fv - r0
        r0, c0 = r0.astype(np.int64), c0.astype(np.int64)
        rows = np.stack([r0, r0, r0 + 1, r0 + 1], axis=-1)
        cols = np.stack([c0, c0 + 1, c0, c0 + 1], axis=-1)
        weights = np.stack([(1.0 - wv) * (1.0 - wu), (1.0 - wv) * wu, wv * (1.0 - wu), wv * wu], axis=-1)
    weights[~inside] = 0.0
    rows = np.clip(rows, 0, geom.height - 1)
    cols = np.clip(cols, 0, geom.width - 1)
    return Stencil(rows, cols, weights, inside)


def blend(cells: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted mean over the last axis (4 cells) of finite cells with a positive weight; NaN where none.

    `cells` is (..., 4) float32 and `weights` broadcasts to it; the sums run in float64, cell by cell in
    stencil order, so any stack gives every element exactly the same result.
    """
    values = cells.astype(np.float64)
    use = (weights > 0.0) & np.isfinite(values)
    total = np.where(use, weights * values, 0.0).sum(axis=-1)
    weight_sum = np.where(use, weights, 0.0).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(weight_sum > 0.0, total / np.where(weight_sum > 0.0, weight_sum, 1.0), np.nan)


def values_at(values: np.ndarray, geom: LevelGeometry, xs: np.ndarray, ys: np.ndarray,
              method: str) -> np.ndarray:
    """The values of one grid at P points (NaN outside the grid or on no-data)."""
    where = stencil(geom, xs, ys, method)
    return blend(where.cells(values), where.weights)


def value_at(values: np.ndarray, geom: LevelGeometry, x: float, y: float, method: str) -> float | None:
    """The value at EPSG:3857 (x, y), or None outside the grid or on no-data."""
    value = float(values_at(values, geom, np.array([x]), np.array([y]), method)[0])
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Reading:
    """What a user reads at a point: the value in the variable's units (the dBZ for class-coded variables)
    and, for class-coded variables, the precipitation type key and label."""

    value: float
    ptype: str | None = None
    ptype_label: str | None = None


def is_class_coded(var: VarSpec) -> bool:
    """Values are precipitation-type class codes (answered as dBZ + type)."""
    return get_palette(var.palette).class_coded


def reading(value: float, var: VarSpec) -> Reading:
    """A blended value → its reading, rounded to `DECIMALS` as `rounded` rounds."""
    if is_class_coded(var):
        decoded = ptype_of(value)
        return Reading(float(np.round(decoded.intensity, DECIMALS)), decoded.key, decoded.label)
    return Reading(float(np.round(value, DECIMALS)))


def readings(values: np.ndarray, var: VarSpec) -> list[Reading | None]:
    """`reading` of each value; None where the value is NaN (outside, no-data, not published)."""
    return [reading(v, var) if math.isfinite(v) else None for v in values.tolist()]


def rounded(values: np.ndarray) -> list[float]:
    """The `reading` values of a variable that is not class-coded, in one vectorised rounding (a series
    answers thousands; Python's `round` per value took a third of its time). NaN (outside, no-data, not
    published) stays NaN: `json_body` (orjson) writes it as null."""
    return np.round(values.astype(np.float64, copy=False), DECIMALS).tolist()
