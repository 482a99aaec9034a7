"""The synthetic messages of one forecast-hour file: every field the model's variables read from it
(`twf.synthetic.plan`), filled from the synthetic weather.

Accumulations are integrated hour by hour (midpoint rule) from the run's start, so run totals never decrease,
buckets are exact differences of run totals, snowfall (10:1, in metres as HRRR's ASNOW) only falls where the
snow flag is set, and bucket-averaged flags are the fraction of the window a flag was set. Totals of the last
few hours are kept, so writing a run's files in order costs one extra state per hour.

Probability, percentile and spread twins (NBM) are drawn from their deterministic field but stay clearly
unlike it (a chance in percent, three quarters of the value, a small spread), so a frame built from a twin
by mistake shows.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from twf.models.base import Level, ModelSpec
from twf.models.products import EnsembleStdDev, Percentile, Probability, Qualifier
from twf.models.requirements import MessageRequest
from twf.synthetic.grib import SyntheticMessage
from twf.synthetic.plan import averaged_elements, file_requests
from twf.synthetic.weather import State, state_at

SNOW_TO_LIQUID = 10.0  # the 10:1 ratio; ASNOW is metres of snow, APCP kg/m^2 (= mm of liquid)
PTYPE_FLAGS = ("CRAIN", "CSNOW", "CICEP", "CFRZR")
_TOTALS_KEPT = 3  # run totals cached per run: the latest hour and the bucket starts before it

_ISOBARIC_850 = "85000-ISBL"
STRATOSPHERE_K = 216.65  # standard-atmosphere temperature above 20 km: what the `N mb` decoys hold

_INSTANT: dict[str, Callable[[State, Level], np.ndarray]] = {
    "TMP": lambda s, level: _temperature(s, level),
    "DPT": lambda s, level: s.dpt2m,
    "UGRD": lambda s, level: _aloft_wind(s.u10, level, np.float32(10.0)),
    "VGRD": lambda s, level: _aloft_wind(s.v10, level, np.float32(0.0)),
    "WIND": lambda s, level: s.wind,
    "GUST": lambda s, level: s.gust,
    "REFC": lambda s, level: s.refc,
    "PRMSL": lambda s, level: s.mslp,
    "MSLMA": lambda s, level: s.mslp,
    "PRATE": lambda s, level: s.rate / np.float32(3600.0),  # kg m^-2 s^-1
    **{flag: (lambda s, level, flag=flag: s.ptype[flag]) for flag in PTYPE_FLAGS},
}


def _is_isobaric(level: Level) -> bool:
    return level.gdal.endswith("-ISBL")


def _temperature(state: State, level: Level) -> np.ndarray:
    """2 m and 850 hPa from the weather; any other isobaric level (a decoy like `2 mb`) is stratospheric."""
    if level.gdal == _ISOBARIC_850:
        return state.t850
    if _is_isobaric(level):
        return np.float32(STRATOSPHERE_K) + np.float32(0.2) * (state.t850 - np.float32(260.0))
    return state.t2m


def _aloft_wind(surface: np.ndarray, level: Level, westerly: np.float32) -> np.ndarray:
    """10 m wind, or for an isobaric decoy (`10 mb`) a stronger, westerly-shifted version of it."""
    return np.float32(2.0) * surface + westerly if _is_isobaric(level) else surface


@dataclass(frozen=True)
class Totals:
    """Integrals from the run's start to one hour."""

    precip: np.ndarray  # kg/m^2
    snow: np.ndarray  # m of snow
    flag_hours: dict[str, np.ndarray]  # hours each averaged precipitation-type flag was set

    def accumulated(self, element: str) -> np.ndarray:
        if element == "APCP":
            return self.precip
        if element == "ASNOW":
            return self.snow
        raise ValueError(f"no synthetic accumulation for element {element!r}")


_cache: dict[tuple[str, datetime], OrderedDict[int, Totals]] = {}


def _zero_totals(shape: tuple[int, int], flags: frozenset[str]) -> Totals:
    zero = np.zeros(shape, np.float32)
    return Totals(zero, zero, {flag: zero for flag in flags})


