"""`twf build-frame`: build one frame's artifacts from GRIB2 files into a directory.

    twf build-frame --model hrrr --run 20260129_17z --var tmp2m --fh 1 --grib FILE [--grib FILE ...] --out DIR

Errors (missing message, corrupt or truncated file, unknown model/variable, forecast hour out of range) are
one line on stderr with a non-zero exit (mapped in `twf.cli`), and DIR is left without any partial frame.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

# Before numpy loads: the build does no linear algebra, yet numpy's import-time self-check makes OpenBLAS
# start a thread per core that spins idle, ~0.05 CPU-s a one-shot build would pay (and take from the warp).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from twf.artifacts import FRAME_ARTIFACTS  # noqa: E402
from twf.builder.pipeline import build_frame  # noqa: E402
from twf.errors import TWFError  # noqa: E402
from twf.models import get_model, get_variable  # noqa: E402
from twf.storage import LocalStore  # noqa: E402


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True, help="model id, e.g. hrrr")
    parser.add_argument("--run", required=True, help="run id YYYYMMDD_HHz, e.g. 20260129_17z")
    parser.add_argument("--var", required=True, help="variable id, e.g. tmp2m")
    parser.add_argument("--fh", required=True, type=int, help="forecast hour")
    parser.add_argument("--grib", required=True, action="append", type=Path, metavar="FILE",
                        help="GRIB2 file holding some of the needed messages (repeatable)")
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="directory for the artifacts")


def run(args: argparse.Namespace) -> int:
    if args.out.exists() and not args.out.is_dir():
        raise TWFError(f"--out {args.out} exists and is not a directory")
    start = time.perf_counter()
    build_frame(args.model, args.run, args.var, args.fh, args.grib, LocalStore(args.out))
    var = get_variable(get_model(args.model), args.var)
    names = [name for kind in FRAME_ARTIFACTS for name in kind.names(args.fh, var).values()]
    print(f"built {args.model} {args.run} {args.var} f{args.fh:03d} in {time.perf_counter() - start:.2f} s: "
          f"{', '.join(names)} in {args.out}")
    return 0
