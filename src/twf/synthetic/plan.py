"""Which messages a synthetic forecast-hour file holds.

First everything any frame of any variable of the model reads from that file (`twf.models.requirements`), so
a mirror of synthetic files builds every variable. Then decoys: messages a careless selector would take
instead, as the real files carry them, so fetch and builder tests meet upstream's pitfalls on synthetic data
too:

- a field at N m above ground gets a twin at N mb (`TMP:2 mb`, `UGRD:10 mb` in GFS files: an inventory
  search for `TMP:2 m` matches both);
- a run total (0-h window) gets the model's latest bucket ending at the same hour (HRRR's `APCP 5-6 hour acc`
  beside `0-6 hour acc`).

A model that declares its files' `record_layout` (NBM) gets exactly that instead of invented decoys: its
elements in the real file order, each deterministic record with its probability, percentile and spread
twins where the real files put them (APCP's probabilities before the QPF).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from twf.models import get_model
from twf.models.base import Buckets, Level, ModelSpec, Twins
from twf.models.requirements import MessageRequest, messages_for

# Elements whose N m field gets an N mb decoy: those with isobaric twins in real NCEP files.
_ISOBARIC_TWINS = frozenset({"TMP", "UGRD", "VGRD"})


# A file of a model: (forecast hour, product).
FileKey = tuple[int, str]


@cache
def _requests_by_file(model_name: str) -> dict[FileKey, tuple[MessageRequest, ...]]:
    """(forecast hour, product) of a file → the requests that read from it, over every variable and frame
    hour; the main product has a file at every hour, another product only where something reads it."""
    model = get_model(model_name)
    hours = sorted({h for cycle in model.cycles for h in model.forecast_hours(cycle)})
    by_file: dict[FileKey, dict[MessageRequest, None]] = {(h, model.main_product): {} for h in hours}
    for var in model.variables.values():
        for fh in hours:
            for request in messages_for(model, var, fh):
                by_file.setdefault((request.fh, request.product or model.main_product), {})[request] = None
    return {file: tuple(requests) for file, requests in by_file.items()}


def products_at(model_name: str, fh: int) -> tuple[str, ...]:
    """The products the model's synthetic files at `fh` are written for (the main product first)."""
    return tuple(product for h, product in _requests_by_file(model_name) if h == fh)


def needed_requests(model_name: str, fh: int, product: str | None = None) -> tuple[MessageRequest, ...]:
    """The messages some frame reads from the model's file of `product` (default: the main one) at `fh`
    (empty for an hour it has no file)."""
    product = product or get_model(model_name).main_product
    return _requests_by_file(model_name).get((fh, product), ())


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
        return [MessageRequest(request.fh, request.element, twin, product=request.product)]
    if request.window == (0, request.fh) and request.process == "acc":
        windows = (_bucket_ending(family, request.fh) for family in model.accumulation.buckets)
        window = next((w for w in windows if w is not None), None)
        if window is not None and window != request.window:
            return [MessageRequest(request.fh, request.element, request.level, window,
                                   product=request.product)]
    return []


def _with_twins(twins: Twins, records: list[MessageRequest]) -> list[MessageRequest]:
    """The records of `twins`' element (and of those laid out inside it) with their twins, in the order
    `twins` describes."""
    own = sorted((r for r in records if r.element == twins.element),
                 key=lambda r: (r.window[1] - r.window[0]) if r.window else 0)

    def around(record: MessageRequest) -> tuple[list[MessageRequest], list[MessageRequest]]:
        if record.qualifier is not None:  # a twin some variable reads on purpose has no twins of its own
            return [], []
        return ([replace(record, qualifier=q) for q in twins.before],
                [replace(record, qualifier=q) for q in twins.after])

    if twins.grouped:
        inner = [r for nested in twins.inner for r in _with_twins(nested, records)]
        befores, afters = zip(*map(around, own), strict=True) if own else ((), ())
        return [r for rs in befores for r in rs] + inner + own + [r for rs in afters for r in rs]
    laid: list[MessageRequest] = []
    for record in own:
        before, after = around(record)
        laid += [*before, record, *after]
    return laid


def _every_bucket(model: ModelSpec, request: MessageRequest) -> list[MessageRequest]:
    """An accumulation with every bucket the model's files carry at its hour (NBM f012: `11-12` and `6-12`),
    whichever of them the variables read."""
    if request.window is None or request.process != "acc":
        return [request]
    windows = (_bucket_ending(family, request.fh) for family in model.accumulation.buckets)
    return [request] + [replace(request, window=w) for w in windows if w is not None and w != request.window]


def _laid_out(model: ModelSpec, needed: tuple[MessageRequest, ...]) -> list[MessageRequest]:
    """The needed records in the model's file order, with their sibling buckets and twins; elements the
    layout does not name follow in the order they were needed."""
    records = list(dict.fromkeys(r for request in needed for r in _every_bucket(model, request)))
    laid = [r for twins in model.record_layout for r in _with_twins(twins, records)]
    named = {element for twins in model.record_layout for element in twins.elements()}
    return laid + [r for r in records if r.element not in named]


@cache
def file_requests(model_name: str, fh: int, product: str | None = None) -> tuple[MessageRequest, ...]:
    """Every message the model's file of `product` (default: the main one) at `fh` holds: the needed ones
    laid out as the model's files lay them out (with their twins), or, for a model without a
    `record_layout`, followed by decoys; no duplicates."""
    model = get_model(model_name)
    needed = needed_requests(model_name, fh, product)
    if model.record_layout:
        return _paired(model, tuple(dict.fromkeys(_laid_out(model, needed))))
    decoys = [d for r in needed for d in _decoys(model, r)]
    return _paired(model, tuple(dict.fromkeys([*needed, *decoys])))


def _paired(model: ModelSpec, requests: tuple[MessageRequest, ...]) -> tuple[MessageRequest, ...]:
    """`requests` with the second element of each of the model's `submessage_pairs` right after its first
    (same level, window and qualifier), where the writer makes the two one message."""
    seconds = {first: second for first, second in model.submessage_pairs}
    if not seconds:
        return requests
    present = set(requests)
    partners = {r: replace(r, element=seconds[r.element]) for r in requests if r.element in seconds}
    partners = {first: second for first, second in partners.items() if second in present}
    placed = set(partners.values())
    ordered: list[MessageRequest] = []
    for request in requests:
        if request not in placed:
            ordered += [request, partners[request]] if request in partners else [request]
    return tuple(ordered)


@cache
def averaged_elements(model_name: str) -> frozenset[str]:
    """Elements some file of the model holds as a time average (GFS's bucket-averaged CSNOW)."""
    return frozenset(r.element for requests in _requests_by_file(model_name).values() for r in requests
                     if r.statistic == "ave")
