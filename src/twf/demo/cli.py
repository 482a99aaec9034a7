"""`twf demo-data --model hrrr --run 20260129_17z --fhs 0-12 --mirror DIR`: write a synthetic run into a
folder laid out like the NOAA bucket (full forecast-hour GRIB2 files + `.idx`) and mark the folder as demo
data (`DEMO.json`). The demo then runs mirror → fetch → build → publish exactly as on live data.

Idempotent: files already present and complete are kept, so re-running only fills in what is missing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from twf.demo.marker import record_run
from twf.errors import InvalidParameter, TWFError
from twf.hours import parse_hours
from twf.models import check_frame, get_model
from twf.store import parse_run_id
from twf.synthetic.mirror import write_forecast_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model name, e.g. hrrr")
    parser.add_argument("--run", required=True, help="run id, e.g. 20260129_17z")
    parser.add_argument("--fhs", required=True, help="forecast hours: 0-12, 0-48:3 or 0,3,6")
    parser.add_argument("--mirror", required=True, type=Path, help="mirror folder (bucket layout)")


def run(args: argparse.Namespace) -> int:
    model = get_model(args.model)
    ref_time = parse_run_id(args.run)
    hours = parse_hours(args.fhs)
    for fh in hours:
        check_frame(model, args.run, fh)
    if args.mirror.exists() and not args.mirror.is_dir():
        raise InvalidParameter(f"--mirror {args.mirror} is not a folder")
    written = files = 0
    started = time.monotonic()
    try:
        record_run(args.mirror, model.name, args.run)
        for fh in hours:
            for path, was_written in write_forecast_files(args.mirror, model, ref_time, fh):
                written += was_written
                files += 1
                print(f"{'wrote' if was_written else 'kept '}\t{path}", flush=True)
    except OSError as exc:
        where = exc.filename or args.mirror
        raise TWFError(f"cannot write the mirror: {exc.strerror or exc} ({where})") from None
    elapsed = time.monotonic() - started
    kept = files - written
    print(f"{model.name} {args.run}: {written} written, {kept} already complete ({elapsed:.1f} s)")
    return 0