def totals(model: ModelSpec, ref_time: datetime, hour: int) -> Totals:
    """Run totals at `hour`, integrated on from the latest cached hour before it."""
    cached = _cache.setdefault((model.name, ref_time), OrderedDict())
    if hour in cached:
        cached.move_to_end(hour)
        return cached[hour]
    start = max((h for h in cached if h < hour), default=0)
    # flag-hours only for the flags some file averages: each is one more grid-sized array per cached hour
    flags = averaged_elements(model.name) & set(PTYPE_FLAGS)
    current = cached[start] if start in cached else _zero_totals(model.native_grid.shape, flags)
    for h in range(start + 1, hour + 1):
        mid = state_at(model.name, ref_time, h - 0.5)  # midpoint rule: the hour's mean rate and type
        current = Totals(
            precip=current.precip + mid.rate,
            snow=current.snow + mid.rate * mid.ptype["CSNOW"] * np.float32(SNOW_TO_LIQUID / 1000.0),
            flag_hours={flag: current.flag_hours[flag] + mid.ptype[flag] for flag in flags},
        )
    cached[hour] = current
    while len(cached) > _TOTALS_KEPT:
        cached.popitem(last=False)
    if len(_cache) > 2:  # one or two runs are written at a time; drop older ones
        _cache.pop(next(iter(_cache)))
    return current


def _windowed(model: ModelSpec, ref_time: datetime, request: MessageRequest) -> np.ndarray:
    start, end = request.window
    later, earlier = totals(model, ref_time, end), totals(model, ref_time, start)
    if request.average:
        if request.element not in PTYPE_FLAGS:
            raise ValueError(f"no synthetic time average for element {request.element!r}")
        span = max(end - start, 1)
        return (later.flag_hours[request.element] - earlier.flag_hours[request.element]) / np.float32(span)
    return np.maximum(later.accumulated(request.element) - earlier.accumulated(request.element), 0.0)


def _instant(state: State, element: str, level: Level) -> np.ndarray:
    if element not in _INSTANT:
        raise ValueError(f"no synthetic field for element {element!r}")
    return _INSTANT[element](state, level)


def _chance_above(values: np.ndarray, threshold: float) -> np.ndarray:
    """Percent chance of exceeding `threshold`: a logistic ramp one threshold wide around it."""
    scale = np.float32(max(abs(threshold), 1e-3))
    return np.float32(100.0) / (np.float32(1.0) + np.exp(-(values - np.float32(threshold)) / scale))


def _qualified(values: np.ndarray, qualifier: Qualifier) -> np.ndarray:
    if isinstance(qualifier, Probability):
        above = _chance_above(values, qualifier.above) if qualifier.above is not None else np.float32(100.0)
        below = _chance_above(values, qualifier.below) if qualifier.below is not None else np.float32(0.0)
        return np.round(np.clip(above - below, 0.0, 100.0))
    if isinstance(qualifier, Percentile):
        return values * np.float32(0.25 + qualifier.value / 100)
    if isinstance(qualifier, EnsembleStdDev):
        return np.float32(0.5) + np.float32(0.02) * np.abs(values)
    raise ValueError(f"no synthetic values for {qualifier!r}")


def forecast_messages(model: ModelSpec, ref_time: datetime, fh: int) -> list[SyntheticMessage]:
    """Every message the model's file at `fh` holds, with synthetic values, in the plan's order."""
    requests = file_requests(model.name, fh)
    state = state_at(model.name, ref_time, fh) if any(r.window is None for r in requests) else None
    messages = []
    for r in requests:
        values = _instant(state, r.element, r.level) if r.window is None else _windowed(model, ref_time, r)
        if r.qualifier is not None:
            values = _qualified(values, r.qualifier)
        messages.append(SyntheticMessage(r.element, r.level, values, ref_time, r.fh, r.window, r.average,
                                         r.qualifier))
    return messages


def instant_messages(model: ModelSpec, ref_time: datetime, fh: int,
                     fields: Sequence[tuple[str, Level]]) -> list[SyntheticMessage]:
    """Just the instantaneous `(element, level)` fields at `fh`, in the given order: a file shaped like a
    hand-cut subset (the real samples' `TMP 2 m + PRATE`) rather than a whole forecast-hour file."""
    state = state_at(model.name, ref_time, fh)
    return [SyntheticMessage(element, level, _instant(state, element, level), ref_time, fh)
            for element, level in fields]
