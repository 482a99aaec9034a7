""" "Full" upstream files for the fetch tests: real NOAA GRIB2 messages concatenated, with a matching `.idx`.

The samples are themselves concatenations of whole messages, so they are split at section-0 boundaries
(bytes 8-15 of a GRIB2 message hold its total length) and re-assembled in upstream order under inventory
labels; the offsets in the generated `.idx` point at those bytes, as upstream's do at theirs.
"""

from __future__ import annotations

from pathlib import Path


def split_messages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    messages, pos = [], 0
    while pos < len(data):
        assert data[pos : pos + 4] == b"GRIB", f"{path}: no GRIB at {pos}"
        length = int.from_bytes(data[pos + 8 : pos + 16], "big")
        messages.append(data[pos : pos + length])
        pos += length
    return messages


def build_file(run_date_hour: str, messages: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    """(file bytes, .idx text) for `(label, message)` pairs; label is `ELEMENT:level:forecast`."""
    data, lines = b"", []
    for n, (label, message) in enumerate(messages, 1):
        lines.append(f"{n}:{len(data)}:d={run_date_hour}:{label}:")
        data += message
    return data, "\n".join(lines) + "\n"
