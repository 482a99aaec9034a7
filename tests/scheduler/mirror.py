"""Local mirrors (bucket layout) for the scheduler tests: the real NOAA HRRR samples where they exist,
synthetic GRIB2 on the real HRRR grid for the rest."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twf.models import get_model
from twf.models.base import ENTIRE_ATMOSPHERE
from twf.store import parse_run_id
from twf.synthetic.grib import SyntheticMessage, message_bytes, write_idx
from twf.synthetic.mirror import forecast_file_path, write_forecast_file

HRRR = get_model("hrrr")
REAL_RUN = "20260129_17z"
OLDER_RUN = "20260129_16z"


def mirror_file(root: Path, run: str, fh: int) -> Path:
    return forecast_file_path(root, HRRR, parse_run_id(run), fh)


def write_synthetic(root: Path, run: str, hours: range | list[int]) -> None:
    for fh in hours:
        write_forecast_file(root, HRRR, parse_run_id(run), fh)


def _synthetic_refc(fh: int) -> bytes:
    rows, cols = HRRR.native_grid.shape
    y, x = np.mgrid[0:rows, 0:cols].astype(np.float32)
    storm = np.exp(-(((x - cols / 3) / 120) ** 2 + ((y - rows / 2) / 90) ** 2))
    values = (55 * storm - 5).astype(np.float32)
    message = SyntheticMessage("REFC", ENTIRE_ATMOSPHERE, values, parse_run_id(REAL_RUN), fh)
    return message_bytes(HRRR, message)


def write_real(root: Path, samples: Path, refc: bool = True) -> None:
    """f00 and f01 of the real run from the NOAA subsets, each with its own inventory. The samples have no
    f00 reflectivity, so a synthetic REFC message is appended there (upstream files hold every field);
    `refc=False` leaves reflectivity out of both hours."""
    f00 = [samples / "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2"]
    f01 = [samples / f"hrrr.t17z.wrfsfcf01.{part}-prate.grib2" for part in ("tmp2m", "refc")[: 1 + refc]]
    contents = {0: b"".join(p.read_bytes() for p in f00) + (_synthetic_refc(0) if refc else b""),
                1: b"".join(p.read_bytes() for p in f01)}
    for fh, data in contents.items():
        path = mirror_file(root, REAL_RUN, fh)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        write_idx(path)


def corrupt(path: Path) -> None:
    """Keep the inventory, break the messages: the byte ranges exist but hold no GRIB."""
    path.write_bytes(bytes(path.stat().st_size))
