"""Which GRIB messages one frame needs, and at which forecast hours a variable can be built.

The fetch stage matches `.idx` lines to `MessageRequest`s and the builder matches GDAL band tags to them, so
both read the same answer from here. A run total is read directly where the model's files carry a 0..fh
window (`Accumulation.run_total_elements`), otherwise tiled from 0 by the model's bucket families, longest
first, each bucket coming from the file at its end hour (NAM's 3-hour resetting buckets, NBM's 6 h + 1 h).

A frame's plan (`FramePlan`) maps each input to its messages. Two spec shapes add to that:
- a change over `VarSpec.change_hours` also plans the same inputs that many hours earlier; buckets both ends
  share are dropped from both (24 h precipitation on NAM reads the buckets inside the window, not all since
  f000), and an accumulation's earlier end at f000 is zero (no messages);
- a running total (`VarSpec.running`) plans only the last bucket and names the frame hour whose total it
  continues (the bucket's start), so each frame reads one bucket whatever its hour.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from twf.models.base import Buckets, Input, Level, ModelSpec, Profile, Selector, VarSpec, overlay_inputs
from twf.models.products import Qualifier

# GRIB2 statistical process (code table 4.10) → the word wgrib2 inventories print for it; GDAL band tags give
# the number, `.idx` lines the word, and a request names its kind by the word.
STATISTICAL_PROCESSES: dict[int, str] = {0: "ave", 1: "acc", 2: "max", 3: "min"}

Window = tuple[int, int]


@dataclass(frozen=True)
class MessageRequest:
    """One GRIB message: the file (by forecast hour and product) holding it, and its exact identity there."""

    fh: int  # forecast hour of the upstream file that holds the message
    element: str  # GRIB element, e.g. "APCP"
    level: Level  # both spellings (GDAL short name, wgrib2 inventory text)
    window: Window | None = None  # accumulation/average/maximum window in hours; None = instantaneous
    process: str = "acc"  # statistic over the window (a `STATISTICAL_PROCESSES` word); unused without one
    qualifier: Qualifier | None = None  # None: the deterministic record, never a probability/spread twin
    product: str | None = None  # the model's file product holding it; None = the main one
    aerosol: bool = False  # may come with an aerosol product template (see `Selector.aerosol`)

    @property
    def qualifier_text(self) -> str:
        """What the record's inventory line carries after the forecast field ("" when deterministic)."""
        return self.qualifier.text if self.qualifier else ""

    @property
    def statistic(self) -> str | None:
        """`acc`, `ave`, `max` or `min` for a windowed field, None for an instantaneous one."""
        return None if self.window is None else self.process

    def describe(self) -> str:
        """Human text for error messages, e.g. `APCP 0-SFC 0-6 h acc in f006` (`[prob >0.254:...]` after
        the window for a qualified record, the product when it is not the main one)."""
        span = f" {self.window[0]}-{self.window[1]} h {self.statistic}" if self.window else ""
        qualified = f" [{self.qualifier_text}]" if self.qualifier else ""
        where = f" {self.product}" if self.product else ""
        return f"{self.element} {self.level.gdal}{span}{qualified} in{where} f{self.fh:03d}"


Requests = tuple[MessageRequest, ...]


@dataclass(frozen=True)
class FramePlan:
    """The messages one frame reads, per input (in the order the derivation receives them).

    `earlier`: for a change over time, the same inputs `change_hours` before (empty tuples: an accumulation's
    zero at f000). `continues`: for a running total, the frame hour whose total this frame adds to (None: it
    starts from zero). `overlays`: per overlay key, the messages of its own inputs at the frame's hour."""

    current: Mapping[str, Requests]
    earlier: Mapping[str, Requests] | None = None
    continues: int | None = None
    overlays: Mapping[str, Mapping[str, Requests]] = field(default_factory=dict)

    def requests(self) -> Requests:
        """Every message, without duplicates, in a stable order."""
        sides = [self.current, *([self.earlier] if self.earlier is not None else []), *self.overlays.values()]
        return tuple(dict.fromkeys(r for side in sides for requests in side.values() for r in requests))


def _bucket_end(family: Buckets, start: int, fh: int, hours: frozenset[int]) -> int | None:
    """End hour of the `family` bucket starting at `start` on the way to `fh`; None if there is none."""
    if start % family.hours:
        return None
    end = start + family.hours
    if family.resetting:
        end = min(end, fh)
    elif end > fh:
        return None
    if end not in hours or (family.until is not None and end > family.until):
        return None
    return end


