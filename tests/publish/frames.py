"""Real built frames for the publish tests: a "previous" run built from synthetic GRIB2 on the real HRRR grid,
and the "new" run built from the real NOAA HRRR samples, staged under a template data root."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np

from twf import store
from twf.builder.pipeline import build_frame
from twf.models import get_model
from twf.models.base import ENTIRE_ATMOSPHERE, HTGL_2M
from twf.publish import Frame
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.grib import SyntheticMessage, write_grib2

MODEL = "hrrr"
OLD_RUN = "20260129_16z"  # synthetic
NEW_RUN = "20260129_17z"  # the real samples' run
OLD_FRAMES: list[Frame] = [("refc", 0), ("tmp2m", 0)]
NEW_FRAMES: list[Frame] = [("tmp2m", 0), ("tmp2m", 1), ("refc", 1)]
REAL_FILES = {
    ("tmp2m", 0): "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2",
    ("tmp2m", 1): "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2",
    ("refc", 1): "hrrr.t17z.wrfsfcf01.refc-prate.grib2",
}


def synthetic_hrrr_grib(path: Path, run: str, fh: int) -> Path:
    """A file with 2 m temperature (a west-east gradient) and composite reflectivity (a storm blob)."""
    model = get_model(MODEL)
    rows, cols = model.native_grid.shape
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    tmp = (255.0 + 40.0 * x / cols + fh).astype(np.float32)
    blob = np.exp(-(((x - cols / 2) / 150) ** 2 + ((y - rows / 2) / 100) ** 2))
    refc = (60.0 * blob - 10).astype(np.float32)
    ref_time = parse_run_id(run)
    return write_grib2(path, model, [SyntheticMessage("TMP", HTGL_2M, tmp, ref_time, fh),
                                     SyntheticMessage("REFC", ENTIRE_ATMOSPHERE, refc, ref_time, fh)])


def stage_frames(storage: LocalStore, hrrr_grib_dir: Path, work: Path) -> None:
    """Build OLD_FRAMES and NEW_FRAMES into the store's staging."""
    for var, fh in OLD_FRAMES:
        grib = synthetic_hrrr_grib(work / f"old_f{fh:02d}.grib2", OLD_RUN, fh)
        build_frame(MODEL, OLD_RUN, var, fh, [grib], storage, store.staging_var(MODEL, OLD_RUN, var))
    for (var, fh), name in REAL_FILES.items():
        prefix = store.staging_var(MODEL, NEW_RUN, var)
        build_frame(MODEL, NEW_RUN, var, fh, [hrrr_grib_dir / name], storage, prefix)


def digests(storage: LocalStore, run: str, frames: list[Frame]) -> dict[Frame, dict[str, str]]:
    """sha256 of every staged object of each frame: what a published copy must be byte for byte."""
    out: dict[Frame, dict[str, str]] = {}
    for var, fh in frames:
        staged = store.staging_frame(MODEL, run, var, fh)
        folder = storage.path(staged.prefix)
        out[(var, fh)] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                          for p in folder.glob(f"{staged.stem}.*")}
    return out


def link_copy(template: Path, root: Path) -> LocalStore:
    """A fresh data root sharing the template's inodes: publishing only links, renames and unlinks staged
    files, and never writes into one, so the template stays pristine for the next trial."""
    shutil.copytree(template, root, copy_function=lambda src, dst: Path(dst).hardlink_to(src))
    return LocalStore(root)
