"""`twf export --model M --run R --var V --fhs 0-12 (--region ID | --bbox W,S,E,N) --width 720 --out FILE.gif`
(or FILE.mp4: the format follows the extension): a loop composed as the viewer shows it, read straight from
the data root. `--valid-time T --runs N` instead of `--run/--fhs` exports a run-to-run trend.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from twf.atomic import write_bytes_atomic
from twf.config import load_settings
from twf.errors import InvalidParameter
from twf.export.request import DEFAULT_FPS, DEFAULT_WIDTH, build_request


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model name, e.g. hrrr")
    parser.add_argument("--var", required=True, help="variable, e.g. tmp2m")
    parser.add_argument("--run", default="latest", help="run id, e.g. 20260129_17z (default: latest)")
    frames = parser.add_mutually_exclusive_group(required=True)
    frames.add_argument("--fhs", help="a loop: forecast hours, 0-12, 0-48:3 or 0,3,6")
    frames.add_argument("--valid-time", help="a trend: one valid time (2026-01-29T18:00:00Z) across runs")
    parser.add_argument("--runs", type=int, help="a trend: how many of the newest runs (default 6)")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--region", help="a region id (pnw, conus, ...)")
    where.add_argument("--bbox", help="W,S,E,N in degrees, inside the canonical grid")
    parser.add_argument("--width", type=int, default=DEFAULT_WIDTH, help=f"pixels (default {DEFAULT_WIDTH})")
    parser.add_argument("--fps", type=int, default=DEFAULT_FPS, help=f"frames/s (default {DEFAULT_FPS})")
    parser.add_argument("--overlays", help="overlay keys to draw, comma-separated (isobars,centres); '' for "
                        "none (default: those the viewer shows at first)")
    parser.add_argument("--out", required=True, type=Path, help="FILE.gif or FILE.mp4")
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT or ./data/v3)")


def run(args: argparse.Namespace) -> int:
    from twf.api.deps import Services
    from twf.export.render import export_loop

    fmt = args.out.suffix.lower().removeprefix(".")
    if fmt not in ("gif", "mp4"):
        raise InvalidParameter(f"--out {args.out}: the format follows the extension, .gif or .mp4")
    request = build_request(args.model, args.var, run=args.run, fhs=args.fhs, valid_time=args.valid_time,
                            runs=args.runs, region=args.region, bbox=args.bbox, width=args.width, fmt=fmt,
                            fps=args.fps, overlays=args.overlays)
    settings = load_settings().with_data_root(args.data_root)
    started = time.monotonic()
    result = export_loop(Services(settings), request)
    write_bytes_atomic(args.out, result.content)
    print(f"wrote {args.out} ({result.frames} frames, {request.view.width} x {request.view.height} px, "
          f"{len(result.content) / 1e6:.1f} MB) in {time.monotonic() - started:.1f} s")
    return 0
