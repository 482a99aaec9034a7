"""Fetch benchmark: bytes fetched vs bytes needed, and throughput, for a full HRRR hour on a local bucket.

The "full" file has the real HRRR f06 inventory's 173 messages at their real sizes (~155 MB): the real sample
messages where the samples have them, GRIB2-framed filler of the upstream size elsewhere. It is served by the
test bucket server on 127.0.0.1 (keep-alive, Range, Last-Modified), and one frame of every HRRR variable is
fetched the way the scheduler fetches it. Reference: bytes fetched ≤ 1.05 × bytes needed.

Then what the in-process inventory cache and concurrent run-total files save: every variable of the hour
fetched one call at a time (the scheduler's per-variable fallback) with and without reusing the `.idx`, and
a NAM run total at f36, summed from 12 three-hour bucket files, 50 ms away, one file at a time vs at once,
followed by the f33 frame whose 11 inventories were just read.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.conftest import SAMPLES_DIR
from tests.fetch.bucket_server import Bucket, BucketServer
from tests.fetch.gribfiles import build_file, split_messages

from twf.fetch.budget import RateBudgets
from twf.fetch.cache import DownloadCache
from twf.fetch.frame import fetch_frame_files
from twf.fetch.inventory import InventoryCache
from twf.fetch.sources import parse_source
from twf.fetch.transport import Transport, TransportPolicy
from twf.models import get_model
from twf.store import parse_run_id

RUN, FH = "20260129_17z", 6
HRRR_DIR = SAMPLES_DIR / "hrrr" / RUN
REFERENCE_RATIO = 1.05


def filler(size: int) -> bytes:
    """A GRIB2-framed message of `size` bytes (section 0 with its length, zero body, `7777`)."""
    return b"GRIB\0\0\0\x02" + size.to_bytes(8, "big") + bytes(size - 20) + b"7777"


def full_hrrr_file() -> tuple[bytes, str]:
    """(data, .idx) shaped like the real wrfsfcf06: same labels, order and message sizes."""
    lines = (HRRR_DIR / "hrrr.t17z.wrfsfcf06.grib2.idx").read_text().splitlines()
    offsets = [int(line.split(":")[1]) for line in lines]
    sizes = [b - a for a, b in zip(offsets, offsets[1:], strict=False)] + [2_000_000]
    tmp, prate = split_messages(HRRR_DIR / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2")
    refc, _ = split_messages(HRRR_DIR / "hrrr.t17z.wrfsfcf01.refc-prate.grib2")
    real = {"TMP:2 m above ground": tmp, "PRATE:surface": prate, "REFC:entire atmosphere": refc}
    parts, idx, pos = [], [], 0
    for line, size in zip(lines, sizes, strict=True):
        n, _, date, element, level, forecast = line.split(":")[:6]
        message = real.get(f"{element}:{level}") or filler(size)
        idx.append(f"{n}:{pos}:{date}:{element}:{level}:{forecast}:")
        parts.append(message)
        pos += len(message)
    return b"".join(parts), "\n".join(idx) + "\n"


LATENCY_S = 0.05  # a bucket ~50 ms away: where fetching a frame's ranges concurrently pays off
NAM_RUN, NAM_FH = "20260129_12z", 36
NAM_MESSAGE_BYTES = 1_500_000  # about a NAM CONUS nest field


def nam_bucket_files(bucket: Bucket) -> None:
    """NAM nest 12z f01..f36, each TMP 2 m, its APCP bucket (3-hourly resetting) and UGRD 10 m."""
    model = get_model("nam")
    for fh in range(1, NAM_FH + 1):
        start = fh - (fh - 1) % 3 - 1
        labels = [f"TMP:2 m above ground:{fh} hour fcst", f"APCP:surface:{start}-{fh} hour acc fcst",
                  f"UGRD:10 m above ground:{fh} hour fcst"]
        data, idx = build_file("2026012912", [(label, filler(NAM_MESSAGE_BYTES)) for label in labels])
        key = model.file_key(parse_run_id(NAM_RUN), fh)
        bucket.put(key, data)
        bucket.put(key + model.idx_suffix, idx.encode())


def run_once(
    source, model: str, run: str, fh: int, calls: list[list[str]], out: Path, concurrency: int,
    cache: DownloadCache | None, inventories: InventoryCache,
) -> dict:
    """Fetch frame `fh` once per variable list in `calls`; totals over every file written."""
    policy = TransportPolicy(concurrency=concurrency)
    written = downloaded = messages = 0
    with Transport(policy, RateBudgets({})) as transport:
        started = time.perf_counter()
        for variables in calls:
            files = fetch_frame_files(get_model(model), run, fh, variables, out, [source],
                                      transport=transport, cache=cache, inventories=inventories)
            written += sum(f.bytes_written for f in files.values())
            downloaded += sum(f.bytes_downloaded for f in files.values())
            messages += sum(len(f.messages) for f in files.values())
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "written": written, "downloaded": downloaded, "messages": messages}


def main() -> None:
    if not HRRR_DIR.is_dir():
        print(f"skipped: real samples not found at {HRRR_DIR}")
        return
    model = get_model("hrrr")
    data, idx = full_hrrr_file()
    bucket = Bucket()
    key = model.file_key(parse_run_id(RUN), FH)
    bucket.put(key, data)
    bucket.put(key + model.idx_suffix, idx.encode())
    variables = list(model.variables)
    print(f"full file: {len(data) / 1e6:.1f} MB, {idx.count(chr(10))} messages; frame: hrrr {RUN} f{FH:02d}, "
          f"{len(variables)} variables ({', '.join(variables)})")
    nam_bucket_files(bucket)
    with BucketServer(bucket) as server, tempfile.TemporaryDirectory() as tmp:
        source = parse_source(server.url)
        cache = DownloadCache(Path(tmp) / "cache")
        kept = InventoryCache()
        every = [variables]
        one_by_one = [[v] for v in variables]
        total = [["precip_total"]]
        fresh = InventoryCache
        hrrr, nam = ("hrrr", RUN, FH), ("nam", NAM_RUN, NAM_FH)
        # (name, frame, calls, connections, download cache, inventories, latency)
        cases = [
            ("cold, 1 connection", hrrr, every, 1, None, fresh(), 0.0),
            ("cold, 8 connections", hrrr, every, 8, None, fresh(), 0.0),
            ("50 ms away, 1 connection", hrrr, every, 1, None, fresh(), LATENCY_S),
            ("50 ms away, 8 connections", hrrr, every, 8, None, fresh(), LATENCY_S),
            ("cold, 8 conn + cache fill", hrrr, every, 8, cache, fresh(), 0.0),
            ("warm cache (idx only)", hrrr, every, 8, cache, fresh(), 0.0),
            ("per variable, idx re-read", hrrr, one_by_one, 8, None, fresh(ttl_seconds=0), LATENCY_S),
            ("per variable, idx kept", hrrr, one_by_one, 8, None, fresh(), LATENCY_S),
            ("NAM f36 total, 1 conn", nam, total, 1, None, fresh(), LATENCY_S),
            ("NAM f36 total, 8 conn", nam, total, 8, None, kept, LATENCY_S),
            ("NAM f33 total next, idx kept", ("nam", NAM_RUN, 33), total, 8, None, kept, LATENCY_S),
        ]
        print(f"{'case':<31}{'msgs':>5}{'requests':>9}{'idx GETs':>9}{'needed MB':>10}{'fetched MB':>11}"
              f"{'ratio':>7}{'ref':>7}{'seconds':>9}{'MB/s':>8}")
        for name, (model_name, run, fh), calls, concurrency, case_cache, inventories, latency in cases:
            bucket.latency_seconds = latency
            before = len(bucket.log)
            r = run_once(source, model_name, run, fh, calls, Path(tmp) / name.replace(" ", "_"), concurrency,
                         case_cache, inventories)
            asked = bucket.log[before:]
            idx_gets = sum(1 for _, method, key, _ in asked if method == "GET" and key.endswith(".idx"))
            ratio = r["downloaded"] / r["written"]
            print(f"{name:<31}{r['messages']:>5}{len(asked):>9}{idx_gets:>9}{r['written'] / 1e6:>10.2f}"
                  f"{r['downloaded'] / 1e6:>11.2f}{ratio:>7.3f}{REFERENCE_RATIO:>7.2f}{r['seconds']:>9.3f}"
                  f"{r['written'] / 1e6 / r['seconds']:>8.1f}")
            if name == "cold, 1 connection":
                needed = r["written"]
        print(f"whole-file download: {len(data) / 1e6:.1f} MB = {len(data) / needed:.1f}x what is needed")

if __name__ == "__main__":
    main()
