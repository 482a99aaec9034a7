"""The synthetic messages of one forecast-hour file: every field the model's variables read from it
(`twf.synthetic.plan`), filled from the synthetic weather (`weather` near the surface, `aloft` above).

Accumulations are integrated hour by hour (midpoint rule) from the run's start, so run totals never decrease,
buckets are exact differences of run totals, snowfall (10:1, in metres as HRRR's ASNOW) and snow water only
fall where the snow flag is set, freezing rain (and NBM's ice accretion) where the freezing-rain flag is, and
bucket-averaged flags are the fraction of the window a flag was set. Hourly maxima (updraft helicity) are
the largest of three looks across the hour. Totals of the last few hours are kept, so writing a run's files in
order costs one extra state per hour. Winds are written grid-relative on grids whose winds are
(`NativeGrid.grid_relative_winds`), as the real files are.

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

from twf.builder.geometry import geometry, to_grid
from twf.models import get_model
from twf.models.base import Level, ModelSpec
from twf.models.products import EnsembleStdDev, Percentile, Probability, Qualifier
from twf.models.requirements import MessageRequest
from twf.synthetic import aloft
from twf.synthetic.grib import SyntheticMessage
from twf.synthetic.plan import averaged_elements, file_requests
from twf.synthetic.weather import State, state_at

F = np.float32
SNOW_TO_LIQUID = 10.0  # the 10:1 ratio; ASNOW is metres of snow, APCP kg/m^2 (= mm of liquid)
ICE_ACCRETION = 0.8  # NBM's flat ice accumulation: most of the freezing rain that falls sticks
PTYPE_FLAGS = ("CRAIN", "CSNOW", "CICEP", "CFRZR")
_TOTALS_KEPT = 3  # run totals cached per run: the latest hour and the bucket starts before it


def _hpa(level: Level) -> float | None:
    pressure = level.pressure_pa
    return None if pressure is None else pressure / 100.0


def _temperature(state: State, level: Level) -> np.ndarray:
    hpa = _hpa(level)
    return state.t2m if hpa is None else aloft.temperature(state, hpa)


def _dewpoint(state: State, level: Level) -> np.ndarray:
    hpa = _hpa(level)
    return state.dpt2m if hpa is None else aloft.dewpoint(state, hpa)


def _relative_humidity(state: State, level: Level) -> np.ndarray:
    hpa = _hpa(level)
    return state.rh2m if hpa is None else aloft.relative_humidity(state, hpa)


def _earth_wind(state: State, level: Level) -> tuple[np.ndarray, np.ndarray]:
    """10 m wind, or the wind aloft at an isobaric level (a `10 mb` decoy is stratospheric)."""
    hpa = _hpa(level)
    if hpa is None:
        return state.u10, state.v10
    return state.memo(("wind", hpa), lambda: aloft.wind(state, hpa))


def _file_wind(state: State, level: Level) -> tuple[np.ndarray, np.ndarray]:
    """The wind as the model's file holds it (grid-relative where its grid's winds are)."""
    u, v = _earth_wind(state, level)
    grid = get_model(state.model_name).native_grid
    return to_grid(u, v, geometry(grid)) if grid.grid_relative_winds else (u, v)


def _wind_component(state: State, level: Level, component: int) -> np.ndarray:
    return state.memo(("file wind", level), lambda: _file_wind(state, level))[component]


def _cape(state: State, level: Level) -> np.ndarray:
    """Surface-based, mixed-layer (90-0 hPa: most of the surface parcel's) or most-unstable (255-0 hPa on
    GFS and HRRR, 180-0 hPa on NAM)."""
    if level.gdal == "9000-0-SPDL":
        return F(0.8) * state.cape
    return state.elevated_cape if level.gdal in ("25500-0-SPDL", "18000-0-SPDL") else state.cape


def _helicity(state: State, level: Level) -> np.ndarray:
    """0-1 km, or 0-3 km (deeper, so larger) storm-relative helicity."""
    return state.helicity_1km if level.gdal == "1000-0-HTGL" else F(1.6) * state.helicity_1km + F(40.0)


def _wind_direction(state: State, level: Level) -> np.ndarray:
    """Degrees the wind blows from, clockwise from north (NBM's WDIR)."""
    u, v = _earth_wind(state, level)
    return (np.degrees(np.arctan2(-u, -v)) % F(360.0)).astype(F)


_INSTANT: dict[str, Callable[[State, Level], np.ndarray]] = {
    "TMP": _temperature,
    "DPT": _dewpoint,
    "RH": _relative_humidity,
    "HGT": lambda s, level: aloft.height(s, _hpa(level) or 1000.0),
    "UGRD": lambda s, level: _wind_component(s, level, 0),
    "VGRD": lambda s, level: _wind_component(s, level, 1),
    "WIND": lambda s, level: np.hypot(*_earth_wind(s, level)),
    "WDIR": _wind_direction,
    "ABSV": lambda s, level: aloft.absolute_vorticity(s, _hpa(level) or 500.0),
    "GUST": lambda s, level: s.gust,
    "REFC": lambda s, level: s.refc,
    "PRMSL": lambda s, level: s.mslp,
    "MSLMA": lambda s, level: s.mslp,
    "PRES": lambda s, level: s.psfc,
    "PRATE": lambda s, level: s.rate / F(3600.0),  # kg m^-2 s^-1
    "CAPE": _cape,
    "HLCY": _helicity,
    "LTNG": lambda s, level: s.lightning,
    "PWAT": lambda s, level: s.pwat,
    "SNOWLR": lambda s, level: aloft.snow_ratio(s),
    "MASSDEN": lambda s, level: s.smoke,
    "VIS": lambda s, level: s.visibility,
    "TCDC": lambda s, level: s.cloud,
    **{flag: (lambda s, level, flag=flag: s.ptype[flag]) for flag in PTYPE_FLAGS},
}


@dataclass(frozen=True)
class Totals:
    """Integrals from the run's start to one hour."""

    precip: np.ndarray  # kg/m^2
    snow: np.ndarray  # m of snow (10:1)
    snow_water: np.ndarray  # kg/m^2 that fell as snow
    freezing_rain: np.ndarray  # kg/m^2 that fell as freezing rain
    flag_hours: dict[str, np.ndarray]  # hours each averaged precipitation-type flag was set

    def accumulated(self, element: str) -> np.ndarray:
        by_element = {"APCP": self.precip, "ASNOW": self.snow, "WEASD": self.snow_water,
                      "FRZR": self.freezing_rain, "FICEAC": self.freezing_rain * F(ICE_ACCRETION)}
        if element not in by_element:
            raise ValueError(f"no synthetic accumulation for element {element!r}")
        return by_element[element]


_cache: dict[tuple[str, datetime], OrderedDict[int, Totals]] = {}


def _zero_totals(shape: tuple[int, int], flags: frozenset[str]) -> Totals:
    zero = np.zeros(shape, np.float32)
    return Totals(zero, zero, zero, zero, {flag: zero for flag in flags})


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
        snow_water = mid.rate * mid.ptype["CSNOW"]
        current = Totals(
            precip=current.precip + mid.rate,
            snow=current.snow + snow_water * F(SNOW_TO_LIQUID / 1000.0),
            snow_water=current.snow_water + snow_water,
            freezing_rain=current.freezing_rain + mid.rate * mid.ptype["CFRZR"],
            flag_hours={flag: current.flag_hours[flag] + mid.ptype[flag] for flag in flags},
        )
    cached[hour] = current
    while len(cached) > _TOTALS_KEPT:
        cached.popitem(last=False)
    if len(_cache) > 2:  # one or two runs are written at a time; drop older ones
        _cache.pop(next(iter(_cache)))
    return current


def _windowed(model: ModelSpec, ref_time: datetime, request: MessageRequest, state: State) -> np.ndarray:
    """A window's accumulation, average or maximum; `state` is the atmosphere at the window's end."""
    start, end = request.window
    if request.statistic == "max":
        if request.element != "MXUPHL":
            raise ValueError(f"no synthetic hourly maximum for element {request.element!r}")
        looks = (state.t - (end - start) * fraction for fraction in (1.0, 0.5, 0.0))
        return np.maximum.reduce([state.updraft_helicity(t) for t in looks])
    later, earlier = totals(model, ref_time, end), totals(model, ref_time, start)
    if request.statistic == "ave":
        if request.element not in PTYPE_FLAGS:
            raise ValueError(f"no synthetic time average for element {request.element!r}")
        span = max(end - start, 1)
        return (later.flag_hours[request.element] - earlier.flag_hours[request.element]) / np.float32(span)
    return np.maximum(later.accumulated(request.element) - earlier.accumulated(request.element), 0.0)


def _instant(model: ModelSpec, ref_time: datetime, fh: int, state: State, element: str,
             level: Level) -> np.ndarray:
    if element == "SNOD":  # the snowpack grows with the run's snowfall so far
        return state.snowpack(totals(model, ref_time, fh).snow)
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


def forecast_messages(model: ModelSpec, ref_time: datetime, fh: int,
                      product: str | None = None) -> list[SyntheticMessage]:
    """Every message the model's file of `product` (default: the main one) at `fh` holds, with synthetic
    values, in the plan's order."""
    requests = file_requests(model.name, fh, product)
    state = state_at(model.name, ref_time, fh)
    messages = []
    for r in requests:
        if r.window is None:
            values = _instant(model, ref_time, fh, state, r.element, r.level)
        else:
            values = _windowed(model, ref_time, r, state)
        if r.qualifier is not None:
            values = _qualified(values, r.qualifier)
        messages.append(SyntheticMessage(r.element, r.level, values, ref_time, r.fh, r.window, r.process,
                                         r.qualifier))
    return messages


def instant_messages(model: ModelSpec, ref_time: datetime, fh: int,
                     fields: Sequence[tuple[str, Level]]) -> list[SyntheticMessage]:
    """Just the instantaneous `(element, level)` fields at `fh`, in the given order: a file shaped like a
    hand-cut subset (the real samples' `TMP 2 m + PRATE`) rather than a whole forecast-hour file."""
    state = state_at(model.name, ref_time, fh)
    return [SyntheticMessage(element, level, _instant(model, ref_time, fh, state, element, level), ref_time,
                             fh) for element, level in fields]
