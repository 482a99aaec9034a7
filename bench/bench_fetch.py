"""Fetch benchmark: bytes fetched vs bytes needed, and throughput, for a full HRRR hour on a local bucket.

The "full" file has the real HRRR f06 inventory's 173 messages at their real sizes (~155 MB): the real sample
messages where the samples have them, GRIB2-framed filler of the upstream size elsewhere. It is served by the
test bucket server on 127.0.0.1 (keep-alive, Range, Last-Modified), and one frame of every HRRR variable is
fetched the way the scheduler fetches it. Reference: bytes fetched ≤ 1.05 × bytes needed.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from tests.conftest import SAMPLES_DIR
from tests.fetch.bucket_server import Bucket, BucketServer
from tests.fetch.gribfiles import split_messages

from twf.fetch.budget import RateBudgets
from twf.fetch.cache import DownloadCache
from twf.fetch.frame import fetch_frame_files
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


def run_once(source, variables, out: Path, concurrency: int, cache: DownloadCache | None) -> dict:
    policy = TransportPolicy(concurrency=concurrency)
    with Transport(policy, RateBudgets({})) as transport:
        started = time.perf_counter()
        files = fetch_frame_files(get_model("hrrr"), RUN, FH, variables, out, [source], transport=transport,
                                  cache=cache)
        seconds = time.perf_counter() - started
    fetched = files[FH]
    return {"seconds": seconds, "written": fetched.bytes_written, "downloaded": fetched.bytes_downloaded,
            "messages": len(fetched.messages)}


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
    print(f"{'case':<28}{'msgs':>5}{'requests':>9}{'needed MB':>10}{'fetched MB':>11}{'ratio':>7}"
          f"{'ref':>7}{'seconds':>9}{'MB/s':>8}")
    with BucketServer(bucket) as server, tempfile.TemporaryDirectory() as tmp:
        source = parse_source(server.url)
        cache = DownloadCache(Path(tmp) / "cache")
        cases = [
            ("cold, 1 connection", 1, None, 0.0),
            ("cold, 8 connections", 8, None, 0.0),
            ("50 ms away, 1 connection", 1, None, LATENCY_S),
            ("50 ms away, 8 connections", 8, None, LATENCY_S),
            ("cold, 8 conn + cache fill", 8, cache, 0.0),
            ("warm cache (idx only)", 8, cache, 0.0),
        ]
        for name, concurrency, case_cache, latency in cases:
            bucket.latency_seconds = latency
            before = len(bucket.log)
            r = run_once(source, variables, Path(tmp) / name.replace(" ", "_"), concurrency, case_cache)
            requests = len(bucket.log) - before
            ratio = r["downloaded"] / r["written"]
            print(f"{name:<28}{r['messages']:>5}{requests:>9}{r['written'] / 1e6:>10.2f}"
                  f"{r['downloaded'] / 1e6:>11.2f}{ratio:>7.3f}{REFERENCE_RATIO:>7.2f}{r['seconds']:>9.3f}"
                  f"{r['written'] / 1e6 / r['seconds']:>8.1f}")
            needed = r["written"]
        print(f"whole-file download: {len(data) / 1e6:.1f} MB = {len(data) / needed:.1f}x what is needed")


if __name__ == "__main__":
    main()
