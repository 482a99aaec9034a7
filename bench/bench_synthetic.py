"""Synthetic GRIB2: time to compute and write one forecast-hour file per model, median of 3.

Reference: writing the same messages as IEEE float32 (no packing), the fastest GDAL GRIB encoding, so the
table shows what complex packing costs in time and saves in size. Target: one HRRR file (~15 messages)
well under 2 s. `write cpu` is this process's CPU time, the figure that holds on a busy machine.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import rasterio
from rasterio.io import MemoryFile
from rasterio.shutil import copy as gdal_copy

from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import write_grib2

CASES = (("hrrr", "20260129_17z", 6), ("nam", "20260129_12z", 6), ("nbm", "20260129_17z", 6),
         ("gfs", "20260129_12z", 6))
REPEATS = 3


def _median_seconds(action) -> tuple[float, float, object]:
    """(median wall s, median CPU s of this process, result): CPU time shows the cost on a busy machine."""
    walls, cpus, result = [], [], None
    for _ in range(REPEATS):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _ieee_bytes(model, messages) -> int:
    """Reference: the same grid and values through GDAL's GRIB writer as unpacked IEEE float32."""
    grid = model.native_grid
    size = 0
    for m in messages:
        profile = {"driver": "GTiff", "width": grid.width, "height": grid.height, "count": 1,
                   "dtype": "float32", "crs": grid.crs, "transform": rasterio.Affine(*grid.transform)}
        with MemoryFile() as src_file, MemoryFile(ext=".grib2") as out:
            with src_file.open(**profile) as src:
                src.write(m.values.astype("float32"), 1)
                gdal_copy(src, out.name, driver="GRIB", DATA_ENCODING="IEEE_FLOATING_POINT")
            size += len(out.read())
    return size


def main() -> None:
    print(f"{'model':6} {'msgs':>4} {'weather s':>9} {'write s':>8} {'write cpu':>9} {'MB':>6} "
          f"{'ieee s':>7} {'ieee MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, run, fh in CASES:
            model, ref = get_model(name), parse_run_id(run)
            forecast_messages(model, ref, fh)  # warm: grid coordinates and run totals up to fh
            weather_s, _, messages = _median_seconds(lambda: forecast_messages(model, ref, fh))  # noqa: B023
            path = Path(tmp) / f"{name}.grib2"
            write_s, write_cpu, _ = _median_seconds(lambda: write_grib2(path, model, messages))  # noqa: B023
            ieee_s, _, ieee_size = _median_seconds(lambda: _ieee_bytes(model, messages))  # noqa: B023
            print(f"{name:6} {len(messages):>4} {weather_s:>9.2f} {write_s:>8.2f} {write_cpu:>9.2f} "
                  f"{path.stat().st_size / 1e6:>6.1f} {ieee_s:>7.2f} {ieee_size / 1e6:>8.1f}")
