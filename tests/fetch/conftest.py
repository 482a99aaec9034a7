"""Fixtures of the fetch tests: bucket servers on 127.0.0.1 holding "full" files built from real messages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from twf.fetch.budget import RateBudgets
from twf.fetch.inventory import PROCESS_INVENTORIES
from twf.fetch.sources import Source, parse_source
from twf.fetch.transport import Transport, TransportPolicy
from twf.models import get_model
from twf.store import parse_run_id

from .bucket_server import Bucket, BucketServer
from .gribfiles import build_file, split_messages

HRRR_RUN = "20260129_17z"
GFS_RUN = "20260129_12z"
# Short enough that the hang and retry tests take a fraction of a second each.
FAST = TransportPolicy(timeout_s=0.4, deadline_s=5.0, attempts=3, backoff_base_s=0.01, backoff_cap_s=0.05)


@pytest.fixture(scope="session")
def real_messages(hrrr_grib_dir: Path, gfs_grib_dir: Path) -> dict[str, bytes]:
    """Each real sample message by name: `tmp2m_f00`, `prate_f00`, `tmp2m_f01`, `refc_f01`, ..."""
    tmp00, prate00 = split_messages(hrrr_grib_dir / "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2")
    tmp01, prate01 = split_messages(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2")
    refc01, _ = split_messages(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.refc-prate.grib2")
    gfs_tmp2mb, gfs_tmp2m = split_messages(gfs_grib_dir / "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2")
    return {
        "tmp2m_f00": tmp00,
        "prate_f00": prate00,
        "tmp2m_f01": tmp01,
        "prate_f01": prate01,
        "refc_f01": refc01,
        "gfs_tmp2mb_f000": gfs_tmp2mb,
        "gfs_tmp2m_f000": gfs_tmp2m,
    }


def hrrr_file(fh: int, msgs: dict[str, bytes]) -> tuple[bytes, str]:
    """A "full" HRRR wrfsfc file: real TMP/REFC/PRATE as the samples have them, other labels on real bytes."""
    when = "anl" if fh == 0 else f"{fh} hour fcst"
    tmp, prate = msgs[f"tmp2m_f0{min(fh, 1)}"], msgs[f"prate_f0{min(fh, 1)}"]
    return build_file(
        "2026012917",
        [
            (f"REFC:entire atmosphere:{when}", msgs["refc_f01"]),
            (f"TMP:2 m above ground:{when}", tmp),
            (f"DPT:2 m above ground:{when}", prate),
            (f"UGRD:10 m above ground:{when}", prate),
            (f"VGRD:10 m above ground:{when}", tmp),
            (f"PRATE:surface:{when}", prate),
            (f"APCP:surface:0-{fh} hour acc fcst" if fh else "APCP:surface:0-0 day acc fcst", prate),
            (f"CRAIN:surface:{when}", prate),
            (f"CFRZR:surface:{when}", prate),
            (f"CICEP:surface:{when}", prate),
            (f"CSNOW:surface:{when}", prate),
        ],
    )


def put_file(bucket: Bucket, key: str, data: bytes, idx: str, **kwargs: object) -> None:
    bucket.put(key, data)
    bucket.put(key + ".idx", idx.encode(), **kwargs)


def put_hrrr(
    bucket: Bucket, msgs: dict[str, bytes], hours: tuple[int, ...] = (0, 1), run: str = HRRR_RUN
) -> None:
    model = get_model("hrrr")
    for fh in hours:
        put_file(bucket, model.file_key(parse_run_id(run), fh), *hrrr_file(fh, msgs))


NAM_RUN = "20260129_12z"
NAM_BUCKETS = {3: "0-3", 6: "3-6", 7: "6-7"}  # NAM nest APCP: 3-hour resetting buckets, then hourly


def put_nam(bucket: Bucket, msgs: dict[str, bytes]) -> None:
    """NAM nest 12z f03, f06, f07 with TMP 2 m and that hour's APCP bucket (real message bytes)."""
    nam = get_model("nam")
    for fh, window in NAM_BUCKETS.items():
        data, idx = build_file(
            "2026012912",
            [
                (f"TMP:2 m above ground:{fh} hour fcst", msgs["tmp2m_f01"]),
                (f"APCP:surface:{window} hour acc fcst", msgs["prate_f01"]),
            ],
        )
        put_file(bucket, nam.file_key(parse_run_id(NAM_RUN), fh), data, idx)


@pytest.fixture(autouse=True)
def fresh_inventories() -> Iterator[None]:
    """No test sees inventories another test's server (maybe on a reused port) served moments ago."""
    PROCESS_INVENTORIES.clear()
    yield
    PROCESS_INVENTORIES.clear()


@pytest.fixture
def make_server() -> Iterator[Callable[[], tuple[Bucket, BucketServer, Source]]]:
    """Start bucket servers on demand (a test may want a primary and a fallback); all stop afterwards."""
    started: list[BucketServer] = []

    def start() -> tuple[Bucket, BucketServer, Source]:
        bucket = Bucket()
        server = BucketServer(bucket).__enter__()
        started.append(server)
        return bucket, server, parse_source(server.url)

    yield start
    for server in started:
        server.__exit__()


@pytest.fixture
def transport() -> Iterator[Transport]:
    """Fast timeouts and backoff, and no request budget (the budget test builds its own)."""
    with Transport(FAST, RateBudgets({})) as t:
        yield t


@pytest.fixture
def hrrr_server(make_server, real_messages):  # noqa: ANN001, ANN201 - fixture plumbing
    """One bucket holding HRRR 2026-01-29 17z f00 and f01."""
    bucket, server, source = make_server()
    put_hrrr(bucket, real_messages)
    return bucket, server, source