@cache
def _file_hours(model_name: str) -> frozenset[int]:
    """Every forecast hour any cycle of the model has a file for."""
    from twf.models import get_model

    model = get_model(model_name)
    return frozenset(h for cycle in model.cycles for h in model.forecast_hours(cycle))


def bucket_windows(model: ModelSpec, fh: int) -> tuple[Window, ...] | None:
    """The buckets that tile 0..fh, or None if the model's files cannot tile it (e.g. NBM f039)."""
    hours = _file_hours(model.name)
    windows: list[Window] = []
    start = 0
    while start < fh:
        ends = (_bucket_end(family, start, fh, hours) for family in model.accumulation.buckets)
        end = next((e for e in ends if e is not None), None)
        if end is None:
            return None
        windows.append((start, end))
        start = end
    return tuple(windows) if windows else None


def _previous_file_hour(model: ModelSpec, fh: int) -> int | None:
    earlier = [h for h in _file_hours(model.name) if h < fh]
    return max(earlier) if earlier else None


def _selector_requests(model: ModelSpec, selector: Selector, fh: int) -> Requests | None:
    """The messages one selector needs at `fh` (several for a summed run total); None if none can be built."""
    def request(at: int, window: Window | None = None, process: str = "acc") -> MessageRequest:
        return MessageRequest(at, selector.element, selector.level, window, process, selector.qualifier,
                              selector.product, selector.aerosol)

    if selector.window is None:
        return (request(fh),)
    if selector.window == "interval_max":
        previous = _previous_file_hour(model, fh)
        return (request(fh, (previous, fh), "max"),) if previous is not None else None
    if selector.window == "run_total" and selector.element in model.accumulation.run_total_elements:
        return (request(fh, (0, fh)),) if fh > 0 else None
    windows = bucket_windows(model, fh)
    if windows is None:
        return None
    process = "ave" if selector.window == "bucket_average" else "acc"
    return tuple(request(end, (start, end), process) for start, end in windows)


def _at(input_: Input, fh: int) -> Requests:
    """An instantaneous input's messages at `fh`: one, or one per level of a profile."""
    selectors = input_.selectors() if isinstance(input_, Profile) else (input_,)
    return tuple(MessageRequest(fh, s.element, s.level, qualifier=s.qualifier, product=s.product,
                                aerosol=s.aerosol) for s in selectors)


def _is_instant(input_: Input) -> bool:
    return isinstance(input_, Profile) or input_.window is None


def _tiled(model: ModelSpec, var: VarSpec) -> bool:
    """Reads the model's buckets one by one: bucket inputs, or a run total the files do not carry whole."""
    whole = model.accumulation.run_total_elements
    return var.bucketed or any(isinstance(s, Selector) and s.window == "run_total" and s.element not in whole
                               for s in var.inputs.values())


PerBucket = dict[str, list[Requests]]


def _windowed(model: ModelSpec, var: VarSpec, fh: int) -> tuple[tuple[Window, ...], PerBucket] | None:
    """For a tiled variable (`_tiled`): the buckets tiling 0..fh and, per input, its messages bucket by bucket
    (an instantaneous input, profiles included, is read at each bucket's end, so the lists pair up)."""
    windows = bucket_windows(model, fh)
    if windows is None:
        return None
    per_bucket: PerBucket = {}
    for name, input_ in var.inputs.items():
        if _is_instant(input_):
            per_bucket[name] = [_at(input_, end) for _, end in windows]
        else:
            requests = _selector_requests(model, input_, fh)
            if requests is None or len(requests) != len(windows):
                return None
            per_bucket[name] = [(r,) for r in requests]
    return windows, per_bucket


def _flat(per_bucket: Mapping[str, list[Requests]], first: int = 0) -> dict[str, Requests]:
    return {name: tuple(r for group in groups[first:] for r in group) for name, groups in per_bucket.items()}


def _plain(model: ModelSpec, var: VarSpec, fh: int) -> dict[str, Requests] | None:
    """Each input's messages at `fh` for a variable that is not tiled by buckets."""
    plan: dict[str, Requests] = {}
    for name, input_ in var.inputs.items():
        requests = _at(input_, fh) if _is_instant(input_) else _selector_requests(model, input_, fh)
        if requests is None:
            return None
        plan[name] = requests
    return plan


