"""One HRRR frame, built by `twf build-frame` vs the reference a user would script instead.

Reference (per frame): `rio warp` of the GRIB2 file to the same canonical grid (EPSG:3857, same bounds and
resolution, bilinear), then `rio cogeo create` of the wanted band: one float COG, no colours, no value grid,
no overlays. Ours writes the RGBA COG, the 4x value COG, the sidecar and (tmp2m) the isotherms, and validates
them. Both run as fresh processes (imports included), interleaved, wall time median of REPEATS (with the
spread of ours: the machine is shared); peak RSS from wait4.
The in-process figure is what the scheduler pays per frame once imports and GDAL/PROJ are warm.

    .venv/bin/python -m bench builder
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from twf.models import get_model
from twf.synthetic.samples import samples_root

SAMPLES = samples_root() / "hrrr" / "20260129_17z"
BIN = Path(sys.executable).parent
REPEATS = 7
RUN = "20260129_17z"
# (variable, sample file, band of the wanted message in that file, target in seconds)
FRAMES = (
    ("tmp2m", "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", 1, 1.5),
    ("refc", "hrrr.t17z.wrfsfcf01.refc-prate.grib2", 1, 0.8),
)


def _timed(cmd: list[str]) -> tuple[float, int, float]:
    """(wall seconds, peak RSS in MB, CPU seconds) of one child process. CPU time barely depends on what
    else the machine runs, so it is printed beside the wall time."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def _ours(var: str, grib: Path, out: Path) -> tuple[float, int, float]:
    return _timed([str(BIN / "twf"), "build-frame", "--model", "hrrr", "--run", RUN, "--var", var,
                   "--fh", "1", "--grib", str(grib), "--out", str(out)])


def _reference(grib: Path, band: int, work: Path) -> tuple[float, int, float]:
    grid = get_model("hrrr").grid
    warped, cog = work / "warped.tif", work / "ref.cog.tif"
    left, bottom, right, top = grid.bounds
    wall_warp, rss_warp, cpu_warp = _timed([
        str(BIN / "rio"), "warp", str(grib), str(warped), "--overwrite", "--dst-crs", grid.crs,
        "--dst-bounds", str(left), str(bottom), str(right), str(top), "--res", str(grid.resolution_m),
        "--resampling", "bilinear"])
    wall_cog, rss_cog, cpu_cog = _timed([str(BIN / "rio"), "cogeo", "create", str(warped), str(cog),
                                "--bidx", str(band), "--overview-resampling", "average", "--quiet"])
    return wall_warp + wall_cog, max(rss_warp, rss_cog), cpu_warp + cpu_cog


def _in_process(var: str, grib: Path, out: Path) -> tuple[float, dict]:
    from twf.builder.pipeline import build_frame
    from twf.storage import LocalStore

    storage = LocalStore(out)
    build_frame("hrrr", RUN, var, 1, [grib], storage)  # warm-up: imports, GDAL/PROJ initialisation
    walls, timings = [], {}
    for _ in range(REPEATS):
        start = time.perf_counter()
        built = build_frame("hrrr", RUN, var, 1, [grib], storage)
        walls.append(time.perf_counter() - start)
        timings = built.timings
    return statistics.median(walls), timings


def main() -> None:
    if not SAMPLES.is_dir():
        print(f"skipped: real HRRR samples not found at {SAMPLES}")
        return
    work = Path(tempfile.mkdtemp(prefix="bench-builder-"))
    try:
        print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        print(f"{'frame':<14}{'ours CLI s':>11}{'(min-max)':>12}{'target':>8}{'ref CLI s':>11}"
              f"{'ref/ours':>10}{'ours CPU s':>11}{'ref CPU s':>10}{'ours RSS MB':>13}{'ref RSS MB':>12}"
              f"{'in-process s':>14}")
        for var, name, band, target in FRAMES:
            grib = SAMPLES / name
            ours, ref = [], []
            for _ in range(REPEATS):  # interleaved, so a change in the machine's load hits both alike
                ours.append(_ours(var, grib, work / "ours"))
                ref.append(_reference(grib, band, work))
            ours_wall, ref_wall = (statistics.median(w for w, _, _ in runs) for runs in (ours, ref))
            ours_cpu, ref_cpu = (statistics.median(c for _, _, c in runs) for runs in (ours, ref))
            warm, steps = _in_process(var, grib, work / "warm")
            ratio = ref_wall / ours_wall
            spread = f"{min(w for w, _, _ in ours):.2f}-{max(w for w, _, _ in ours):.2f}"
            print(f"hrrr {var:<9}{ours_wall:>11.2f}{spread:>12}{target:>8.1f}{ref_wall:>11.2f}{ratio:>9.2f}x"
                  f"{ours_cpu:>11.2f}{ref_cpu:>10.2f}"
                  f"{max(r for _, r, _ in ours):>13}{max(r for _, r, _ in ref):>12}{warm:>14.2f}")
            print(f"   in-process steps (s): {steps}")
        print(f"median of {REPEATS} runs each; ours: RGBA COG + value COG + sidecar (+ isotherms for tmp2m), "
              "validated; ref: rio warp + rio cogeo create of one float band")
        print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
