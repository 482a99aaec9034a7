"""Build time of every HRRR variable, one frame each, in process (what a scheduler worker pays per frame once
imports and GDAL/PROJ are warm), against the targets of the catalogue issue: ≤ 1.0 s per frame, Kuchera
≤ 1.5 s. The reference row is tmp2m, the variable every release has built since the start.

Input: synthetic HRRR files on the real grid with every field of the catalogue (written once into the system
temp folder and reused): the 17z run f00-f06 and, for the 24 h windows, the 18z run's f00 and f24. Each
frame is built from its hour's whole file (~45 messages, as a scheduler's per-hour fetch holds them), at f06
(f024 for 24 h windows); Kuchera's running total is built f01-f05 first, so the timed f06 frame reads one
bucket and the f05 total, as in a run. Median of REPEATS builds, with the decode / derive+warp / write split
of the median run.

    .venv/bin/python -m bench catalogue
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from twf.builder.pipeline import build_frame
from twf.models import get_model
from twf.models.requirements import messages_for
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.mirror import forecast_file_path, write_mirror

MODEL = get_model("hrrr")
SHORT_RUN, LONG_RUN = "20260129_17z", "20260129_18z"
FH, LONG_FH = 6, 24
REPEATS = 3
TARGET_S, KUCHERA_TARGET_S = 1.0, 1.5
MIRROR = Path(tempfile.gettempdir()) / "twf-bench-catalogue-mirror"


def _mirror() -> Path:
    write_mirror(MIRROR, MODEL, parse_run_id(SHORT_RUN), range(FH + 1))
    write_mirror(MIRROR, MODEL, parse_run_id(LONG_RUN), (0, LONG_FH))
    return MIRROR


def _frame(var: str, fh: int | None = None) -> tuple[str, int, list[Path]]:
    """(run, forecast hour, files) of the frame timed for `var`, or of its frame at `fh` of the short run."""
    spec = MODEL.variables[var]
    if fh is None:
        run, fh = (LONG_RUN, LONG_FH) if (spec.change_hours or 0) > FH else (SHORT_RUN, FH)
    else:
        run = SHORT_RUN
    hours = sorted({r.fh for r in messages_for(MODEL, spec, fh)})
    return run, fh, [forecast_file_path(MIRROR, MODEL, parse_run_id(run), h) for h in hours]


def _timed(var: str, storage: LocalStore) -> tuple[float, dict[str, float]]:
    run, fh, files = _frame(var)
    if MODEL.variables[var].running:
        for earlier in range(1, fh):  # the running total the timed frame continues
            build_frame(MODEL.name, run, var, earlier, _frame(var, earlier)[2], storage, var)
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        built = build_frame(MODEL.name, run, var, fh, files, storage, var)
        runs.append((time.perf_counter() - start, built.timings))
    runs.sort(key=lambda r: r[0])
    return runs[len(runs) // 2]


def main() -> None:
    _mirror()
    work = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    try:
        print("load average (1, 5, 15 min) at the start: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        storage = LocalStore(work)
        build_frame(MODEL.name, SHORT_RUN, "tmp2m", FH, _frame("tmp2m")[2], storage, "warm_up")
        print(f"{'variable':<18}{'frame':>7}{'s':>7}{'target':>8}  {'':<4}{'decode':>8}{'derive+warp':>13}"
              f"{'write':>8}")
        over = []
        walls = []
        for var in ["tmp2m", *[v for v in MODEL.variables if v != "tmp2m"]]:
            wall, steps = _timed(var, storage)
            walls.append(wall)
            target = KUCHERA_TARGET_S if var == "snowfall_kuchera" else TARGET_S
            verdict = "ok" if wall <= target else "OVER"
            if wall > target:
                over.append(var)
            write = sum(v for k, v in steps.items() if k not in ("decode", "derive+warp"))
            frame = f"f{_frame(var)[1]:03d}"
            print(f"{var:<18}{frame:>7}{wall:>7.2f}{target:>8.1f}  {verdict:<4}"
                  f"{steps.get('decode', 0):>8.2f}{steps.get('derive+warp', 0):>13.2f}{write:>8.2f}")
        print(f"{len(walls)} variables, median {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
              f"over target: {', '.join(over) or 'none'} (median of {REPEATS} in-process builds each; "
              "tmp2m is the reference)")
        print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
