"""Which messages a synthetic forecast-hour file holds.

First everything any frame of any variable of the model reads from that file (`twf.models.requirements`), so
a mirror of synthetic files builds every variable. Then decoys: messages a careless selector would take
instead, as the real files carry them, so fetch and builder tests meet upstream's pitfalls on synthetic data
too:

- a field at N m above ground gets a twin at N mb (`TMP:2 mb`, `UGRD:10 mb` in GFS files: an inventory
  search for `TMP:2 m` matches both);
- a run total (0-h window) gets the model's latest bucket ending at the same hour (HRRR's `APCP 5-6 hour acc`
  beside `0-6 hour acc`).
"""

from __future__ import annotations

from functools import cache

from twf.models import get_model
from twf.models.base import Buckets, Level, ModelSpec
from twf.models.requirements import MessageRequest, messages_for

# Elements whose N m field gets an N mb decoy: those with isobaric twins in real NCEP files.
_ISOBARIC_TWINS = frozenset({"TMP", "UGRD", "VGRD"})


@cache
def _requests_by_file(model_name: str) -> dict[int, tuple[MessageRequest, ...]]:
    """Forecast hour of a file → the requests that read from it, over every variable and frame hour."""
    model = get_model(model_name)
    hours = sorted({h for cycle in model.cycles for h in model.forecast_hours(cycle)})
    by_file: dict[int, dict[MessageRequest, None]] = {h: {} for h in hours}
    for var in model.variables.values():
        for fh in hours:
            for request in messages_for(model, var, fh):
                by_file.setdefault(request.fh, {})[request] = None
    return {h: tuple(requests) for h, requests in by_file.items()}


def needed_requests(model_name: str, fh: int) -> tuple[MessageRequest, ...]:
    """The messages some frame reads from the model's file at `fh` (empty for an hour it has no file)."""
    return _requests_by_file(model_name).get(fh, ())


def _bucket_ending(family: Buckets, fh: int) -> tuple[int, int] | None:
    if family.resetting:
        return ((fh - 1) // family.hours * family.hours, fh) if fh > 0 else None
    if fh % family.hours or (family.until is not None and fh > family.until) or fh < family.hours:
        return None
    return fh - family.hours, fh


def _decoys(model: ModelSpec, request: MessageRequest) -> list[MessageRequest]:
    value, _, kind = request.level.gdal.partition("-")
    if request.window is None and kind == "HTGL" and request.element in _ISOBARIC_TWINS:
        twin = Level(f"{int(value) * 100}-ISBL", f"{value} mb")
        return [MessageRequest(request.fh, request.element, twin)]
    if request.window == (0, request.fh) and not request.average:
        windows = (_bucket_ending(family, request.fh) for family in model.accumulation.buckets)
        window = next((w for w in windows if w is not None), None)
        if window is not None and window != request.window:
            return [MessageRequest(request.fh, request.element, request.level, window)]
    return []


@cache
def file_requests(model_name: str, fh: int) -> tuple[MessageRequest, ...]:
    """Every message the model's file at `fh` holds: the needed ones, then their decoys; no duplicates."""
    model = get_model(model_name)
    needed = needed_requests(model_name, fh)
    decoys = [d for r in needed for d in _decoys(model, r)]
    return tuple(dict.fromkeys([*needed, *decoys]))


@cache
def averaged_elements(model_name: str) -> frozenset[str]:
    """Elements some file of the model holds as a time average (GFS's bucket-averaged CSNOW)."""
    return frozenset(r.element for requests in _requests_by_file(model_name).values() for r in requests
                     if r.average)
