"""Web-mercator (EPSG:3857) tile matrix and lon/lat → metres: the geometry of tile and sample requests."""

from __future__ import annotations

import math
from typing import NamedTuple

from twf.errors import InvalidParameter
from twf.grid import MERCATOR_RADIUS_M

# The tile matrix spans ±π·a in both axes.
ORIGIN_SHIFT_M = math.pi * MERCATOR_RADIUS_M
MAX_ZOOM = 24  # 2 cm pixels: far past anything a weather field needs, still a valid tile matrix
MAX_LAT = 85.0511287798066  # where the square tile matrix ends


class Bounds(NamedTuple):
    left: float
    bottom: float
    right: float
    top: float

    def intersects(self, other: tuple[float, float, float, float]) -> bool:
        left, bottom, right, top = other
        return self.left < right and self.right > left and self.bottom < top and self.top > bottom


def tile_bounds(z: int, x: int, y: int) -> Bounds:
    """Bounds in metres of tile (z, x, y); InvalidParameter when it is outside the tile matrix."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidParameter(f"zoom {z} is outside 0..{MAX_ZOOM}")
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise InvalidParameter(f"tile {z}/{x}/{y} is outside the tile matrix (x and y must be in 0..{n - 1})")
    size = 2 * ORIGIN_SHIFT_M / n
    left = -ORIGIN_SHIFT_M + x * size
    top = ORIGIN_SHIFT_M - y * size
    return Bounds(left, top - size, left + size, top)


def lonlat_to_mercator(lon: float, lat: float) -> tuple[float, float]:
    """Spherical mercator metres; InvalidParameter for values that are not finite or out of range."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidParameter("lat and lon must be finite numbers")
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise InvalidParameter(f"lat {lat} / lon {lon} out of range (lat -90..90, lon -180..180)")
    clamped = max(-MAX_LAT, min(MAX_LAT, lat))
    x = math.radians(lon) * MERCATOR_RADIUS_M
    y = math.log(math.tan(math.pi / 4 + math.radians(clamped) / 2)) * MERCATOR_RADIUS_M
    return x, y
