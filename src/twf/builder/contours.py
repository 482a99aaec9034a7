"""Isolines of a full-resolution display field → an EPSG:4326 GeoJSON FeatureCollection (the isotherms,
isobars and height lines of `twf.models.base.Isolines`).

Why each step (CPU seconds on the 4.3 M pixel HRRR tmp2m frame, 49 levels at 2 °F; ~0.25 s in all):
- A smooth field (pressure, heights) is drawn on a grid `Isolines.downsample` times coarser than the display
  (`working_grid`; the caller averages or warps the field to it): 6 km is finer than anything such lines
  show, and it quarters the smoothing and tiling (isobars on HRRR: 0.3 s → 0.1) and an overlay field's warp.
  Pixel sizes below (simplification, speckle) are then of that coarser grid.
- Gaussian smoothing (sigma ~1.5 display pixels) removes the 3 km stair-steps so lines read cleanly at zoom
  4-8; it is NaN-aware (normalised convolution): the domain edge neither spreads NaN nor bends lines (0.05).
- The grid is contoured in 128 px tiles, each only for the levels inside its own value range: a tile spans
  under 400 km, so most of 49 levels skip most tiles (0.14 instead of 0.9 for whole-grid passes; 64 to
  256 px tiles cost about the same). Neighbouring tiles share a row/column, so line pieces meet exactly at
  tile edges.
- Lines are simplified (Douglas-Peucker, a quarter display pixel) in one vectorised shapely call; kept
  vertices are original ones, so every vertex still lies on its level in the smoothed field (0.06). Small
  closed rings (`MIN_RING_PX`) are dropped as speckle.
"""

from __future__ import annotations

import contourpy
import numpy as np
import orjson
import shapely

from twf.builder.smoothing import smooth
from twf.grid import MERCATOR_RADIUS_M, CanonicalGrid
from twf.models.base import Isolines

TILE_PX = 128
SIMPLIFY_PX = 0.25
COORD_DECIMALS = 4  # 11 m at the equator: well below a display pixel at zoom 8
# Closed rings shorter than this (display pixels: 60 km on a 3 km grid, ~20 km across) are terrain speckle
# that clutters the map at zoom 4-8 without telling anything; open lines are kept whatever their length, so
# pieces cut at tile edges never leave gaps.
MIN_RING_PX = 20.0


def contour_levels(field: np.ndarray, interval: float) -> np.ndarray:
    """Multiples of `interval` inside the field's range (empty for an all-NaN field)."""
    if not np.isfinite(field).any():
        return np.empty(0)
    lo, hi = float(np.nanmin(field)), float(np.nanmax(field))
    return np.arange(np.ceil(lo / interval) * interval, hi + interval * 1e-9, interval)


def _generator(tile: np.ndarray, x: np.ndarray, y: np.ndarray) -> contourpy.SerialContourGenerator:
    """contourpy's serial generator built directly, as `contourpy.contour_generator(x, y, tile,
    name="serial", line_type="ChunkCombinedOffset")` would, minus its per-call masked-array checks (a third
    of the tiling cost)."""
    height, width = tile.shape
    z = tile.astype(np.float64)
    mask = np.isnan(z)
    return contourpy.SerialContourGenerator(
        x, y, z, mask if mask.any() else None,
        corner_mask=True, line_type=contourpy.LineType.ChunkCombinedOffset,
        fill_type=contourpy.FillType.OuterOffset, quad_as_tri=False, z_interp=contourpy.ZInterp.Linear,
        x_chunk_size=width - 1, y_chunk_size=height - 1)


