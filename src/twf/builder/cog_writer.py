"""Arrays on a canonical grid → Cloud-Optimized GeoTIFFs (tiled, internal overviews, IFDs first), valid by
`rio cogeo validate`.

The raster and its overviews are assembled in an in-memory (MEM) dataset, then copied once into a tiled
GeoTIFF with `COPY_SRC_OVERVIEWS=YES`, which lays the file out as a COG. Each tile is compressed exactly once:
GDAL's COG driver instead writes the overviews to a compressed temporary file and re-reads them, which
costs ~1.7x the CPU on the HRRR RGBA frame (0.40 s vs 0.24 s, same file size).

The RGBA COG is what the tile server reads; its overviews average colours for continuous fields and pick the
nearest pixel for categorical ones, so zoomed-out ptype tiles never show blended, non-existent classes.
The value COG keeps float32 values in display units with NaN as nodata, for hover sampling.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from rasterio.enums import ColorInterp, Resampling
from rasterio.shutil import copy as gdal_copy

from twf.grid import CanonicalGrid

# ZSTD level 1 writes the HRRR RGBA COG ~2x faster than DEFLATE level 6 for files ~25% larger (5.1 MB vs
# 4.0 MB on real tmp2m); GDAL 3.10 in the rasterio wheels reads and writes it.
_COMPRESSION = {"compress": "ZSTD", "zstd_level": 1, "num_threads": 2, "bigtiff": "NO"}
RGBA_BLOCK = 512
VALUE_BLOCK = 256


def overview_factors(shape: tuple[int, int], block: int) -> list[int]:
    """Powers of two until the smallest overview fits in one tile (the COG driver's own rule)."""
    factors: list[int] = []
    size = max(shape)
    while size > block:
        factors.append(2 ** (len(factors) + 1))
        size = max(shape) / factors[-1]
    return factors


def _write_cog(path: Path, data: np.ndarray, grid: CanonicalGrid, block: int, resampling: Resampling,
               nodata: float | None = None, colorinterp: tuple[ColorInterp, ...] | None = None,
               **creation: object) -> None:
    """The MEM dataset takes the file's interleaving: a pixel-interleaved RGBA array is then written in with
    one copy and copied out tile by tile without regrouping the bands (~0.015 CPU-s less, same bytes)."""
    count, height, width = data.shape
    with rasterio.open("cog", "w", driver="MEM", width=width, height=height, count=count, dtype=data.dtype,
                       crs=grid.crs, transform=grid.transform, nodata=nodata,
                       interleave=creation.get("interleave", "band")) as mem:
        mem.write(data)
        if colorinterp:
            mem.colorinterp = colorinterp
        factors = overview_factors((height, width), block)
        if factors:
            mem.build_overviews(factors, resampling)
        gdal_copy(mem, path, driver="GTiff", copy_src_overviews=True, tiled=True, blockxsize=block,
                  blockysize=block, **_COMPRESSION, **creation)


def write_rgba_cog(path: Path, rgba: np.ndarray, grid: CanonicalGrid, categorical: bool) -> None:
    """4-band uint8 RGBA, pixel-interleaved; band 4 is alpha (0 = no data)."""
    _write_cog(path, rgba, grid, RGBA_BLOCK, Resampling.nearest if categorical else Resampling.average,
               colorinterp=(ColorInterp.red, ColorInterp.green, ColorInterp.blue, ColorInterp.alpha),
               interleave="pixel", photometric="RGB", alpha="UNASSOCIATED")


def write_value_cog(path: Path, values: np.ndarray, grid: CanonicalGrid, categorical: bool) -> None:
    """1-band float32 in display units, NaN nodata."""
    _write_cog(path, values.astype(np.float32, copy=False)[np.newaxis], grid, VALUE_BLOCK,
               Resampling.nearest if categorical else Resampling.average, nodata=float("nan"), predictor=3)
