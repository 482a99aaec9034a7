"""Build time of every HRRR variable, one frame each, in process (what a scheduler worker pays per frame once
imports and GDAL/PROJ are warm), against the targets of the catalogue issue: ≤ 1.0 s per frame, Kuchera
≤ 1.5 s. The reference row is tmp2m, the variable every release has built since the start.

Input: synthetic HRRR files on the real grid with every field of the catalogue (written once into the system
temp folder and reused): the 17z run f00-f06 and, for the 24 h windows, the 18z run's f00 and f24. Each
frame is built from its hour's whole file (~45 messages, as a scheduler's per-hour fetch holds them), at f06
(f024 for 24 h windows); Kuchera's running total is built f01-f05 first, so the timed f06 frame reads one
bucket and the f05 total, as in a run. Every timed build decodes its own messages (the decoded arrays a
worker shares between the variables of an hour are dropped before it), with the hour's file already open:
opening it (GDAL reads every message's sections) is paid once per hour by a worker and shown on its own line.

Rows slowest first by CPU seconds (all threads of the process: the RGBA writer and GDAL's warp and
compression threads included), which the machine's load barely moves; the verdict is on them, an upper bound
of the wall time of an idle core. Wall seconds and the stage split (wall, from the builder's own clock) are
of the median run of REPEATS.

    .venv/bin/python -m bench catalogue
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from twf.builder.decode import decode, forget_decoded, forget_open_files
from twf.builder.pipeline import build_frame
from twf.models import get_model
from twf.models.requirements import frame_plan, messages_for
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


def _timed(var: str, storage: LocalStore) -> tuple[float, float, dict[str, float]]:
    """(CPU seconds, wall seconds, stage timings) of the median of REPEATS builds of `var`'s timed frame."""
    run, fh, files = _frame(var)
    if MODEL.variables[var].running:
        for earlier in range(1, fh):  # the running total the timed frame continues
            build_frame(MODEL.name, run, var, earlier, _frame(var, earlier)[2], storage, var)
    runs = []
    for _ in range(REPEATS):
        forget_decoded()
        cpu, start = time.process_time(), time.perf_counter()
        built = build_frame(MODEL.name, run, var, fh, files, storage, var)
        runs.append((time.process_time() - cpu, time.perf_counter() - start, built.timings))
    runs.sort(key=lambda r: r[0])
    return runs[len(runs) // 2]


def _open_seconds(var: str) -> tuple[float, float]:
    """(CPU, wall) seconds to open the hour file of `var`'s frame and read its bands' identities, as a
    worker does once per hour: decoding `var`'s messages from a closed file, less from the open one."""
    run, fh, files = _frame(var)
    requests = frame_plan(MODEL, MODEL.variables[var], fh).requests()
    spent = []
    for forget in (forget_open_files, forget_decoded):
        forget()
        cpu, start = time.process_time(), time.perf_counter()
        decode(files, requests, parse_run_id(run))
        spent.append((time.process_time() - cpu, time.perf_counter() - start))
    (cold_cpu, cold_wall), (warm_cpu, warm_wall) = spent
    return cold_cpu - warm_cpu, cold_wall - warm_wall


def _load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    _mirror()
    work = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    try:
        print(f"load average (1, 5, 15 min) at the start: {_load()}")
        storage = LocalStore(work)
        build_frame(MODEL.name, SHORT_RUN, "tmp2m", FH, _frame("tmp2m")[2], storage, "warm_up")
        rows = []
        for var in MODEL.variables:
            cpu, wall, steps = _timed(var, storage)
            target = KUCHERA_TARGET_S if var == "snowfall_kuchera" else TARGET_S
            rows.append((cpu, wall, steps, var, target))
        rows.sort(key=lambda r: -r[0])
        stages = list(rows[0][2])  # the builder's clock, in its order
        print(f"{'variable':<18}{'frame':>6}{'CPU s':>7}{'wall s':>8}{'target':>7}  {'':<5}"
              + "".join(f"{step:>{len(step) + 2}}" for step in stages))
        for cpu, wall, steps, var, target in rows:
            marker = " (ref)" if var == "tmp2m" else ""
            print(f"{var:<18}{f'f{_frame(var)[1]:03d}':>6}{cpu:>7.2f}{wall:>8.2f}{target:>7.1f}  "
                  f"{'ok' if cpu <= target else 'OVER':<5}"
                  + "".join(f"{steps.get(step, 0):>{len(step) + 2}.2f}" for step in stages) + marker)
        over = [var for cpu, _, _, var, target in rows if cpu > target]
        cpus, walls = [r[0] for r in rows], [r[1] for r in rows]
        open_cpu, open_wall = _open_seconds("tmp2m")
        print(f"{len(rows)} variables: CPU median {statistics.median(cpus):.2f} s, max {max(cpus):.2f} s, "
              f"sum {sum(cpus):.1f} s; wall median {statistics.median(walls):.2f} s, max {max(walls):.2f} s; "
              f"over target (CPU): {', '.join(over) or 'none'}")
        print(f"opening the f{FH:03d} hour file once (every message's sections; shared by the hour's "
              f"variables): CPU {open_cpu:.2f} s, wall {open_wall:.2f} s")
        print(f"median of {REPEATS} in-process builds each; stages are wall seconds of that build")
        print(f"load average (1, 5, 15 min) at the end: {_load()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
