"""Integrity checks on downloaded bytes: a range either is exactly what was asked for, or it is an error.

Upstream failure modes these catch: a server that ignores `Range` and answers `200` with the whole file, a
body cut short by a dropped connection, a Content-Range for other bytes than requested, and a stale `.idx`
whose offsets no longer fall on message boundaries of a rewritten file (the bytes are not `GRIB`...`7777`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from twf.errors import FetchError, NotYetAvailable
from twf.fetch.idx import ByteRange

_CONTENT_RANGE_RE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
_SECTION0_BYTES = 16  # "GRIB", 2 reserved, discipline, edition, 8-byte total length (GRIB2 section 0)
_END_MARK = b"7777"


@dataclass(frozen=True)
class ContentRange:
    start: int
    end: int
    total: int | None


def parse_content_range(value: str | None) -> ContentRange | None:
    if not value or not (m := _CONTENT_RANGE_RE.match(value.strip())):
        return None
    total = None if m.group(3) == "*" else int(m.group(3))
    return ContentRange(int(m.group(1)), int(m.group(2)), total)


def check_range_response(
    url: str, rng: ByteRange, status: int, content_range: str | None, body: bytes
) -> int | None:
    """Raise FetchError unless the response is a 206 of exactly `rng`; return the file size if sent."""
    if status != 206:
        raise FetchError(
            f"{url} [{rng.header}]: HTTP {status} instead of 206 Partial Content ({len(body)} bytes)"
        )
    served = parse_content_range(content_range)
    if served is None:
        raise FetchError(f"{url} [{rng.header}]: 206 without a usable Content-Range ({content_range!r})")
    expected_end = rng.end if rng.end is not None else (served.total - 1 if served.total else served.end)
    if served.start != rng.start or served.end != expected_end:
        raise FetchError(f"{url} [{rng.header}]: server sent bytes {served.start}-{served.end} instead")
    if len(body) != served.end - served.start + 1:
        raise FetchError(
            f"{url} [{rng.header}]: body has {len(body)} bytes, expected {served.end - served.start + 1}"
        )
    return served.total


def grib_message_lengths(data: bytes) -> list[int]:
    """Lengths of the GRIB2 messages that exactly tile `data`; raises ValueError where they do not."""
    lengths: list[int] = []
    pos = 0
    while pos < len(data):
        head = data[pos : pos + _SECTION0_BYTES]
        if len(head) < _SECTION0_BYTES or head[:4] != b"GRIB":
            raise ValueError(f"no GRIB header at byte {pos}")
        if head[7] != 2:
            raise ValueError(f"GRIB edition {head[7]} at byte {pos}, expected 2")
        length = int.from_bytes(head[8:16], "big")
        if length < _SECTION0_BYTES + len(_END_MARK) or pos + length > len(data):
            raise ValueError(f"message at byte {pos} claims {length} bytes, {len(data) - pos} remain")
        if data[pos + length - 4 : pos + length] != _END_MARK:
            raise ValueError(f"message at byte {pos} does not end with 7777")
        lengths.append(length)
        pos += length
    if not lengths:
        raise ValueError("empty")
    return lengths


def check_grib(url: str, rng: ByteRange, data: bytes, expected_messages: int) -> None:
    """Raise FetchError unless `data` is exactly `expected_messages` whole GRIB2 messages (stale .idx)."""
    try:
        count = len(grib_message_lengths(data))
    except ValueError as exc:
        raise FetchError(f"{url} [{rng.header}]: not whole GRIB2 messages ({exc}); stale .idx?") from None
    if count != expected_messages:
        raise FetchError(
            f"{url} [{rng.header}]: {count} GRIB2 messages, the .idx lists {expected_messages} (stale .idx?)"
        )


def is_settled(local: bool, last_modified: datetime | None, stable_seconds: float, now: datetime) -> bool:
    """Whether a file is complete and will not change: a local mirror's (written by atomic writers), or a
    remote one whose Last-Modified is at least `stable_seconds` old (a remote file without one is not)."""
    if local:
        return True
    return last_modified is not None and (now - last_modified).total_seconds() >= stable_seconds


def check_stable(url: str, last_modified: datetime | None, stable_seconds: float, now: datetime) -> None:
    """Raise NotYetAvailable while a file is younger than `stable_seconds` (it may still be uploading)."""
    if stable_seconds <= 0 or last_modified is None:
        return
    age = (now - last_modified).total_seconds()
    if age < stable_seconds:
        raise NotYetAvailable(
            f"{url}: Last-Modified {age:.0f} s ago, waiting until it is {stable_seconds:.0f} s old"
        )
