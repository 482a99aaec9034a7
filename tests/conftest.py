"""Fixtures shared by every test package.

Real NOAA samples come from `../shared/data/grib` (or `TWF_SAMPLES_DIR`); tests that need them skip cleanly
when they are absent, and everything else runs on synthetic GRIB written on the real model grids.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = Path(os.environ.get("TWF_SAMPLES_DIR", REPO_ROOT.parent / "shared" / "data" / "grib"))

HRRR_RUN = "20260129_17z"
GFS_RUN = "20260129_12z"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES_DIR.is_dir():
        pytest.skip(f"real NOAA samples not found at {SAMPLES_DIR}")
    return SAMPLES_DIR


@pytest.fixture(scope="session")
def hrrr_samples(samples_dir: Path) -> Path:
    """Folder of the real HRRR 2026-01-29 17z subsets (f00, f01) and full-file .idx inventories."""
    return samples_dir / "hrrr" / HRRR_RUN


@pytest.fixture(scope="session")
def gfs_samples(samples_dir: Path) -> Path:
    """Folder of the real GFS 2026-01-29 12z f000 subset and full-file .idx inventories."""
    return samples_dir / "gfs" / GFS_RUN


@pytest.fixture
def data_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data root, also exported as TWF_DATA_ROOT for code that reads settings."""
    root = tmp_path / "data" / "v3"
    root.mkdir(parents=True)
    monkeypatch.setenv("TWF_DATA_ROOT", str(root))
    return root