def _tile_lines(field: np.ndarray, levels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All line pieces as (points in pixel x/y, line id per point, level per line).

    Per tile and level only the arrays contourpy returns are kept; offsets become line ids in one pass at
    the end (per-level numpy calls were a fifth of the tiling cost)."""
    points, offsets, line_levels, line_counts = [], [], [], []
    height, width = field.shape
    local = np.arange(TILE_PX + 1, dtype=np.float64)
    for r0 in range(0, height - 1, TILE_PX):
        for c0 in range(0, width - 1, TILE_PX):
            tile = field[r0:r0 + TILE_PX + 1, c0:c0 + TILE_PX + 1]
            lo, hi = np.fmin.reduce(tile, axis=None), np.fmax.reduce(tile, axis=None)
            if not lo <= hi:  # all NaN
                continue
            inside = levels[(levels >= lo) & (levels <= hi)]
            if inside.size == 0:
                continue
            x, y = np.meshgrid(local[:tile.shape[1]] + c0, local[:tile.shape[0]] + r0)
            for level, (chunk_points, chunk_offsets) in zip(
                    inside, _generator(tile, x, y).multi_lines(inside), strict=True):
                if chunk_points[0] is not None:
                    points.append(chunk_points[0])
                    offsets.append(chunk_offsets[0])
                    line_levels.append(level)
                    line_counts.append(len(chunk_offsets[0]) - 1)
    if not points:
        return np.empty((0, 2)), np.empty(0, dtype=np.intp), np.empty(0)
    # Each offsets array starts at 0 and ends at its point count: the differences inside the arrays are
    # the line lengths, those across two arrays (at each array's last entry) are not lines.
    all_offsets = np.concatenate(offsets)
    boundaries = np.cumsum([len(o) for o in offsets])[:-1] - 1
    lengths = np.delete(np.diff(all_offsets), boundaries)
    line_ids = np.repeat(np.arange(len(lengths)), lengths)
    return np.concatenate(points), line_ids, np.repeat(line_levels, line_counts)


def working_grid(grid: CanonicalGrid, spec: Isolines) -> CanonicalGrid:
    """The grid `spec`'s lines are drawn on: the display `grid`, `spec.downsample` times coarser."""
    return grid.downsampled(spec.downsample) if spec.downsample > 1 else grid


def isolines(field: np.ndarray, grid: CanonicalGrid, spec: Isolines) -> dict:
    """The GeoJSON FeatureCollection of `spec`'s isolines of `field` (display units, on `grid`: the working
    grid of `spec`, `working_grid`).

    One MultiLineString feature per level, with `value`, `major` (the levels in `spec.marked`) and `label`
    (the value and `spec.suffix`: "32°", "564"). Each line's coordinates are a (n, 2) numpy view, serialised
    directly by `dumps` (no per-point Python floats).
    """
    smoothed = smooth(field, spec.smoothing_sigma_px / spec.downsample)
    points, line_ids, line_levels = _tile_lines(smoothed, contour_levels(smoothed, spec.interval))
    features: list[dict] = []
    if len(points):
        lines = shapely.simplify(shapely.linestrings(points, indices=line_ids), SIMPLIFY_PX,
                                 preserve_topology=False)
        ends = shapely.distance(shapely.get_point(lines, 0), shapely.get_point(lines, -1))
        # A small loop across a tile edge leaves two arcs whose ends nearly meet: rings too.
        speckle = (ends < 0.5) & (shapely.length(lines) < MIN_RING_PX)
        lines, line_levels = lines[~speckle], line_levels[~speckle]
        coords, index = shapely.get_coordinates(lines, return_index=True)
        lonlat = pixels_to_lonlat(coords, grid)
        starts = np.flatnonzero(np.r_[True, np.diff(index) != 0])
        ends = np.r_[starts[1:], len(index)]
        keep = ends - starts >= 2  # a ring simplified to nothing leaves fewer than two positions
        starts, ends = starts[keep], ends[keep]
        level_of_line = line_levels[index[starts]]
        for level in np.unique(level_of_line):
            members = np.flatnonzero(level_of_line == level)
            features.append({
                "type": "Feature",
                "properties": {"value": float(level), "major": bool(np.isin(level, spec.marked)),
                               "label": f"{float(level) + 0.0:g}{spec.suffix}"},  # + 0.0: never "-0"
                "geometry": {"type": "MultiLineString",
                             "coordinates": [lonlat[starts[i]:ends[i]] for i in members]},
            })
    return {"type": "FeatureCollection", "features": features}


# EPSG:3857's inverse is closed-form, exact and ~25x cheaper than a pyproj transformer, whose import alone
# costs ~0.1 CPU-s of a one-shot CLI build.


def pixels_to_lonlat(coords: np.ndarray, grid: CanonicalGrid) -> np.ndarray:
    """(column, row) positions of the display grid, pixel centres at whole numbers (contourpy's x/y) →
    lon/lat rounded to COORD_DECIMALS."""
    t = grid.transform
    x = t.c + (coords[:, 0] + 0.5) * t.a
    y = t.f + (coords[:, 1] + 0.5) * t.e
    lon = np.degrees(x / MERCATOR_RADIUS_M)
    lat = np.degrees(np.arctan(np.sinh(y / MERCATOR_RADIUS_M)))
    return np.round(np.column_stack([lon, lat]), COORD_DECIMALS)


def dumps(collection: dict) -> bytes:
    """Compact GeoJSON bytes; orjson writes the numpy coordinate arrays ~10x faster than `json` + tolist."""
    return orjson.dumps(collection, option=orjson.OPT_SERIALIZE_NUMPY)
