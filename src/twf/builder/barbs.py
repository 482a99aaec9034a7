"""Wind barbs: the earth-relative wind at thinned points of the display grid → an EPSG:4326 GeoJSON
FeatureCollection of points, each with the first zoom it is drawn at.

Thinning per zoom band: the points of band z (`BARB_ZOOMS`) lie on a square lattice of EPSG:3857 metres
whose spacing is BARB_SPACING_PX screen pixels at zoom z (a MapLibre map at zoom z shows
`METRES_PER_PX_Z0 / 2**z` metres per pixel), anchored at 0 so each band's lattice holds the coarser ones'
points: zooming in adds barbs between the ones on screen, never moves them. Each point keeps the coarsest band
it belongs to as `zoom`; the viewer draws a point from that zoom on. Past the finest band the spacing on
screen grows (the finest band is what a 3 km model resolves at the map's usual zooms, and keeps the file near
300 KB on CONUS).

Values: the native field's wind is made earth-relative first (Lambert grids of HRRR and NAM carry it along
the grid's axes: rotated by the grid's convergence, `twf.builder.geometry.to_earth`), then read at each point
bilinearly on the native grid (components, never directions, are interpolated). `dir` is where the wind
blows from, degrees clockwise from true north; `kt` its speed in knots. Points outside the native grid, or
where a component is missing, get no barb.
"""

from __future__ import annotations

import numpy as np
from pyproj import CRS, Transformer

from twf.builder.contours import COORD_DECIMALS
from twf.builder.geometry import geometry, to_earth
from twf.grid import MERCATOR_RADIUS_M, CanonicalGrid
from twf.models.base import NativeGrid

METRES_PER_PX_Z0 = 2 * np.pi * MERCATOR_RADIUS_M / 512  # MapLibre's 512 px world at zoom 0
BARB_SPACING_PX = 64
BARB_ZOOMS = (3, 4, 5, 6)
MPS_TO_KNOTS = 3600 / 1852


def lattice(grid: CanonicalGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """EPSG:3857 x, y of every barb point inside `grid`'s extent, and the first zoom each is drawn at."""
    finest = BARB_SPACING_PX * METRES_PER_PX_Z0 / 2 ** BARB_ZOOMS[-1]
    left, bottom, right, top = grid.bounds
    i = np.arange(np.ceil(left / finest), np.floor(right / finest) + 1).astype(np.int64)
    j = np.arange(np.ceil(bottom / finest), np.floor(top / finest) + 1).astype(np.int64)
    ii, jj = np.meshgrid(i, j)
    zoom = np.full(ii.shape, BARB_ZOOMS[-1], dtype=np.int64)
    for z in reversed(BARB_ZOOMS[:-1]):
        step = 2 ** (BARB_ZOOMS[-1] - z)
        zoom[(ii % step == 0) & (jj % step == 0)] = z
    return (ii * finest).ravel(), (jj * finest).ravel(), zoom.ravel()


def _bilinear(field: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`field` at fractional cell-centre coordinates; NaN outside the grid or next to a missing cell."""
    height, width = field.shape
    c0, r0 = np.floor(cols).astype(np.intp), np.floor(rows).astype(np.intp)
    inside = (c0 >= 0) & (r0 >= 0) & (c0 < width - 1) & (r0 < height - 1)
    c0, r0 = np.where(inside, c0, 0), np.where(inside, r0, 0)
    fc, fr = cols - c0, rows - r0
    top = field[r0, c0] * (1 - fc) + field[r0, c0 + 1] * fc
    bottom = field[r0 + 1, c0] * (1 - fc) + field[r0 + 1, c0 + 1] * fc
    return np.where(inside, top * (1 - fr) + bottom * fr, np.nan)


def _native_cells(native: NativeGrid, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fractional column and row (cell centres at whole numbers) of lon/lat on the native grid."""
    crs = CRS.from_proj4(native.crs)
    if crs.is_geographic:
        x, y = lon, lat
    else:
        x, y = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True).transform(lon, lat)
    a, _, c, _, e, f = native.transform
    return (np.asarray(x) - c) / a - 0.5, (np.asarray(y) - f) / e - 0.5


def barbs(u: np.ndarray, v: np.ndarray, native: NativeGrid, grid: CanonicalGrid) -> dict:
    """The barbs of the native wind (u, v) (m/s, along the grid's axes where `native.grid_relative_winds`,
    else east/north), on the lattice of `grid`'s extent."""
    if native.grid_relative_winds:
        u, v = to_earth(u, v, geometry(native))
    x, y, zoom = lattice(grid)
    lon = np.degrees(x / MERCATOR_RADIUS_M)
    lat = np.degrees(np.arctan(np.sinh(y / MERCATOR_RADIUS_M)))
    cols, rows = _native_cells(native, lon, lat)
    east, north = _bilinear(u, cols, rows), _bilinear(v, cols, rows)
    keep = np.isfinite(east) & np.isfinite(north)
    east, north, zoom = east[keep], north[keep], zoom[keep]
    speed = np.hypot(east, north) * MPS_TO_KNOTS
    direction = np.degrees(np.arctan2(-east, -north)) % 360.0  # where it blows from
    coordinates = np.round(np.column_stack([lon[keep], lat[keep]]), COORD_DECIMALS)
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"dir": round(float(d)) % 360, "kt": round(float(s), 1), "zoom": int(z)},
         "geometry": {"type": "Point", "coordinates": coordinates[i]}}
        for i, (d, s, z) in enumerate(zip(direction, speed, zoom, strict=True))]}
