"""wgrib2-style `.idx` inventories of GRIB2 files, read from the bytes themselves.

Each line is `n:byte_offset:d=YYYYMMDDHH:ELEMENT:level:forecast:qualifier`, spelled as NCEP's inventories
spell it (`2 m above ground`, `850 mb`, `3000-0 m above ground`, `90-0 mb above ground`, `anl`, `1 hour fcst`,
`0-6 hour acc fcst`, `0-1 day acc fcst`, `5-6 hour max fcst`, `6-12 hour acc@(fcst,dt=6 hour),missing=0`,
and after the forecast field wgrib2's qualifiers of probability, percentile and spread records: `prob
>0.254:prob fcst 255/255`, `50% level`, `ens std dev`), so a downloader can range-request synthetic files
exactly as it does the NOAA buckets.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from twf.atomic import write_bytes_atomic
from twf.models.products import Interval, interval, qualifier_text, template_values
from twf.models.requirements import STATISTICAL_PROCESSES
from twf.synthetic.codes import LEVEL_TEXTS, NO_SURFACE, element_of

_HOURS = 1  # GRIB2 code table 4.4: the only time unit we write
_NO_INCREMENT = 255  # code table 4.4 "missing": a continuous statistic


@dataclass(frozen=True)
class InventoryEntry:
    """One message of a GRIB2 file: where it starts and how wgrib2 names it."""

    offset: int
    length: int
    ref_time: str  # YYYYMMDDHH
    element: str
    level: str
    forecast: str
    qualifier: str = ""  # "" for a deterministic record

    def line(self, number: str) -> str:
        """As wgrib2 writes it (`n`, or `n.k` for the k-th field of a message of several): a deterministic
        record ends with `:`, a qualified one with its qualifier."""
        names = f"{self.element}:{self.level}:{self.forecast}:{self.qualifier}"
        return f"{number}:{self.offset}:d={self.ref_time}:{names}"


def level_text(surface_type: int, value: int, second_type: int = NO_SURFACE, second_value: int = 0) -> str:
    """wgrib2's text for a fixed surface or a layer between two (GRIB2 table 4.5); pressures are in Pa."""
    if surface_type in LEVEL_TEXTS:
        return LEVEL_TEXTS[surface_type]
    layer = second_type == surface_type
    if surface_type == 103:
        return f"{value}-{second_value} m above ground" if layer else f"{value} m above ground"
    if surface_type == 108 and layer:
        return f"{value / 100:g}-{second_value / 100:g} mb above ground"
    if surface_type == 100:
        return f"{value / 100:g} mb"
    raise ValueError(f"no inventory text for fixed-surface type {surface_type}")


def forecast_text(start: int, span: Interval | None = None) -> str:
    """`anl`, `N hour fcst`, or a window `S-E hour acc fcst`, in days when both ends are whole days; a window
    with a time increment (NBM's percentiles) is `S-E hour acc@(fcst,dt=N hour),missing=M`."""
    if span is None:
        return "anl" if start == 0 else f"{start} hour fcst"
    end = start + span.length
    window, unit = (f"{start // 24}-{end // 24}", "day") if start % 24 == 0 and end % 24 == 0 else (
        f"{start}-{end}", "hour")
    stat = STATISTICAL_PROCESSES[span.statistic]
    if span.increment and span.increment_unit != _NO_INCREMENT:
        return f"{window} {unit} {stat}@(fcst,dt={span.increment} hour),missing={span.missing}"
    return f"{window} {unit} {stat} fcst"


def _sections(message: bytes) -> Iterator[tuple[int, bytes]]:
    """(section number, section bytes) of one message, after the 16-byte section 0."""
    pos = 16
    while message[pos:pos + 4] != b"7777":
        length = struct.unpack(">I", message[pos:pos + 4])[0]
        yield message[pos + 4], message[pos:pos + length]
        pos += length


def _entry(offset: int, message: bytes, s1: bytes, s4: bytes) -> InventoryEntry:
    """The field of product section `s4` in the message at `offset` (identification section `s1`)."""
    discipline = message[6]
    year, month, day, hour = struct.unpack(">HBBB", s1[12:17])
    template = struct.unpack(">H", s4[7:9])[0]
    values = template_values(template, s4[9:])
    if values is None:
        raise ValueError(f"message at byte {offset}: product template 4.{template} is not supported")
    category, number, _, _, _, _, _, unit, start, surface_type, _, surface_value = values[:12]
    second_type, _, second_value = values[12:15]
    span = interval(template, values)
    if unit != _HOURS or (span is not None and span.unit != _HOURS):
        raise ValueError(f"message at byte {offset}: a time unit is not hours")
    return InventoryEntry(
        offset=offset, length=len(message), ref_time=f"{year:04d}{month:02d}{day:02d}{hour:02d}",
        element=element_of(discipline, category, number),
        level=level_text(surface_type, surface_value, second_type, second_value),
        forecast=forecast_text(start, span), qualifier=qualifier_text(template, values) or "",
    )


def _message_entries(offset: int, message: bytes) -> list[InventoryEntry]:
    """One entry per field of the message: each product section (4) starts one (sub-messages)."""
    sections = list(_sections(message))
    s1 = next(body for number, body in sections if number == 1)
    return [_entry(offset, message, s1, body) for number, body in sections if number == 4]


def inventory(data: bytes) -> list[list[InventoryEntry]]:
    """Every message of a GRIB2 file's bytes, from section 0's total lengths (exact byte offsets), as the
    list of its fields (one, or several sub-messages sharing the message's offset)."""
    messages, offset = [], 0
    while offset < len(data):
        if data[offset:offset + 4] != b"GRIB" or data[offset + 7] != 2:
            raise ValueError(f"no GRIB2 message starts at byte {offset}")
        length = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        message = data[offset:offset + length]
        if len(message) != length or message[-4:] != b"7777":
            raise ValueError(f"GRIB2 message at byte {offset} is truncated")
        messages.append(_message_entries(offset, message))
        offset += length
    return messages


def idx_path(grib_path: Path) -> Path:
    """`<file>.idx` beside a GRIB2 file, as the NOAA buckets name their inventories."""
    return grib_path.with_name(grib_path.name + ".idx")


def write_idx(grib_path: Path) -> Path:
    """Write `<file>.idx` (wgrib2 style) beside a GRIB2 file; it appears complete or not at all."""
    grib_path = Path(grib_path)
    lines = [entry.line(f"{n}.{k}" if len(fields) > 1 else str(n))
             for n, fields in enumerate(inventory(grib_path.read_bytes()), start=1)
             for k, entry in enumerate(fields, start=1)]
    index = idx_path(grib_path)
    write_bytes_atomic(index, "".join(line + "\n" for line in lines).encode())
    return index
