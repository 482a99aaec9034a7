"""Frames built once per session: real NOAA samples where they hold the variable, synthetic GRIB2 on the real
model grids (`twf.synthetic.grib`) for the rest. Tests only read these frames, so each is built once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from twf.artifacts import ArtifactKind
from twf.builder.pipeline import BuiltFrame, build_frame
from twf.models import get_model
from twf.models.base import ENTIRE_ATMOSPHERE, HTGL_10M, MEAN_SEA_LEVEL, SURFACE, Level
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.grib import SyntheticMessage, write_grib2

HRRR_RUN = "20260129_17z"
GFS_RUN = "20260129_12z"
NAM_RUN = "20260129_12z"
NBM_RUN = "20260129_13z"

HRRR_F00 = "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2"
HRRR_F01 = "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"
HRRR_F01_REFC = "hrrr.t17z.wrfsfcf01.refc-prate.grib2"
GFS_F000 = "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2"

# Synthetic radar_ptype: reflectivity in 10 dBZ steps across the grid, one precipitation type per quadrant.
PTYPE_DBZ_STEPS = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0)
# Synthetic accumulations (kg/m² per bucket) and bucket-averaged snow fractions, chosen so every pairing
# mistake (wrong window, wrong bucket, instantaneous flag for the average) changes the total.
NAM_BUCKETS = {(0, 3): 5.0, (3, 5): 2.62}
# (GRIB packs the synthetic snow flags as whole numbers, so the averages are 0 or 1 here.)
GFS_BUCKETS = {(0, 6): (4.0, 1.0), (6, 7): (2.0, 0.0)}


@dataclass(frozen=True)
class Built:
    model: str
    var: str
    fh: int
    frame: BuiltFrame
    gribs: tuple[Path, ...]

    def file(self, kind: ArtifactKind) -> Path:
        """The file of one of the frame's objects (built into a local store)."""
        return self.storage.path(kind.key(self.frame.frame))

    @property
    def folder(self) -> Path:
        return self.storage.path(self.frame.frame.prefix)

    @property
    def storage(self) -> LocalStore:
        assert isinstance(self.frame.storage, LocalStore)
        return self.frame.storage


def _build(root: Path, model: str, run: str, var: str, fh: int, gribs: list[Path]) -> Built:
    storage = LocalStore(root)
    built = build_frame(model, run, var, fh, gribs, storage, f"{model}/{run}/{var}")
    return Built(model, var, fh, built, tuple(gribs))


def _msg(element: str, level: Level, values: np.ndarray, ref: datetime, fh: int,
         window: tuple[int, int] | None = None, process: str = "acc") -> SyntheticMessage:
    return SyntheticMessage(element, level, values.astype(np.float32), ref, fh, window, process)


def _quadrants(shape: tuple[int, int]) -> dict[str, np.ndarray]:
    rows, cols = np.indices(shape)
    top, left = rows < shape[0] // 2, cols < shape[1] // 2
    return {"CRAIN": top & left, "CSNOW": top & ~left, "CICEP": ~top & left, "CFRZR": ~top & ~left}


