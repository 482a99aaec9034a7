"""Which GRIB messages one frame needs, and at which forecast hours a variable can be built.

The fetch stage matches `.idx` lines to `MessageRequest`s and the builder matches GDAL band tags to them, so
both read the same answer from here. A run total is read directly where the model's files carry a 0..fh
window (`Accumulation.run_total_elements`), otherwise tiled from 0 by the model's bucket families, longest
first, each bucket coming from the file at its end hour (NAM's 3-hour resetting buckets, NBM's 6 h + 1 h).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from twf.models.base import Buckets, Level, ModelSpec, Selector, VarSpec
from twf.models.products import Qualifier

# GRIB2 statistical process (code table 4.10) → the word wgrib2 inventories print for it; GDAL band tags give
# the number, `.idx` lines the word, and a request names its kind by the word.
STATISTICAL_PROCESSES: dict[int, str] = {0: "ave", 1: "acc"}


@dataclass(frozen=True)
class MessageRequest:
    """One GRIB message: the file (by forecast hour) that holds it, and its exact identity in that file."""

    fh: int  # forecast hour of the upstream file that holds the message
    element: str  # GRIB element, e.g. "APCP"
    level: Level  # both spellings (GDAL short name, wgrib2 inventory text)
    window: tuple[int, int] | None = None  # accumulation/average window in hours; None = instantaneous
    average: bool = False  # time-averaged field (GFS "0-6 hour ave fcst"), else accumulation
    qualifier: Qualifier | None = None  # None: the deterministic record, never a probability/spread twin

    @property
    def qualifier_text(self) -> str:
        """What the record's inventory line carries after the forecast field ("" when deterministic)."""
        return self.qualifier.text if self.qualifier else ""

    @property
    def statistic(self) -> str | None:
        """`acc` or `ave` for a windowed field, None for an instantaneous one."""
        if self.window is None:
            return None
        return "ave" if self.average else "acc"

    def describe(self) -> str:
        """Human text for error messages, e.g. `APCP 0-SFC 0-6 h acc in f006` (`[prob >0.254:...]` after
        the window for a qualified record)."""
        span = f" {self.window[0]}-{self.window[1]} h {self.statistic}" if self.window else ""
        qualified = f" [{self.qualifier_text}]" if self.qualifier else ""
        return f"{self.element} {self.level.gdal}{span}{qualified} in f{self.fh:03d}"


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


def bucket_windows(model: ModelSpec, fh: int) -> tuple[tuple[int, int], ...] | None:
    """The buckets that tile 0..fh, or None if the model's files cannot tile it (e.g. NBM f039)."""
    hours = _file_hours(model.name)
    windows: list[tuple[int, int]] = []
    start = 0
    while start < fh:
        ends = (_bucket_end(family, start, fh, hours) for family in model.accumulation.buckets)
        end = next((e for e in ends if e is not None), None)
        if end is None:
            return None
        windows.append((start, end))
        start = end
    return tuple(windows) if windows else None


def input_requests(model: ModelSpec, selector: Selector, fh: int) -> tuple[MessageRequest, ...] | None:
    """The messages one input needs at `fh` (several for a summed run total); None if it cannot be built."""
    element, level, qualifier = selector.element, selector.level, selector.qualifier
    if selector.window is None:
        return (MessageRequest(fh, element, level, qualifier=qualifier),)
    if selector.window == "run_total" and element in model.accumulation.run_total_elements:
        return (MessageRequest(fh, element, level, (0, fh), qualifier=qualifier),) if fh > 0 else None
    windows = bucket_windows(model, fh)
    if windows is None:
        return None
    average = selector.window == "bucket_average"
    return tuple(MessageRequest(end, element, level, (start, end), average, qualifier)
                 for start, end in windows)


def bucketed_inputs(model: ModelSpec, var: VarSpec, fh: int) -> dict[str, tuple[MessageRequest, ...]] | None:
    """Each of `var`'s inputs mapped to its requests, or None if any input cannot be built at `fh`.

    Instantaneous inputs of a variable that also has bucket inputs (NAM's CSNOW beside APCP buckets in 10:1
    snowfall) are read at each bucket's end hour, so the two lists pair up bucket by bucket.
    """
    bucketed = any(s.window in ("bucket", "bucket_average") for s in var.inputs.values())
    windows = bucket_windows(model, fh) if bucketed else None
    if bucketed and windows is None:
        return None
    plan: dict[str, tuple[MessageRequest, ...]] = {}
    for name, selector in var.inputs.items():
        if bucketed and selector.window is None:
            requests = tuple(r for _, end in windows for r in input_requests(model, selector, end) or ())
        else:
            requests = input_requests(model, selector, fh)
        if requests is None:
            return None
        plan[name] = requests
    return plan


def messages_for(model: ModelSpec, var: VarSpec, fh: int) -> tuple[MessageRequest, ...]:
    """Every message needed to build frame `fh` of `var`, without duplicates, in a stable order.

    Empty when the frame cannot be built (see `frame_hours`).
    """
    plan = bucketed_inputs(model, var, fh) or {}
    return tuple(dict.fromkeys(r for requests in plan.values() for r in requests))


def frame_hours(model: ModelSpec, var: VarSpec, cycle: int) -> tuple[int, ...]:
    """The forecast hours of a `cycle` run at which `var` can be built (accumulations start after f000)."""
    return tuple(fh for fh in model.forecast_hours(cycle) if bucketed_inputs(model, var, fh) is not None)
