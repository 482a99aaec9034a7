"""The canonical CONUS grid: one EPSG:3857 extent that every model's frames share.

Every built raster is checked against `CanonicalGrid.check`; drift fails the build (plan safeguard 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from affine import Affine

from twf.errors import GridDrift

CRS = "EPSG:3857"
# EPSG:3857 is spherical Mercator on the WGS84 semi-major axis.
MERCATOR_RADIUS_M = 6_378_137.0

# Value COGs (hover) are exactly this many times coarser than the display grid, with the same origin.
VALUE_DOWNSAMPLE = 4

# The HRRR domain (the largest CONUS domain we serve: lon -134.12..-60.89, lat 21.12..52.63) projects to
# x -14,930,329..-6,778,382 and y 2,406,455..6,914,590 in EPSG:3857. We snap outward to multiples of
# 180,000 m: the least common multiple of every value-grid cell size (12,000 for 3 km, 10,000 for NBM's
# 2.5 km, 36,000 for GFS's 9 km), so every display and value grid starts and ends on a whole pixel.
GRID_SNAP_M = 180_000
CONUS_BOUNDS_3857 = (-14_940_000.0, 2_340_000.0, -6_660_000.0, 7_020_000.0)  # (left, bottom, right, top)
# The same box in lon/lat, for viewers and out-of-bounds checks.
CONUS_BOUNDS_4326 = (-134.2083, 20.5643, -59.8278, 53.1996)


@dataclass(frozen=True)
class CanonicalGrid:
    """A north-up EPSG:3857 grid over `CONUS_BOUNDS_3857` at one resolution, target-aligned (`-tap`)."""

    resolution_m: float

    @property
    def crs(self) -> str:
        return CRS

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return CONUS_BOUNDS_3857

    @cached_property
    def transform(self) -> Affine:
        left, _, _, top = CONUS_BOUNDS_3857
        return Affine(self.resolution_m, 0.0, left, 0.0, -self.resolution_m, top)

    @cached_property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        left, bottom, right, top = CONUS_BOUNDS_3857
        return (round((top - bottom) / self.resolution_m), round((right - left) / self.resolution_m))

    def downsampled(self, factor: int = VALUE_DOWNSAMPLE) -> CanonicalGrid:
        return CanonicalGrid(self.resolution_m * factor)

    def check(self, crs: object, transform: Affine, shape: tuple[int, int], what: str) -> None:
        """Raise GridDrift unless (crs, transform, shape) is exactly this grid."""
        crs_text = str(crs)
        if crs_text.upper() != CRS and "3857" not in crs_text:
            raise GridDrift(f"{what}: CRS {crs_text} is not {CRS}")
        if tuple(shape) != self.shape:
            raise GridDrift(f"{what}: shape {tuple(shape)} is not the canonical {self.shape}")
        if not transform.almost_equals(self.transform, precision=1e-6):
            raise GridDrift(
                f"{what}: transform {tuple(transform)[:6]} is not the canonical {tuple(self.transform)[:6]}"
            )

    def as_json(self) -> dict:
        return {"crs": CRS, "transform": list(self.transform)[:6], "shape": list(self.shape)}
