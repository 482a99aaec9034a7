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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from twf.config import S3Credentials
from twf.errors import StorageUnavailable
from twf.storage import LocalStore, ObjectStore
from twf.storage.s3 import S3Store
from twf.storage.seaweed import ObjectServer, running, weed_binary
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


# The S3 server of the session (SeaweedFS, `twf.storage.seaweed`): one per session, tests isolate themselves
# by prefix. Its credentials are the tests' own; nothing else reaches it.
S3_BUCKET = "twf-test"
S3_CREDENTIALS = S3Credentials("twf-test-key", "twf-test-secret")


@pytest.fixture(scope="session")
def object_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectServer]:
    """SeaweedFS on 127.0.0.1 for the whole session; skips only when its `weed` binary cannot start."""
    try:
        weed_binary()
    except StorageUnavailable as exc:
        pytest.skip(str(exc))
    with running(tmp_path_factory.mktemp("objectstore"), S3_CREDENTIALS, (S3_BUCKET,)) as server:
        yield server


@pytest.fixture
def s3_url(object_server: ObjectServer) -> str:
    """A fresh, empty prefix of the session's bucket."""
    return object_server.url(S3_BUCKET, f"t{uuid.uuid4().hex[:12]}")


def s3_store(url: str, revalidate_seconds: float = 0.0) -> S3Store:
    return S3Store(url, S3_CREDENTIALS, revalidate_seconds)


def s3_environ(url: str) -> dict[str, str]:
    """The environment of a `twf` process working on `url`."""
    return {"TWF_STORAGE_URL": url, "AWS_ACCESS_KEY_ID": S3_CREDENTIALS.access_key_id,
            "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS.secret_access_key}


def upload_tree(folder: Path, storage: ObjectStore) -> None:
    """Every file under a local data root, as the objects of `storage` (hidden files and temps aside)."""
    local = LocalStore(folder)
    for key in local.list(""):
        storage.put_file(key, local.path(key))


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    """Run a test on each store backend (its id says which)."""
    return request.param


@pytest.fixture
def empty_store(backend: str, data_root: Path, request: pytest.FixtureRequest) -> ObjectStore:
    """An empty store of the test's backend."""
    if backend == "local":
        return LocalStore(data_root)
    return s3_store(request.getfixturevalue("s3_url"))


def clone(template: S3Store, url: str) -> S3Store:
    """A copy of a prefix under `url` (server-side copies: nothing travels through the test)."""
    target = s3_store(url)
    root = s3_store(f"s3://{template.location.bucket}?endpoint={template.location.endpoint}")
    for key in template.list(""):
        root.copy(f"{template.location.prefix}/{key}", f"{target.location.prefix}/{key}")
    return target


# Capabilities that let root ignore file modes; a process without them is refused by the kernel like any user.
FILE_OVERRIDES = "-dac_override,-dac_read_search,-fowner"


@dataclass(frozen=True)
class Unprivileged:
    """Commands run as a process file permissions apply to: the tests' own user, or, when the tests run as
    root (as here), root without the capabilities that override file modes (`setpriv`, util-linux). A folder
    made read-only then refuses its writes with a real EACCES from the kernel, as on a misconfigured host."""

    path: Path

    def run(self, args: list[str], timeout: float = 240) -> subprocess.CompletedProcess:
        drop = ["setpriv", "--bounding-set", FILE_OVERRIDES, "--"] if os.geteuid() == 0 else []
        return subprocess.run([*drop, *args], capture_output=True, text=True, timeout=timeout)

    @staticmethod
    def deny_writes(folder: Path) -> None:
        folder.chmod(0o555)

    @staticmethod
    def allow_writes(folder: Path) -> None:
        folder.chmod(0o755)


@pytest.fixture
def unprivileged(tmp_path: Path) -> Iterator[Unprivileged]:
    """An `Unprivileged` working in `tmp_path`; every folder writable again afterwards (for the clean-up)."""
    yield Unprivileged(tmp_path)
    for folder in [tmp_path, *tmp_path.rglob("*")]:
        if folder.is_dir() and not folder.is_symlink():
            folder.chmod(0o755)
