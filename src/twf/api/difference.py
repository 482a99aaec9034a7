"""The one difference operator: A − B of two frames' value grids, on the coarser of the two grids.

Every model's value grid covers the canonical extent from the same origin, so the grids differ only in cell
size (12 km HRRR/NAM, 10 km NBM, 36 km GFS). The finer field is block-averaged onto the coarser grid
(GDAL's `average`, which leaves no-data cells out): a difference never claims more detail than its coarser
input has. The result is colourised once on the pair's diverging palette (`palettes.DIFFERENCE_PALETTES`),
through the same colouring as the builder's RGBA frames, so a difference tile is an ordinary tile of it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from affine import Affine
from rasterio.warp import Resampling, reproject

from twf.api.raster_cache import Level, LevelGeometry
from twf.api.tile_render import premultiply
from twf.api.webmercator import Bounds
from twf.builder.colorize import colorize
from twf.errors import NotComparable
from twf.grid import CRS
from twf.models.base import VarSpec
from twf.palettes import Palette, get_palette


@dataclass(frozen=True)
class Difference:
    """A − B on one grid: both inputs as resampled (a sample reads them), and the colourised difference."""

    geometry: LevelGeometry
    a: np.ndarray  # (h, w) float32, NaN where A has no data
    b: np.ndarray
    rgba: np.ndarray  # (h, w, 4) uint8, premultiplied (what `tile_render.render_rgba` reads)
    defined: np.ndarray  # (h, w) bool: where A − B is defined (both sides have data)

    @property
    def nbytes(self) -> int:
        return self.a.nbytes + self.b.nbytes + self.rgba.nbytes + self.defined.nbytes

    def covers(self, bounds: Bounds) -> bool:
        """Whether any cell touching `bounds` (EPSG:3857) has a difference: else its tile is empty (204)."""
        g = self.geometry
        c0 = max(int((bounds.left - g.left) // g.res_x), 0)
        c1 = min(int(-((g.left - bounds.right) // g.res_x)), g.width)
        r0 = max(int((g.top - bounds.top) // g.res_y), 0)
        r1 = min(int(-((bounds.bottom - g.top) // g.res_y)), g.height)
        return c0 < c1 and r0 < r1 and bool(self.defined[r0:r1, c0:c1].any())


def difference_palette(a: VarSpec, b: VarSpec) -> Palette:
    """The diverging palette of A − B; NotComparable unless both are fields of one quantity (same units and
    difference scale: tmp2m of two models, or tmp2m and dp2m) that has a difference map at all."""
    palette_a, palette_b = get_palette(a.palette), get_palette(b.palette)
    if palette_a.difference is None:
        raise NotComparable(f"{a.name} ({a.kind}, {palette_a.name}) has no difference map")
    if palette_a.difference != palette_b.difference or a.units != b.units:
        raise NotComparable(f"{a.name} ({a.units}) and {b.name} ({b.units}) are not the same quantity")
    return get_palette(palette_a.difference)


def _transform(geom: LevelGeometry) -> Affine:
    return Affine(geom.res_x, 0.0, geom.left, 0.0, -geom.res_y, geom.top)


def onto(level: Level, target: LevelGeometry) -> np.ndarray:
    """`level`'s values on `target` (a grid at least as coarse, same extent): as they are when the grids are
    one, else the mean of the finer cells each coarse cell covers."""
    if level.geometry == target:
        return level.array
    out = np.full((target.height, target.width), np.nan, np.float32)
    reproject(level.array, out, src_transform=_transform(level.geometry), src_crs=CRS, src_nodata=np.nan,
              dst_transform=_transform(target), dst_crs=CRS, dst_nodata=np.nan, resampling=Resampling.average)
    return out


def difference(a: Level, b: Level, palette: Palette) -> Difference:
    """A − B on the coarser of the two value grids, colourised on `palette`."""
    coarser = max(a.geometry, b.geometry, key=lambda g: g.res_x)
    target = dataclasses.replace(coarser, index=0)
    a_values, b_values = onto(a, target), onto(b, target)
    delta = a_values - b_values
    rgba = premultiply(np.ascontiguousarray(colorize(delta, palette).transpose(1, 2, 0)))
    return Difference(target, a_values, b_values, rgba, np.isfinite(delta))
