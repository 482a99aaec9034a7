"""wgrib2 `.idx` inventories: parse them, pick exactly the messages a frame needs, make byte ranges.

An inventory line is `n:offset:d=YYYYMMDDHH:ELEMENT:level text:forecast:qualifier` (sub-messages share an
offset as `n.1`, `n.2`). A message runs from its offset to the next larger offset minus one (ranges are
inclusive, as HTTP's are); the last one runs to the end of the file, which the inventory does not know, so its
range is left open (`end=None`) and the server's Content-Range tells the size.

Matching is exact on element, level text, the forecast field and the qualifier: `TMP:2 m above ground` never
matches `TMP:2 mb`, a run total `0-6 hour acc fcst` never matches the bucket `5-6 hour acc fcst`, an
instantaneous field must carry the file's own forecast hour (an inventory of another hour is stale), and a
line with anything after the forecast field (NBM's `prob >0.254:prob fcst 255/255`, `50% level`,
`ens std dev`) is a probability, percentile or spread twin that only a request naming that very qualifier
matches (`twf.models.products`): the deterministic record is the line with nothing after its forecast field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from twf.errors import FetchError, MessageNotFound
from twf.models.requirements import MessageRequest

_UNIT_HOURS = {"min": 1 / 60, "hour": 1, "day": 24, "month": 24 * 30}  # month: never asked for, parsed anyway
_INSTANT_RE = re.compile(r"^(\d+) (min|hour|day) fcst$")
# `S-E hour acc fcst`, or with a time increment as NBM's percentile records carry it:
# `11-12 hour acc@(fcst,dt=1 hour),missing=0`.
_WINDOW_RE = re.compile(
    r"^(\d+)-(\d+) (min|hour|day|month) (acc|ave|max|min)"
    r"(?: fcst|@\(fcst,dt=\d+ (?:min|hour|day)\),missing=\d+)$"
)


@dataclass(frozen=True)
class Forecast:
    """The forecast field of an inventory line: an instant (`anl`, `N hour fcst`) or a window statistic."""

    statistic: str | None  # None (instantaneous), "acc", "ave", "max", "min"
    start: float
    end: float


@dataclass(frozen=True)
class IdxEntry:
    number: str
    start: int
    end: int | None  # inclusive; None = to the end of the file
    element: str
    level: str
    forecast_text: str
    qualifier: str = ""  # everything after the forecast field; "" for the deterministic record

    @property
    def forecast(self) -> Forecast | None:
        return parse_forecast(self.forecast_text)

    @property
    def label(self) -> str:
        """The line as the inventory spells it: `APCP:surface:6-12 hour acc fcst` (then `:ens std dev`...)."""
        qualified = f":{self.qualifier}" if self.qualifier else ""
        return f"{self.element}:{self.level}:{self.forecast_text}{qualified}"


@dataclass(frozen=True, order=True)
class ByteRange:
    start: int
    end: int | None  # inclusive; None = open-ended

    @property
    def header(self) -> str:
        return f"bytes={self.start}-" if self.end is None else f"bytes={self.start}-{self.end}"

    @property
    def length(self) -> int | None:
        return None if self.end is None else self.end - self.start + 1


def parse_forecast(text: str) -> Forecast | None:
    """`anl` → instant 0; `6 hour fcst` → instant 6; `0-1 day acc fcst` → acc over 0..24 h; else None."""
    if text == "anl":
        return Forecast(None, 0, 0)
    if m := _INSTANT_RE.match(text):
        hours = int(m.group(1)) * _UNIT_HOURS[m.group(2)]
        return Forecast(None, hours, hours)
    if m := _WINDOW_RE.match(text):
        unit = _UNIT_HOURS[m.group(3)]
        return Forecast(m.group(4), int(m.group(1)) * unit, int(m.group(2)) * unit)
    return None


def parse_idx(text: str, *, url: str = "inventory") -> list[IdxEntry]:
    """Parse an inventory into entries with inclusive byte ranges. Raises FetchError on a malformed line."""
    rows: list[tuple[str, int, str, str, str, str]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split(":", 6)
        if len(fields) < 6 or not fields[1].isdigit() or not fields[2].startswith("d="):
            raise FetchError(f"{url}: line {lineno} is not a wgrib2 inventory line: {line[:80]!r}")
        qualifier = fields[6].removesuffix(":") if len(fields) > 6 else ""
        rows.append((fields[0], int(fields[1]), fields[3], fields[4], fields[5], qualifier))
    offsets = sorted({row[1] for row in rows})
    next_offset = dict(zip(offsets, offsets[1:], strict=False))
    return [
        IdxEntry(number, offset, next_offset[offset] - 1 if offset in next_offset else None, *names)
        for number, offset, *names in rows
    ]


def matches(entry: IdxEntry, request: MessageRequest) -> bool:
    """Exact element + level text + forecast field for the request's file hour and window + qualifier."""
    return entry.qualifier == request.qualifier_text and _same_field(entry, request)


def _same_field(entry: IdxEntry, request: MessageRequest) -> bool:
    """Element, level and forecast field agree, whatever the qualifier."""
    if entry.element != request.element or entry.level != request.level.idx:
        return False
    forecast = entry.forecast
    if forecast is None:
        return False
    if request.window is None:
        return forecast.statistic is None and forecast.end == request.fh
    return forecast.statistic == request.statistic and (forecast.start, forecast.end) == tuple(request.window)


def select(
    entries: Sequence[IdxEntry], requests: Iterable[MessageRequest], *, url: str = "inventory"
) -> list[IdxEntry]:
    """One entry per request, in file order. Identical duplicates (GFS f006 carries two `APCP 0-6 hour acc`
    lines) resolve to the first, so the choice is deterministic. Raises MessageNotFound naming what is
    missing (and, where only qualified twins of it exist, which).
    """
    chosen: dict[tuple[int, str], IdxEntry] = {}  # by offset and number: sub-messages share an offset
    missing: list[str] = []
    for request in requests:
        hit = next((e for e in entries if matches(e, request)), None)
        if hit is None:
            missing.append(request.describe() + _twins(entries, request))
        else:
            chosen[(hit.start, hit.number)] = hit
    if missing:
        raise MessageNotFound(f"{url}: no inventory line for {', '.join(missing)}")
    return [chosen[k] for k in sorted(chosen)]


def _twins(entries: Sequence[IdxEntry], request: MessageRequest) -> str:
    """` (only: line 78 `prob >0.254:prob fcst 255/255`)`: the lines that differ from the request only by
    their qualifier, so an operator sees that the record exists, but not as the one asked for."""
    twins = [e for e in entries if _same_field(e, request)][:3]
    if not twins:
        return ""
    return " (only: " + ", ".join(f"line {e.number} `{e.qualifier or 'deterministic'}`" for e in twins) + ")"


def merge_ranges(entries: Iterable[IdxEntry]) -> list[ByteRange]:
    """Inclusive ranges of the entries, sorted, with adjacent or overlapping ones merged into one request."""
    merged: list[ByteRange] = []
    for r in sorted({ByteRange(e.start, e.end) for e in entries}, key=lambda r: r.start):
        last = merged[-1] if merged else None
        if last is not None and last.end is not None and r.start <= last.end + 1:
            end = None if r.end is None else max(last.end, r.end)
            merged[-1] = ByteRange(last.start, end)
        else:
            merged.append(r)
    return merged
