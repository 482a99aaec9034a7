"""Fixtures shared by every test package.

Real NOAA samples come from `../shared/data/grib` (or `TWF_SAMPLES_DIR`), real NAM/NBM inventories from
`../shared/data/idx` (or `TWF_INVENTORIES_DIR`); tests that need them skip cleanly when they are absent, and
everything else runs on synthetic GRIB written on the real model grids (`hrrr_grib_dir`/`gfs_grib_dir`: the
real subsets when present, else same-named synthetic stand-ins).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from twf.synthetic.samples import inventories_root, samples_root

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = samples_root()
INVENTORIES_DIR = inventories_root()

HRRR_RUN = "20260129_17z"
GFS_RUN = "20260129_12z"

# The synthetic mirror's runs: model → (run id, forecast hours). HRRR's hours cover its run totals, GFS's its
# 6-hour resetting buckets and bucket-averaged snow flag (f003 is a 0-3 h window, f006 a full bucket).
SYNTHETIC_MIRROR_RUNS: dict[str, tuple[str, tuple[int, ...]]] = {
    "hrrr": (HRRR_RUN, (0, 1, 2, 3)),
    "gfs": (GFS_RUN, (0, 3, 6)),
}


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES_DIR.is_dir():
        pytest.skip(f"real NOAA samples not found at {SAMPLES_DIR}")
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def inventories_dir() -> Path:
    """The real NAM/NBM inventories and the NBM grid dump (`../shared/data/idx` or `TWF_INVENTORIES_DIR`)."""
    if not INVENTORIES_DIR.is_dir():
        pytest.skip(f"real NOAA inventories not found at {INVENTORIES_DIR}")
    return INVENTORIES_DIR


@pytest.fixture(scope="session")
def hrrr_samples(samples_dir: Path) -> Path:
    """Folder of the real HRRR 2026-01-29 17z subsets (f00, f01) and full-file .idx inventories."""
    return samples_dir / "hrrr" / HRRR_RUN


@pytest.fixture(scope="session")
def gfs_samples(samples_dir: Path) -> Path:
    """Folder of the real GFS 2026-01-29 12z f000 subset and full-file .idx inventories."""
    return samples_dir / "gfs" / GFS_RUN


def _grib_dir(model_name: str, run: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    real = SAMPLES_DIR / model_name / run
    if real.is_dir():
        return real
    from twf.synthetic.samples import write_sample_stand_ins

    return write_sample_stand_ins(tmp_path_factory.mktemp(f"{model_name}-stand-ins"), model_name)


@pytest.fixture(scope="session")
def hrrr_grib_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real HRRR 17z subsets (`hrrr_samples`) when present, else synthetic stand-ins of the same names and
    messages on the real grid (`twf.synthetic.samples`): for tests that need a GRIB of a frame, not real
    values. Holds only the `.grib2` subsets; the full-file `.idx` inventories are real-only."""
    return _grib_dir("hrrr", HRRR_RUN, tmp_path_factory)


@pytest.fixture(scope="session")
def gfs_grib_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real GFS 12z f000 subset (`gfs_samples`) when present, else its synthetic stand-in (TMP 2 mb decoy
    then TMP 2 m, on the real 0.25° grid)."""
    return _grib_dir("gfs", GFS_RUN, tmp_path_factory)


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data root, also exported as TWF_DATA_ROOT for code that reads settings."""
    root = tmp_path / "data" / "v3"
    root.mkdir(parents=True)
    monkeypatch.setenv("TWF_DATA_ROOT", str(root))
    return root


def _synthetic_code_digest() -> str:
    """Changes with the synthetic generator or the model specs, so a stale mirror is never reused."""
    source = REPO_ROOT / "src" / "twf"
    digest = hashlib.sha256()
    for path in sorted([*source.glob("synthetic/*.py"), *source.glob("models/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_MIRROR_PREFIX = "twf-synthetic-mirror-"
_STALE_AFTER_S = 3600  # an older mirror untouched this long belongs to no running session


def _remove_stale_mirrors(keep: Path) -> None:
    """Mirrors written by older code pile up in the temp folder (~40 MB each); drop the idle ones."""
    for old in keep.parent.glob(f"{_MIRROR_PREFIX}*"):
        if old != keep and time.time() - old.stat().st_mtime > _STALE_AFTER_S:
            shutil.rmtree(old, ignore_errors=True)


@pytest.fixture(scope="session")
def synthetic_mirror_runs() -> dict[str, tuple[str, tuple[int, ...]]]:
    """What `synthetic_mirror` holds: model → (run id, forecast hours)."""
    return SYNTHETIC_MIRROR_RUNS


@pytest.fixture(scope="session")
def synthetic_mirror() -> Path:
    """A folder laid out like the NOAA buckets (`model.file_key(ref_time, fh)`): full synthetic forecast-hour
    GRIB2 files with wgrib2-style `.idx`, holding every input of every variable, for the runs and hours of
    `SYNTHETIC_MIRROR_RUNS`. Use it read-only (as `mirror:PATH` or `file://`).

    Written once into the system temp folder under a digest of the generator's code, so later sessions reuse
    it (writing is idempotent and atomic, so concurrent sessions are safe).

    Each file has its `.idx` beside it, and GDAL 3.10 then takes band metadata from the `.idx`: an
    accumulation's GRIB_FORECAST_SECONDS becomes the window's END. Open mirror files with
    `rasterio.open(path, USE_IDX="NO")` (or go through `twf fetch`, whose subsets have no `.idx`).
    """
    from twf.models import get_model
    from twf.store import parse_run_id
    from twf.synthetic.mirror import write_mirror

    root = Path(tempfile.gettempdir()) / f"{_MIRROR_PREFIX}{_synthetic_code_digest()}"
    _remove_stale_mirrors(keep=root)
    for name, (run, hours) in SYNTHETIC_MIRROR_RUNS.items():
        write_mirror(root, get_model(name), parse_run_id(run), hours)
    os.utime(root)  # marks it in use for `_remove_stale_mirrors` of other sessions
    return root


@dataclass(frozen=True)
class TinyFilesystem:
    path: Path

    def fill(self) -> Path:
        """Write (unbuffered) until the kernel says ENOSPC; delete the returned file to free the space."""
        filler = self.path / "filler"
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * (1 << 16))
            except OSError:
                pass
        return filler


@pytest.fixture
def tiny_filesystem(tmp_path: Path) -> Iterator[TinyFilesystem]:
    """A real 64 MiB tmpfs (tests run as root), so a full disk is a real ENOSPC from the kernel."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield TinyFilesystem(mount_point)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