def _change_plan(model: ModelSpec, var: VarSpec, fh: int, hours: int) -> FramePlan | None:
    before = fh - hours
    if not _earlier_exists(var, before, tuple(_file_hours(model.name))):
        return None
    if not _tiled(model, var):
        current = _plain(model, var, fh)
        if before == 0 and var.accumulated:
            earlier: dict[str, Requests] | None = {name: () for name in var.inputs}
        else:
            earlier = _plain(model, var, before)
        return FramePlan(current, earlier) if current is not None and earlier is not None else None
    now = _windowed(model, var, fh)
    then = _windowed(model, var, before) if before > 0 else ((), {name: [] for name in var.inputs})
    if now is None or then is None:
        return None
    shared = 0
    while shared < min(len(now[0]), len(then[0])) and now[0][shared] == then[0][shared]:
        shared += 1
    return FramePlan(_flat(now[1], shared), _flat(then[1], shared))


def frame_plan(model: ModelSpec, var: VarSpec, fh: int) -> FramePlan | None:
    """What frame `fh` of `var` reads, or None if the model's files cannot make that frame."""
    plan = _field_plan(model, var, fh)
    if plan is None or not var.overlays:
        return plan
    return replace(plan, overlays={o.key: {name: _at(s, fh) for name, s in overlay_inputs(o).items()}
                                   for o in var.overlays})


def _field_plan(model: ModelSpec, var: VarSpec, fh: int) -> FramePlan | None:
    """The messages of the variable's own field at `fh` (see `frame_plan`)."""
    if var.change_hours:
        return _change_plan(model, var, fh, var.change_hours)
    if not _tiled(model, var):
        plan = _plain(model, var, fh)
        return FramePlan(plan) if plan is not None else None
    windowed = _windowed(model, var, fh)
    if windowed is None:
        return None
    windows, per_bucket = windowed
    if var.running:
        start = windows[-1][0]
        return FramePlan(_flat(per_bucket, len(windows) - 1), continues=start or None)
    return FramePlan(_flat(per_bucket))


def messages_for(model: ModelSpec, var: VarSpec, fh: int) -> Requests:
    """Every message needed to build frame `fh` of `var`, without duplicates, in a stable order.

    Empty when the frame cannot be built (see `frame_hours`).
    """
    plan = frame_plan(model, var, fh)
    return plan.requests() if plan is not None else ()


def frame_plans(model: ModelSpec, var: VarSpec, cycle: int) -> dict[int, FramePlan]:
    """The plan of every frame of `var` a `cycle` run can make, by forecast hour (accumulations start after
    f000; a change over N hours starts at fN; a running total's frames need the frame they continue)."""
    hours = model.forecast_hours(cycle)
    plans: dict[int, FramePlan] = {}
    for fh in hours:
        plan = frame_plan(model, var, fh)
        if plan is None or (plan.continues is not None and plan.continues not in plans):
            continue
        if var.change_hours and not _earlier_exists(var, fh - var.change_hours, hours):
            continue
        plans[fh] = plan
    return plans


def frame_hours(model: ModelSpec, var: VarSpec, cycle: int) -> tuple[int, ...]:
    """The forecast hours of a `cycle` run at which `var` can be built (see `frame_plans`)."""
    return tuple(frame_plans(model, var, cycle))


def _earlier_exists(var: VarSpec, before: int, hours: tuple[int, ...]) -> bool:
    """The earlier end of a change is among `hours` (or is an accumulation's zero at f000)."""
    return (before == 0 and var.accumulated) or before in hours


def planned_hours(model_name: str, var_name: str, cycle: int) -> tuple[int, ...]:
    """`frame_hours` of a registered model's variable, worked out once per process for each set of forecast
    hours the model's cycles have (plans depend on nothing else): the API asks on every series request, and
    the plan arithmetic costs ~1 ms per variable of a long run."""
    return _registered_hours(model_name, var_name, _first_cycle_like(model_name, cycle))


@cache
def _first_cycle_like(model_name: str, cycle: int) -> int:
    """The model's first cycle whose runs have the forecast hours of `cycle`'s."""
    from twf.models import get_model

    model = get_model(model_name)
    hours = model.forecast_hours(cycle)
    return next((c for c in model.cycles if model.forecast_hours(c) == hours), cycle)


@cache
def _registered_hours(model_name: str, var_name: str, cycle: int) -> tuple[int, ...]:
    from twf.models import get_model

    model = get_model(model_name)
    return frame_hours(model, model.variables[var_name], cycle)


def work_out_plans(var_names: Iterable[str]) -> None:
    """`planned_hours` of these variables of every registered model that has them, for every cycle, now
    rather than in a first request (~2 ms per variable and set of forecast hours)."""
    from twf.models import REGISTRY

    for model in REGISTRY.values():
        for cycle in model.cycles:
            for var_name in set(var_names) & set(model.variables):
                planned_hours(model.name, var_name, cycle)
