"""Build and publish a run into a data root through the same builder and publish transaction as live data, for
the viewer's browser tests and perf script.

    python frontend/e2e/publish_run.py samples DATA_ROOT [--samples DIR]
        the real NOAA HRRR samples (default TWF_SAMPLES_DIR or ../shared/data/grib): 2026-01-29 17z tmp2m
        f00 and f01, refc f01; where the samples are absent (a fresh machine), synthetic stand-ins of the
        same frames, so `make test` also passes there
    python frontend/e2e/publish_run.py demo DATA_ROOT --mirror DIR [--fhs 0-12] [--vars tmp2m]
        synthetic HRRR 2026-01-29 17z (`twf demo-data` mirror, reused when present) for longer animations
    python frontend/e2e/publish_run.py catalogue DATA_ROOT --mirror DIR
        synthetic GFS 2026-01-29 12z f006 of every variable that hour can make (the whole catalogue's pickers,
        legends and overlays; GFS frames are the cheapest to build)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from twf import store
from twf.builder.pipeline import build_frame
from twf.demo.marker import record_run
from twf.hours import parse_hours
from twf.models import get_model
from twf.models.requirements import messages_for
from twf.publish import RunPlan, publish_frames
from twf.storage import open_store
from twf.store import parse_run_id
from twf.synthetic.mirror import write_forecast_file
from twf.synthetic.samples import samples_root, write_sample_stand_ins

RUN = "20260129_17z"
MODEL = "hrrr"
CATALOGUE_MODEL, CATALOGUE_RUN, CATALOGUE_FH = "gfs", "20260129_12z", 6
DEFAULT_SAMPLES = samples_root()
# (variable, forecast hour, sample file): the frames the real samples can make.
SAMPLE_FRAMES = (
    ("tmp2m", 0, "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2"),
    ("tmp2m", 1, "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"),
    ("refc", 1, "hrrr.t17z.wrfsfcf01.refc-prate.grib2"),
)


def publish(data_root: Path, frames: Iterable[tuple[str, int, list[Path]]], model: str = MODEL,
            run: str = RUN) -> str:
    """Build each `(var, fh, gribs)` into staging, then publish them all as one batch that moves LATEST."""
    storage = open_store(data_root)
    frames = list(frames)
    for var, fh, gribs in frames:
        build_frame(model, run, var, fh, gribs, storage, store.staging_var(model, run, var))
    plan = RunPlan.for_run(get_model(model), run, sorted({var for var, _, _ in frames}))
    report = publish_frames(storage, plan, [(var, fh) for var, fh, _ in frames], final=True)
    if report.failed or report.latest_run != run:
        raise SystemExit(f"publish failed: {report.failed or 'LATEST not advanced'}")
    return run


def sample_frames(samples: Path) -> list[tuple[str, int, Path]]:
    folder = samples / MODEL / RUN
    if not folder.is_dir():
        raise SystemExit(f"samples missing: {folder}")
    return [(var, fh, [folder / name]) for var, fh, name in SAMPLE_FRAMES]


def stand_in_frames(folder: Path) -> list[tuple[str, int, Path]]:
    """The sample frames from synthetic stand-ins of the sample files (same names, messages and grid), the
    same ones the Python tests fall back to (`twf.synthetic.samples`)."""
    write_sample_stand_ins(folder / MODEL / RUN, MODEL)
    return sample_frames(folder)


def demo_frames(mirror: Path, hours: list[int], variables: list[str]) -> list[tuple[str, int, Path]]:
    model = get_model(MODEL)
    record_run(mirror, MODEL, RUN)
    files = {fh: write_forecast_file(mirror, model, parse_run_id(RUN), fh)[0] for fh in hours}
    return [(var, fh, [files[fh]]) for fh in hours for var in variables]


def catalogue_frames(mirror: Path) -> list[tuple[str, int, list[Path]]]:
    """Every variable's frame at CATALOGUE_FH that the hour's file and the hour before can make."""
    model, ref = get_model(CATALOGUE_MODEL), parse_run_id(CATALOGUE_RUN)
    record_run(mirror, CATALOGUE_MODEL, CATALOGUE_RUN)
    frames = []
    for var in model.variables.values():
        hours = sorted({r.fh for r in messages_for(model, var, CATALOGUE_FH)})
        if hours and set(hours) <= {CATALOGUE_FH - 1, CATALOGUE_FH}:
            files = [write_forecast_file(mirror, model, ref, fh)[0] for fh in hours]
            frames.append((var.name, CATALOGUE_FH, files))
    return frames


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("source", choices=["samples", "demo", "catalogue"])
    parser.add_argument("data_root", type=Path)
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--mirror", type=Path)
    parser.add_argument("--fhs", default="0-12")
    parser.add_argument("--vars", default="tmp2m")
    args = parser.parse_args(argv)
    if args.source == "samples" and not (args.samples / MODEL / RUN).is_dir():
        print(f"samples not found at {args.samples}: publishing synthetic stand-ins", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="twf-e2e-stand-ins-") as folder:
            print(publish(args.data_root.resolve(), stand_in_frames(Path(folder))))
        return 0
    if args.source == "samples":
        frames = sample_frames(args.samples)
    elif args.mirror is None:
        parser.error(f"{args.source} needs --mirror")
    elif args.source == "catalogue":
        frames = catalogue_frames(args.mirror)
        print(publish(args.data_root.resolve(), frames, CATALOGUE_MODEL, CATALOGUE_RUN))
        return 0
    else:
        frames = demo_frames(args.mirror, parse_hours(args.fhs), args.vars.split(","))
    print(publish(args.data_root.resolve(), frames))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