def _hrrr_synthetic(directory: Path) -> Path:
    """HRRR f02 with the fields the real samples lack, plus a 1-hour APCP bucket beside the run total."""
    model = get_model("hrrr")
    ref = parse_run_id(HRRR_RUN)
    shape = model.native_grid.shape
    rows, cols = np.indices(shape)
    refc = np.array(PTYPE_DBZ_STEPS)[(cols // 300) % len(PTYPE_DBZ_STEPS)]
    flags = _quadrants(shape)
    messages = [
        _msg("UGRD", HTGL_10M, 3.0 + cols / 300.0, ref, 2),
        _msg("VGRD", HTGL_10M, np.full(shape, -4.0), ref, 2),
        _msg("REFC", ENTIRE_ATMOSPHERE, refc, ref, 2),
        *(_msg(name, SURFACE, flag.astype(float), ref, 2) for name, flag in flags.items()),
        _msg("APCP", SURFACE, np.full(shape, 1.0), ref, 2, (1, 2)),
        _msg("APCP", SURFACE, 2.0 + rows / 100.0, ref, 2, (0, 2)),
        _msg("ASNOW", SURFACE, np.full(shape, 0.0254), ref, 2, (0, 2)),
        _msg("MSLMA", MEAN_SEA_LEVEL, 101325.0 + cols, ref, 2),
    ]
    return write_grib2(directory / "hrrr.t17z.wrfsfcf02.grib2", model, messages)


def _nam_synthetic(directory: Path) -> list[Path]:
    """NAM f03 and f05: 3-hour resetting APCP buckets and instantaneous snow flags."""
    model = get_model("nam")
    ref = parse_run_id(NAM_RUN)
    shape = model.native_grid.shape
    files = []
    for (start, end), amount in NAM_BUCKETS.items():
        messages = [_msg("APCP", SURFACE, np.full(shape, amount), ref, end, (start, end)),
                    _msg("CSNOW", SURFACE, np.ones(shape), ref, end)]
        name = f"nam.t12z.conusnest.hiresf{end:02d}.tm00.grib2"
        files.append(write_grib2(directory / name, model, messages))
    return files


def _gfs_synthetic(directory: Path) -> list[Path]:
    """GFS f006 and f007 with the traps of the real files: a bucket and a run total per file (identical labels
    at f006), instantaneous snow flags beside the bucket averages."""
    model = get_model("gfs")
    ref = parse_run_id(GFS_RUN)
    shape = model.native_grid.shape
    files = []
    run_total = 0.0
    for (start, end), (amount, snow) in GFS_BUCKETS.items():
        run_total += amount
        messages = [
            _msg("APCP", SURFACE, np.full(shape, run_total), ref, end, (0, end)),
            _msg("APCP", SURFACE, np.full(shape, amount), ref, end, (start, end)),
            _msg("CSNOW", SURFACE, np.full(shape, 1.0 - snow), ref, end),  # the instantaneous trap
            _msg("CSNOW", SURFACE, np.full(shape, snow), ref, end, (start, end), process="ave"),
        ]
        files.append(write_grib2(directory / f"gfs.t12z.pgrb2.0p25.f{end:03d}", model, messages))
    return files


def _nbm_synthetic(directory: Path) -> Path:
    from twf.models.base import HTGL_2M

    model = get_model("nbm")
    rows, _ = np.indices(model.native_grid.shape)
    message = _msg("TMP", HTGL_2M, 250.0 + rows / 20.0, parse_run_id(NBM_RUN), 1)
    return write_grib2(directory / "blend.t13z.core.f001.co.grib2", model, [message])


@pytest.fixture(scope="session")
def frames(hrrr_grib_dir: Path, gfs_grib_dir: Path, tmp_path_factory: pytest.TempPathFactory,
           ) -> dict[str, Built]:
    """Every frame the builder tests read, keyed `model/var/fh`."""
    root = tmp_path_factory.mktemp("frames")
    gribs = tmp_path_factory.mktemp("synthetic")
    hrrr_f02 = _hrrr_synthetic(gribs)
    nam = _nam_synthetic(gribs)
    gfs = _gfs_synthetic(gribs)
    builds = [
        _build(root, "hrrr", HRRR_RUN, "tmp2m", 0, [hrrr_grib_dir / HRRR_F00]),
        _build(root, "hrrr", HRRR_RUN, "tmp2m", 1, [hrrr_grib_dir / HRRR_F01_REFC, hrrr_grib_dir / HRRR_F01]),
        _build(root, "hrrr", HRRR_RUN, "refc", 1, [hrrr_grib_dir / HRRR_F01_REFC]),
        _build(root, "gfs", GFS_RUN, "tmp2m", 0, [gfs_grib_dir / GFS_F000]),
        *(_build(root, "hrrr", HRRR_RUN, var, 2, [hrrr_f02])
          for var in ("wspd10m", "radar_ptype", "precip_total", "snowfall_total", "mslp")),
        _build(root, "nam", NAM_RUN, "precip_total", 5, nam),
        _build(root, "nam", NAM_RUN, "snowfall_total", 5, nam),
        _build(root, "gfs", GFS_RUN, "precip_total", 7, gfs),
        _build(root, "gfs", GFS_RUN, "snowfall_total", 7, gfs),
        _build(root, "nbm", NBM_RUN, "tmp2m", 1, [_nbm_synthetic(gribs)]),
    ]
    return {f"{b.model}/{b.var}/{b.fh}": b for b in builds}
