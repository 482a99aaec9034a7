"""Synthetic stand-ins for the real NOAA sample subsets (`../shared/data/grib`): files of the same names
holding the same messages (element, level, run, hour, order) on the same native grids, so every test or
browser check that only needs "a GRIB file of frame X" also runs on a machine without the samples.

What the samples alone can show (the real `.idx` spellings, values agreeing with upstream) stays with them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from twf.models import get_model
from twf.models.base import ENTIRE_ATMOSPHERE, HTGL_2M, SURFACE, Level
from twf.store import parse_run_id
from twf.synthetic.forecast import instant_messages
from twf.synthetic.grib import write_grib2

__all__ = ["SAMPLE_RUNS", "SampleFile", "inventories_root", "samples_root", "write_sample_stand_ins"]

_REPO_ROOT = Path(__file__).resolve().parents[3]


def samples_root() -> Path:
    """Where the real samples are: `TWF_SAMPLES_DIR`, else `../shared/data/grib` beside the checkout.

    The one rule for tests, benchmarks and the browser tests' publisher; the folder may not exist.
    """
    return Path(os.environ.get("TWF_SAMPLES_DIR", _REPO_ROOT.parent / "shared" / "data" / "grib"))


def inventories_root() -> Path:
    """Where the real NAM and NBM inventories (and the NBM grid dump) are: `TWF_INVENTORIES_DIR`, else
    `../shared/data/idx` beside the checkout. Laid out `<model>/<run>/<file>.idx`; the folder may not exist.
    """
    return Path(os.environ.get("TWF_INVENTORIES_DIR", _REPO_ROOT.parent / "shared" / "data" / "idx"))

_TMP_2_MB = Level("200-ISBL", "2 mb")  # GFS's decoy beside `TMP:2 m above ground`


@dataclass(frozen=True)
class SampleFile:
    name: str
    fh: int
    fields: tuple[tuple[str, Level], ...]  # (element, level) in the file's message order


# model → (run id, files), as in `<samples>/<model>/<run>/`.
SAMPLE_RUNS: dict[str, tuple[str, tuple[SampleFile, ...]]] = {
    "hrrr": ("20260129_17z", (
        SampleFile("hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2", 0, (("TMP", HTGL_2M), ("PRATE", SURFACE))),
        SampleFile("hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", 1, (("TMP", HTGL_2M), ("PRATE", SURFACE))),
        SampleFile("hrrr.t17z.wrfsfcf01.refc-prate.grib2", 1,
                   (("REFC", ENTIRE_ATMOSPHERE), ("PRATE", SURFACE))),
    )),
    "gfs": ("20260129_12z", (
        SampleFile("gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2", 0, (("TMP", _TMP_2_MB), ("TMP", HTGL_2M))),
    )),
}


def write_sample_stand_ins(folder: Path, model_name: str) -> Path:
    """Write the model's stand-in files into `folder` (the sample run's folder); returns `folder`."""
    run, files = SAMPLE_RUNS[model_name]
    model, ref_time = get_model(model_name), parse_run_id(run)
    folder.mkdir(parents=True, exist_ok=True)
    for sample in files:
        write_grib2(folder / sample.name, model, instant_messages(model, ref_time, sample.fh, sample.fields))
    return folder
