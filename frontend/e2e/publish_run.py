"""Build and publish the real HRRR sample run (2026-01-29 17z: tmp2m f00 and f01, refc f01) into a data root,
through the same builder and publish transaction as live data. The viewer's browser tests serve this run.

usage: python frontend/e2e/publish_sample_run.py DATA_ROOT [SAMPLES_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from twf.builder.pipeline import build_frame
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.store import Store

RUN = "20260129_17z"
DEFAULT_SAMPLES = Path("/work/shared/data/grib")
# (variable, forecast hour, sample file) — the frames the real samples can make.
FRAMES = (
    ("tmp2m", 0, "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2"),
    ("tmp2m", 1, "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"),
    ("refc", 1, "hrrr.t17z.wrfsfcf01.refc-prate.grib2"),
)


def publish_sample_run(data_root: Path, samples: Path) -> str:
    store = Store(data_root)
    model = get_model("hrrr")
    for var, fh, name in FRAMES:
        out = store.staging_frame(model.name, RUN, var, fh).directory
        build_frame(model.name, RUN, var, fh, [samples / "hrrr" / RUN / name], out)
    plan = RunPlan.for_run(model, RUN, sorted({var for var, _, _ in FRAMES}))
    report = publish_frames(store, plan, [(var, fh) for var, fh, _ in FRAMES], final=True)
    if report.failed or report.latest_run != RUN:
        raise SystemExit(f"publish failed: {report.failed or 'LATEST not advanced'}")
    return RUN


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    samples = Path(argv[1]) if len(argv) > 1 else DEFAULT_SAMPLES
    if not (samples / "hrrr" / RUN).is_dir():
        print(f"samples missing: {samples / 'hrrr' / RUN}", file=sys.stderr)
        return 3
    print(publish_sample_run(Path(argv[0]).resolve(), samples))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
