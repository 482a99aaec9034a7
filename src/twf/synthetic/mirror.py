"""A folder laid out exactly like a NOAA bucket (`model.file_key(ref_time, fh, product)`), holding synthetic
full forecast-hour files (of every file product some variable reads) and their `.idx` inventories: what the
fetch stage reads as `mirror:PATH`.

Writing is idempotent: a file whose GRIB2 and `.idx` are both present, agree and hold the records the
variables read today is left alone, so re-running only fills in what is missing, was cut short, or was
written before a variable or overlay started reading another field.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from twf.models.base import ModelSpec
from twf.models.requirements import MessageRequest
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import write_grib2, write_idx
from twf.synthetic.inventory import idx_path
from twf.synthetic.plan import file_requests, products_at


def forecast_file_path(root: Path, model: ModelSpec, ref_time: datetime, fh: int,
                       product: str | None = None) -> Path:
    return Path(root) / model.file_key(ref_time, fh, product)


def _message_count(grib_path: Path) -> int | None:
    """Number of whole GRIB2 messages, from section 0 headers only; None if the file is cut short."""
    size, count, offset = grib_path.stat().st_size, 0, 0
    with grib_path.open("rb") as f:
        while offset < size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 16 or header[:4] != b"GRIB":
                return None
            offset += struct.unpack(">Q", header[8:16])[0]
            count += 1
    return count if offset == size else None


def is_complete(grib_path: Path, requests: Sequence[MessageRequest]) -> bool:
    """Both files exist, the inventory lists exactly the file's messages, and those are the records
    `requests` asks for in order (element and level): a file written for an older catalogue, one that lacks
    a field a variable or overlay has started to read, is not complete."""
    index = idx_path(grib_path)
    if not (grib_path.is_file() and index.is_file()):
        return False
    lines = [line.split(":") for line in index.read_text().splitlines()]
    listed = [(parts[3], parts[4]) for parts in lines if len(parts) > 4]
    wanted = [(r.element, r.level.idx) for r in requests]
    return listed == wanted and _message_count(grib_path) == len(lines)


def write_forecast_file(root: Path, model: ModelSpec, ref_time: datetime, fh: int,
                        product: str | None = None) -> tuple[Path, bool]:
    """(path, written): the synthetic file of one forecast hour (of `product`, default the main one) and its
    `.idx`, unless already complete."""
    path = forecast_file_path(root, model, ref_time, fh, product)
    if is_complete(path, file_requests(model.name, fh, product)):
        return path, False
    write_grib2(path, model, forecast_messages(model, ref_time, fh, product))
    write_idx(path)
    return path, True


def write_forecast_files(root: Path, model: ModelSpec, ref_time: datetime,
                         fh: int) -> list[tuple[Path, bool]]:
    """`write_forecast_file` for every product some variable reads at `fh` (the main one first)."""
    return [write_forecast_file(root, model, ref_time, fh, product)
            for product in products_at(model.name, fh)]


def write_mirror(root: Path, model: ModelSpec, ref_time: datetime, hours: Iterable[int]) -> list[Path]:
    """Write (or complete) a run's files for `hours`, in ascending order so run totals integrate once."""
    return [path for fh in sorted(set(hours)) for path, _ in write_forecast_files(root, model, ref_time, fh)]
