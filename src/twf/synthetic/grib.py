"""Write GRIB2 files that read back through GDAL exactly like NCEP's: same grid (and scanning order), element,
level (layers included), times and product templates (4.0 instantaneous, 4.8 accumulations, averages and
maxima; for qualified records
NBM's 4.2/4.12 spread, 4.5/4.9 probabilities and 4.6/4.10 percentiles), so every stage downstream can be
tested, and the demo can run, without internet.

Each message goes through GDAL's own GRIB writer (one CreateCopy per message, then concatenated as NCEP's
files are), complex packing with second-order spatial differencing: smooth fields pack to a few hundred KB
and a 15-20-message HRRR file is written in about a second (`bench/bench_synthetic.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import rasterio
from rasterio._err import CPLE_BaseError  # GDAL's own errors; rasterio exports no public name
from rasterio.io import MemoryFile
from rasterio.shutil import copy as gdal_copy

from twf.atomic import write_bytes_atomic
from twf.models.base import Level, ModelSpec, NativeGrid
from twf.models.products import Percentile, Qualifier
from twf.synthetic.codes import PARAMETERS, STATISTIC_CODES, surfaces_of
from twf.synthetic.inventory import write_idx

__all__ = ["SyntheticMessage", "write_grib2", "write_idx", "message_bytes"]

# Section 1 octet 11, "version of local tables", sits at byte 26 of a message (16-byte section 0, then
# octet 11 of section 1). GDAL always writes 0; NCEP writes 1, and GDAL reports it in GRIB_IDS.
_LOCAL_TABLE_OFFSET = 26
_NCEP_LOCAL_TABLE = 1
_IDS = "CENTER=7 SUBCENTER=0 MASTER_TABLE=2 SIGNF_REF_TIME=1 REF_TIME={ref} PROD_STATUS=0 TYPE=1"
_FORECAST, _HOURS, _MISSING = 2, 1, 255  # GRIB2 code tables 4.3, 4.4 and the "no second surface" type
_SUCCESSIVE_FORECASTS = 2  # code table 4.11: the statistic runs over forecast times of one run
# Section 3 (template 3.30, Lambert conformal) octet 65: the scanning mode (flag table 3.4). GDAL writes 0x40,
# rows south to north, each west to east; 0x10 added makes every second row run east to west (NBM's 0x50).
_LAMBERT_SCANNING_OCTET, _LAMBERT_TEMPLATE = 64, 30
_ALTERNATE_ROWS = 0x10
_AVERAGE_DECIMALS = 2  # a time-averaged 0/1 flag is a fraction of the window (GFS's 0-6 h CSNOW average)
_ENCODINGS = (
    {"DATA_ENCODING": "COMPLEX_PACKING", "SPATIAL_DIFFERENCING_ORDER": "2"},
    {"DATA_ENCODING": "COMPLEX_PACKING", "SPATIAL_DIFFERENCING_ORDER": "0"},
    {"DATA_ENCODING": "SIMPLE_PACKING"},
)


@dataclass(frozen=True)
class SyntheticMessage:
    """One GRIB2 message to write, in upstream units (K, Pa, m/s, kg/m^2, m, dBZ, 0/1 flags)."""

    element: str  # "TMP", "APCP", "CSNOW", ...
    level: Level
    values: np.ndarray  # the model's native_grid.shape
    ref_time: datetime
    fh: int  # forecast hour of the file holding the message (the window's end for accumulations)
    window: tuple[int, int] | None = None  # accumulation/average/maximum window in hours (start, end)
    process: str = "acc"  # the statistic over the window: "acc", "ave", "max" or "min"
    qualifier: Qualifier | None = None  # a probability/percentile/spread twin; None: the deterministic record


def _product_template(message: SyntheticMessage, process: int) -> tuple[int, str]:
    """(template number, GDAL's PDS_TEMPLATE_ASSEMBLED_VALUES) as NCEP encodes them.

    Statistical templates (4.8, 4.9 ...) put the window's start in the forecast-time field and its end as a
    date, so GDAL's GRIB_FORECAST_SECONDS is the start of the window, as in upstream files. NBM's percentiles
    of an accumulation carry a time increment as long as the window, which wgrib2 prints as
    `6-12 hour acc@(fcst,dt=6 hour),missing=0`.
    """
    parameter = PARAMETERS[message.element]
    first, first_value, second, second_value = surfaces_of(message.level)
    start = message.window[0] if message.window else message.fh
    base = [parameter.category, parameter.number, _FORECAST, 0, process, 0, 0, _HOURS, start,
            first, 0, first_value, second, 0, second_value]
    template, extra = message.qualifier.template(message.window is not None) if message.qualifier else (
        8 if message.window else 0, ())
    if message.window is None:
        return template, " ".join(map(str, [*base, *extra]))
    begin, end = message.window
    t = message.ref_time.astimezone(UTC) + timedelta(hours=end)
    stat = STATISTIC_CODES[message.process]
    increment = (_HOURS, end - begin) if isinstance(message.qualifier, Percentile) else (_MISSING, 0)
    # end of interval; one time range, none missing; statistic over a window of `end - begin` hours
    interval = [t.year, t.month, t.day, t.hour, t.minute, t.second, 1, 0,
                stat, _SUCCESSIVE_FORECASTS, _HOURS, end - begin, *increment]
    return template, " ".join(map(str, [*base, *extra, *interval]))


def _check(message: SyntheticMessage, grid: NativeGrid) -> None:
    if message.element not in PARAMETERS:
        raise ValueError(f"no GRIB2 code for element {message.element!r}")
    if message.values.shape != grid.shape:
        raise ValueError(f"{message.element} values have shape {message.values.shape}, grid is {grid.shape}")
    if message.window is not None and message.window[1] != message.fh:
        raise ValueError(f"{message.element} window {message.window} does not end at file hour {message.fh}")
    if message.qualifier is not None and message.window is not None and message.process != "acc":
        raise ValueError(f"{message.element}: no qualified time averages or maxima are written")


def message_bytes(model: ModelSpec, message: SyntheticMessage) -> bytes:
    """One complete GRIB2 message (`GRIB` ... `7777`) written by GDAL on the model's native grid."""
    grid = model.native_grid
    _check(message, grid)
    parameter = PARAMETERS[message.element]
    template, assembled = _product_template(message, model.grib_generating_process)
    averaged = message.window is not None and message.process == "ave"
    decimals = max(parameter.decimals, _AVERAGE_DECIMALS) if averaged else parameter.decimals
    values = np.round(message.values.astype(np.float32), decimals)
    if grid.alternate_rows_reversed:
        values = _alternate_rows(values)
    profile = {"driver": "MEM", "width": grid.width, "height": grid.height, "count": 1, "dtype": "float32",
               "crs": grid.crs, "transform": rasterio.Affine(*grid.transform)}
    options = {
        "DISCIPLINE": str(parameter.discipline),
        "IDS": _IDS.format(ref=message.ref_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
        "PDS_PDTN": str(template), "PDS_TEMPLATE_ASSEMBLED_VALUES": assembled,
        "DECIMAL_SCALE_FACTOR": str(decimals),
        "INPUT_UNIT": "K",  # GDAL would otherwise take temperatures as °C
    }
    with rasterio.open("", "w", **profile) as source:  # GDAL's MEM driver: no file format to encode
        source.write(values, 1)
        data = bytearray(_pack(source, options))
    data[_LOCAL_TABLE_OFFSET] = _NCEP_LOCAL_TABLE
    if grid.alternate_rows_reversed:
        _set_alternate_rows_scanning(data)
    return bytes(data)


def _alternate_rows(values: np.ndarray) -> np.ndarray:
    """The field with every second row reversed, counted in GDAL's writing order (from the southern row):
    packed in that order, the message's data is the boustrophedon sequence a 0x50 scanning mode declares."""
    reordered = values.copy()
    odd = np.arange(values.shape[0])[::-1] % 2 == 1  # raster row r is row (rows - 1 - r) from the south
    reordered[odd] = values[odd, ::-1]
    return reordered


def _set_alternate_rows_scanning(message: bytearray) -> None:
    """Add the alternate-rows flag to section 3's scanning mode (GDAL itself never writes it)."""
    pos = 16
    while message[pos + 4] != 3:
        pos += int.from_bytes(message[pos:pos + 4], "big")
    if int.from_bytes(message[pos + 12:pos + 14], "big") != _LAMBERT_TEMPLATE:
        raise ValueError("alternate-row scanning is only written for Lambert conformal grids (template 3.30)")
    message[pos + _LAMBERT_SCANNING_OCTET] |= _ALTERNATE_ROWS


def _pack(source: rasterio.io.DatasetWriter, options: dict[str, str]) -> bytes:
    """The first packing GDAL manages: its complex packer (g2clib) fails on some fields ("Error while
    packing"), so spatial differencing falls back to plain complex, then to simple packing."""
    failure: Exception | None = None
    for encoding in _ENCODINGS:
        with MemoryFile(ext=".grib2") as grib_file:
            try:
                gdal_copy(source, grib_file.name, driver="GRIB", **options, **encoding)
            except CPLE_BaseError as exc:
                failure = exc
                continue
            return grib_file.read()
    raise ValueError(f"GDAL could not pack the message: {failure}")


def _fields(message: bytes) -> tuple[bytes, bytes]:
    """A one-field message's sections 1-3 (identification, local use, grid) and 4-7 (the field itself)."""
    head, field, pos = [], [], 16
    while message[pos:pos + 4] != b"7777":
        length = int.from_bytes(message[pos:pos + 4], "big")
        (head if message[pos + 4] < 4 else field).append(message[pos:pos + length])
        pos += length
    return b"".join(head), b"".join(field)


def _joined(first: bytes, second: bytes) -> bytes:
    """Two one-field messages on the same grid as one message of two fields (sub-messages), as NCEP writes
    a wind's components: the second field's sections 4-7 follow the first's before the end section."""
    head, field = _fields(first)
    body = head + field + _fields(second)[1]
    return first[:8] + (16 + len(body) + 4).to_bytes(8, "big") + body + b"7777"


def _pairs_with(model: ModelSpec, first: SyntheticMessage, second: SyntheticMessage) -> bool:
    def where(m: SyntheticMessage) -> tuple[object, ...]:
        return m.level, m.ref_time, m.fh, m.window, m.process, m.qualifier

    return (first.element, second.element) in model.submessage_pairs and where(first) == where(second)


def write_grib2(path: Path, model: ModelSpec, messages: Sequence[SyntheticMessage]) -> Path:
    """Write `messages` in order as one GRIB2 file, each of the model's `submessage_pairs` that follow each
    other as one message; the file appears complete or not at all."""
    path = Path(path)
    for message in messages:
        _check(message, model.native_grid)
    written: list[bytes] = []
    pending = list(messages)
    while pending:
        message = pending.pop(0)
        data = message_bytes(model, message)
        if pending and _pairs_with(model, message, pending[0]):
            data = _joined(data, message_bytes(model, pending.pop(0)))
        written.append(data)
    write_bytes_atomic(path, b"".join(written))
    return path
