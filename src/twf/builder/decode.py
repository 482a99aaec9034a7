"""GRIB2 files → the exact messages a frame asked for, as float32 arrays on their native grid.

Messages are matched by GDAL band tags (element, level short name, forecast hour, window, statistic and the
product template's qualifier: never a probability or spread twin in place of the deterministic record), never
by band number: message order shifts between forecast hours and two GFS APCP messages can share one
inventory label. Only the matched bands are decoded. Units stay as GRIB stores them
(`GRIB_NORMALIZE_UNITS=NO`: K, Pa, m/s, kg/m²).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioError

from twf.errors import CorruptGrib, MessageNotFound
from twf.models.products import interval, qualifier_text, template_widths
from twf.models.requirements import STATISTICAL_PROCESSES, MessageRequest

# Raw GRIB units; global lat/lon grids shifted to -180..180 (GFS's 0..360 would split CONUS at the edge),
# pinned here so a user's GDAL configuration cannot change either.
GDAL_ENV = {"GRIB_NORMALIZE_UNITS": "NO", "GRIB_ADJUST_LONGITUDE_RANGE": "YES"}
# GDAL 3.10 reads band metadata from a wgrib2 `.idx` beside the file when there is one: its byte offsets
# describe the full upstream file, not our subsets, and it reports an accumulation's forecast time as the
# window's end. The messages themselves are the only truth.
GDAL_OPEN_OPTIONS = {"USE_IDX": "NO"}
_SECTION0_BYTES = 16
_END_MARKER = b"7777"

# Code table 4.4 time units in hours (minute, hour, day, 3/6/12 hours, second).
_UNIT_HOURS = {0: 1 / 60, 1: 1, 2: 24, 10: 3, 11: 6, 12: 12, 13: 1 / 3600}
_PROBABILITY_TEMPLATES = frozenset({5, 9})  # GDAL names their bands `ProbAPCP06`, `ProbTMP12`
_PERCENTILE_TEMPLATES = frozenset({6, 10})  # and these `ASNOW50`
# Chemistry fields (HRRR-Smoke's MASSDEN) may be written with the aerosol templates instead of 4.0:
# deterministic too, they only add the aerosol's type. Only a request for such a field (`aerosol`) takes them.
_AEROSOL_TEMPLATES = frozenset({44, 48})
# GDAL's GRIB driver reads every message's sections when it opens a file (~10 ms a message on HRRR; a
# scheduler's hour subset holds ~45 for the whole catalogue), and a worker builds every variable of the
# hour from that one file: so the last few files stay open, keyed by their identity on disk. Decoding one
# HRRR message (complex packing) costs 0.1-0.3 s and several variables read the same ones (850 hPa
# temperature, surface pressure, the Kuchera profile): the last decoded arrays are kept too, read-only.
OPEN_FILES_KEPT = 4
DECODED_BYTES_KEPT = 128 * 2**20


@dataclass(frozen=True)
class BandKey:
    """What a GRIB band is, in the terms of `MessageRequest`."""

    element: str
    level: str
    fh: int  # end of the window, or the forecast hour of an instantaneous field
    window: tuple[int, int] | None
    statistic: str | None  # "acc", "ave", another statistic, or None for an instantaneous field
    # What wgrib2 prints after the forecast field ("" for the deterministic record); None for a product
    # template this project does not read, which matches no request.
    qualifier: str | None = ""
    aerosol: bool = False  # an aerosol product template (instantaneous)

    def matches(self, request: MessageRequest) -> bool:
        if (self.element, self.level, self.fh, self.window) != (
            request.element, request.level.gdal, request.fh, request.window,
        ):
            return False
        if self.aerosol:
            return request.aerosol and request.window is None and request.qualifier is None
        return self.statistic == request.statistic and self.qualifier == request.qualifier_text


@dataclass(frozen=True)
class Message:
    """One decoded message and where it came from."""

    request: MessageRequest
    file: Path
    data: np.ndarray  # float32, NaN where the message has no value; read-only (decoded arrays are shared)
    crs: CRS
    transform: Affine
    ref_time: datetime
    valid_time: datetime


def check_structure(path: Path) -> None:
    """Walk the GRIB2 section-0 headers: every message must start with `GRIB` and end with `7777`.

    GDAL happily opens a truncated file and only fails (or returns garbage) when the cut message is decoded;
    this check turns that into a clear `CorruptGrib` before any work is done. It reads 20 bytes per message.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            offset = 0
            while offset < size:
                fh.seek(offset)
                header = fh.read(_SECTION0_BYTES)
                if len(header) < _SECTION0_BYTES or header[:4] != b"GRIB" or header[7] != 2:
                    raise CorruptGrib(f"{path.name}: no GRIB2 message at byte {offset}")
                length = int.from_bytes(header[8:16], "big")
                if offset + length > size:
                    raise CorruptGrib(f"{path.name}: truncated (message at byte {offset} needs {length} "
                                      f"bytes, the file ends after {size - offset})")
                fh.seek(offset + length - 4)
                if fh.read(4) != _END_MARKER:
                    raise CorruptGrib(f"{path.name}: message at byte {offset} does not end with 7777")
                offset += length
    except OSError as exc:
        raise CorruptGrib(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        raise CorruptGrib(f"{path.name}: empty file")


def band_key(tags: dict[str, str]) -> BandKey:
    """Read a band's identity from GDAL's GRIB tags; the window is [start, start + interval length].

    The product template decides what the band is (`twf.models.products`): 4.0/4.8 deterministic, 4.2/4.12
    an ensemble statistic, 4.5/4.9 a probability, 4.6/4.10 a percentile, anything else unknown. Its
    qualifier text is the one the record's `.idx` line carries, so fetch and decode pick the same record.
    """
    start_h = int(tags.get("GRIB_FORECAST_SECONDS", "0").split()[0]) / 3600  # older GDAL: "3600 sec"
    template = int(tags.get("GRIB_PDS_PDTN", "0"))
    values = [int(v) for v in tags.get("GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES", "").split()]
    known = template_widths(template)
    if known is None or len(values) != len(known):
        qualifier, span = None, None
    else:
        qualifier, span = qualifier_text(template, values), interval(template, values)
    window = None
    statistic = None
    if span is not None:
        statistic = STATISTICAL_PROCESSES.get(span.statistic, f"stat{span.statistic}")
        length_h = span.length * _UNIT_HOURS.get(span.unit, float("nan"))
        window = (round(start_h), round(start_h + length_h)) if length_h == length_h else None
    fh = window[1] if window else round(start_h)
    element = _element(tags.get("GRIB_ELEMENT", ""), template, window)
    return BandKey(element, tags.get("GRIB_SHORT_NAME", ""), fh, window, statistic, qualifier,
                   template in _AEROSOL_TEMPLATES)


def _element(name: str, template: int, window: tuple[int, int] | None) -> str:
    """GDAL (degrib) decorates element names: it appends the window length in hours to accumulated
    elements (`APCP06`, `APCP120`), the level to percentiles (`ASNOW50`) and hours to probabilities, which
    it also prefixes (`ProbAPCP06`, `ProbTMP12`). Those trailing digits are the decoration, not part of the
    name (no NCEP element we select ends in a digit)."""
    probability = template in _PROBABILITY_TEMPLATES
    if probability:
        name = name.removeprefix("Prob")
    if window is not None or probability or template in _PERCENTILE_TEMPLATES:
        name = name.rstrip("0123456789")
    return name


def _utc(tags: dict[str, str], name: str) -> datetime:
    return datetime.fromtimestamp(int(tags[name].split()[0]), tz=UTC)


@dataclass(frozen=True)
class _Band:
    number: int
    key: BandKey
    ref_time: datetime
    valid_time: datetime


@dataclass(frozen=True)
class _OpenFile:
    dataset: rasterio.DatasetReader
    bands: tuple[_Band, ...]  # the bands with a reference time, with their identity


_open_files: OrderedDict[tuple, _OpenFile] = OrderedDict()
_decoded: OrderedDict[tuple, np.ndarray] = OrderedDict()


def _open(path: Path) -> _OpenFile:
    """The file opened and its bands' identities read, reused while the file on disk is the same one."""
    identity = _identity(path)
    if identity in _open_files:
        _open_files.move_to_end(identity)
        return _open_files[identity]
    dataset = rasterio.open(path, **GDAL_OPEN_OPTIONS)
    try:
        bands = []
        for number in range(1, dataset.count + 1):
            tags = dataset.tags(number)
            if "GRIB_REF_TIME" in tags:
                bands.append(_Band(number, band_key(tags), _utc(tags, "GRIB_REF_TIME"),
                                   _utc(tags, "GRIB_VALID_TIME")))
    except BaseException:
        dataset.close()
        raise
    _open_files[identity] = _OpenFile(dataset, tuple(bands))
    while len(_open_files) > OPEN_FILES_KEPT:
        _open_files.popitem(last=False)[1].dataset.close()
    return _open_files[identity]


def _identity(path: Path) -> tuple:
    stat = path.stat()
    return str(path.resolve()), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


def _decoded_band(path: Path, ds: rasterio.DatasetReader, band: int) -> np.ndarray:
    """`_read`, or the array this band of this very file decoded to lately (read-only: shared)."""
    key = (*_identity(path), band)
    if key in _decoded:
        _decoded.move_to_end(key)
        return _decoded[key]
    data = _read(ds, band)
    data.flags.writeable = False
    _decoded[key] = data
    while sum(a.nbytes for a in _decoded.values()) > DECODED_BYTES_KEPT:
        _decoded.popitem(last=False)
    return data


def forget_decoded() -> None:
    """Drop the kept decoded arrays (open files stay open): a benchmark then times each frame's own decoding
    as the first variable of an hour to read those messages pays it."""
    _decoded.clear()


def forget_open_files() -> None:
    """Close the files kept open (and drop the decoded arrays): a benchmark times an hour's first open."""
    forget_decoded()
    while _open_files:
        _open_files.popitem()[1].dataset.close()


def decode(gribs: Sequence[Path], requests: Iterable[MessageRequest], ref_time: datetime) -> list[Message]:
    """Decode each request's message from whichever of `gribs` holds it (first match wins).

    Raises MessageNotFound naming every missing message, CorruptGrib for unreadable or truncated files.
    """
    wanted = list(dict.fromkeys(requests))
    for path in gribs:
        check_structure(Path(path))
    found: dict[MessageRequest, Message] = {}
    with rasterio.Env(**GDAL_ENV):
        for path in map(Path, gribs):
            pending = [r for r in wanted if r not in found]
            if not pending:
                break
            try:
                opened = _open(path)
                ds = opened.dataset
                for band in (b for b in opened.bands if b.ref_time == ref_time):
                    for request in [r for r in pending if r not in found and band.key.matches(r)]:
                        data = _decoded_band(path, ds, band.number)
                        found[request] = Message(request, path, data, ds.crs, ds.transform, band.ref_time,
                                                 band.valid_time)
            except RasterioError as exc:
                raise CorruptGrib(f"{path.name}: GDAL cannot read it ({str(exc).splitlines()[0]})") from None
            except (ValueError, IndexError, KeyError) as exc:  # tags GDAL could not fill in sensibly
                raise CorruptGrib(f"{path.name}: unreadable GRIB metadata ({exc})") from None
    missing = [r for r in wanted if r not in found]
    if missing:
        names = ", ".join(Path(p).name for p in gribs)
        raise MessageNotFound(f"{'; '.join(r.describe() for r in missing)} not found in {names}")
    return [found[r] for r in wanted]


def _read(ds: rasterio.DatasetReader, band: int) -> np.ndarray:
    """One band as float32 with NaN for GRIB bitmap holes (GDAL reports them as the band's nodata).

    Read in the band's own type (float64), which GDAL copies straight from the decoded message instead of
    through a block-cache copy, then narrowed by numpy (the same rounding): a 15 MB allocation less per
    message: radar_ptype (5 messages) decodes in 0.28-0.31 s instead of 0.36-0.42 (cold process)."""
    data = ds.read(band).astype(np.float32, copy=False)
    nodata = ds.nodatavals[band - 1]
    if nodata is not None and not np.isnan(nodata):
        data[data == np.float32(nodata)] = np.nan
    return data
