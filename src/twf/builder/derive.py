"""Decoded messages → one field on the native grid (before the warp, so a frame warps once), then display
units.

`VarSpec.derive` and `VarSpec.convert` name entries of `DERIVATIONS` and `CONVERSIONS`. A derivation receives
`Inputs`: each input's arrays in the order `twf.models.requirements` listed its messages (one per bucket for
summed totals), a `ProfileField` per time for a `Profile` input (one array per level, surface-most first),
and the native grid; it returns the field in GRIB units, and the conversion then gives display units. How a
change over hours or a running total combines two such fields is the pipeline's (`twf.builder.pipeline`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from twf.builder.geometry import geometry, to_grid
from twf.builder.smoothing import smooth
from twf.errors import ImplausibleInput
from twf.models.base import NativeGrid, Profile, VarSpec
from twf.models.requirements import MessageRequest
from twf.palettes import PTYPE_FAMILIES, PTYPE_MIN_DBZ, PTYPE_MIN_RATE_IN_H, PTYPE_OFFSET

SNOW_TO_LIQUID = 10.0  # the 10:1 rule of thumb: 1 mm of liquid falls as 10 mm of snow
# Precipitation-type priority where several categorical flags are set: the most hazardous type wins.
PTYPE_PRIORITY = ("frzr", "sleet", "snow", "rain")

# Kuchera (2004 AFWA): the snow ratio falls as the warmest temperature of the column rises past 271.16 K,
# twice as fast above it as below. Clamped to 5:1 (wet snow at the warm end) .. 30:1 (the driest dendrites
# seen in practice); the raw formula would go below zero above 277 K and past 40:1 in arctic air.
KUCHERA_PIVOT_K = 271.16
KUCHERA_RATIO_RANGE = (5.0, 30.0)
# A profile must reach above ground: surface pressure in Pa between these (CONUS spans ~600-1050 hPa;
# anything else is a wrong unit or a broken field), and at most this share of the points may lack an
# isobaric level above ground (the Himalaya on GFS's global grid; any CONUS point always has 500 hPa).
SURFACE_PRESSURE_RANGE_PA = (30000.0, 110000.0)
MAX_SHARE_WITHOUT_LEVEL = 0.01
KG_M2_S_TO_IN_H = 3600.0 / 25.4  # 1 kg m⁻² s⁻¹ of water is 1 mm/s
# Vorticity from winds packed to ~0.1 m/s on a 3 km grid is noisy at ±1.7e-5 s⁻¹ per cell: smoothed to the
# ~15 km a 500 hPa map is read at (a Gaussian of this sigma; grids coarser than it are left alone).
VORTICITY_SMOOTHING_KM = 15.0


@dataclass(frozen=True)
class ProfileField:
    """One element on isobaric levels at one time: `arrays[i]` at `pressures_pa[i]`, surface-most first."""

    pressures_pa: tuple[float, ...]
    arrays: tuple[np.ndarray, ...]


class Inputs(dict[str, list]):
    """A frame's decoded inputs by name (a list per input: arrays, or `ProfileField`s) on `grid`."""

    def __init__(self, grid: NativeGrid, fields: Mapping[str, list]) -> None:
        super().__init__(fields)
        self.grid = grid


def gather(var: VarSpec, plan: Mapping[str, Sequence[MessageRequest]],
           arrays: Mapping[MessageRequest, np.ndarray], grid: NativeGrid) -> Inputs:
    """One side of a frame plan's decoded arrays, shaped for the derivation (profiles grouped by time)."""
    fields: dict[str, list] = {}
    for name, requests in plan.items():
        values = [arrays[r] for r in requests]
        input_ = var.inputs[name]
        if isinstance(input_, Profile):
            size = len(input_.levels)
            pressures = tuple(level.pressure_pa or 0.0 for level in input_.levels)
            fields[name] = [ProfileField(pressures, tuple(values[i:i + size]))
                            for i in range(0, len(values), size)]
        else:
            fields[name] = values
    return Inputs(grid, fields)


def single(inputs: Inputs) -> np.ndarray:
    return inputs["value"][0]


def wind_speed(inputs: Inputs) -> np.ndarray:
    """|(u, v)|: the magnitude is the same for grid-relative (HRRR, NAM) and earth-relative winds."""
    return np.hypot(inputs["u"][0], inputs["v"][0])


def run_total(inputs: Inputs) -> np.ndarray:
    """The 0..fh total: the one run-total message, or the sum of the buckets that tile 0..fh."""
    return np.sum(np.stack(inputs["value"]), axis=0, dtype=np.float32)


def _flagged_sum(inputs: Inputs, flag: str) -> np.ndarray:
    """Σ bucket precipitation x the fraction of the bucket the `flag` input was set (an instantaneous flag at
    the bucket's end, or a bucket average)."""
    total = np.zeros_like(inputs["precip"][0], dtype=np.float32)
    for precip, fraction in zip(inputs["precip"], inputs[flag], strict=True):
        total += precip * np.clip(fraction, 0.0, 1.0)
    return total


def snow_10to1_total(inputs: Inputs) -> np.ndarray:
    """Σ bucket precipitation x the fraction of the bucket the snow flag was set, x 10 (as snow depth)."""
    return _flagged_sum(inputs, "snow") * np.float32(SNOW_TO_LIQUID)


def freezing_rain_total(inputs: Inputs) -> np.ndarray:
    """Σ bucket precipitation x the fraction of the bucket freezing rain was diagnosed (liquid equivalent)."""
    return _flagged_sum(inputs, "frzr")


def _check_surface_pressure(psfc: np.ndarray) -> None:
    finite = psfc[np.isfinite(psfc)]
    lo, hi = SURFACE_PRESSURE_RANGE_PA
    if finite.size == 0 or finite.min() < lo or finite.max() > hi:
        span = f"{finite.min():.0f}..{finite.max():.0f} Pa" if finite.size else "no values"
        raise ImplausibleInput(f"surface pressure spans {span}, not {lo:.0f}..{hi:.0f} Pa")


def warmest_above_ground(profile: ProfileField, psfc: np.ndarray) -> np.ndarray:
    """The warmest temperature among the profile's levels above ground (pressure at or below the surface's);
    NaN where none is. Raises ImplausibleInput when the surface pressure or the profile cannot be right."""
    _check_surface_pressure(psfc)
    warmest = np.full(psfc.shape, -np.inf, dtype=np.float32)
    for pressure, temperature in zip(profile.pressures_pa, profile.arrays, strict=True):
        above = psfc >= np.float32(pressure)
        np.copyto(warmest, np.fmax(warmest, temperature), where=above)
    missing = ~np.isfinite(warmest) & np.isfinite(psfc)
    share = missing.sum() / max(int(np.isfinite(psfc).sum()), 1)
    if share > MAX_SHARE_WITHOUT_LEVEL:
        top = min(profile.pressures_pa) / 100
        raise ImplausibleInput(f"temperature profile: {share:.0%} of points have no level above ground "
                               f"(surface pressure below {top:.0f} hPa)")
    warmest[~np.isfinite(warmest)] = np.nan
    return warmest


def kuchera_ratio_of(warmest: np.ndarray) -> np.ndarray:
    """12 + 2·(271.16 − T) above the pivot, 12 + (271.16 − T) below, clamped to KUCHERA_RATIO_RANGE."""
    below = np.float32(KUCHERA_PIVOT_K) - warmest
    ratio = np.where(warmest > np.float32(KUCHERA_PIVOT_K), 12 + 2 * below, 12 + below)
    return np.clip(ratio, *KUCHERA_RATIO_RANGE).astype(np.float32)


def kuchera_ratio(inputs: Inputs) -> np.ndarray:
    """The snow ratio of the profile at the frame's hour (the ratio its newest bucket's snow gets)."""
    return kuchera_ratio_of(warmest_above_ground(inputs["t"][0], inputs["psfc"][0]))


def snow_kuchera(inputs: Inputs) -> np.ndarray:
    """Σ over buckets of liquid x snow fraction x the Kuchera ratio of the profile at the bucket's end
    (kg/m² x ratio = mm of snow). Without a `snow` input the liquid is already the snow's water (HRRR's
    accumulated WEASD), so the fraction is 1."""
    fractions = inputs.get("snow") or [None] * len(inputs["precip"])
    total = np.zeros_like(inputs["precip"][0], dtype=np.float32)
    for liquid, fraction, profile, psfc in zip(inputs["precip"], fractions, inputs["t"], inputs["psfc"],
                                               strict=True):
        ratio = kuchera_ratio_of(warmest_above_ground(profile, psfc))
        snow = liquid if fraction is None else liquid * np.clip(fraction, 0.0, 1.0)
        total += np.where(snow > 0, snow * ratio, np.float32(0))  # no ratio needed where no snow fell
    return total


def _ptype_family(inputs: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    """Family index per point from the categorical flags (most hazardous wins; no flag: rain)."""
    family_index = {key: i for i, (key, _, _) in enumerate(PTYPE_FAMILIES)}
    family = np.full(shape, family_index["rain"], dtype=np.float32)
    for key in reversed(PTYPE_PRIORITY):
        family[inputs[key][0] >= 0.5] = family_index[key]
    return family


def radar_ptype(inputs: Inputs) -> np.ndarray:
    """Class-coded reflectivity: family index x PTYPE_OFFSET + dBZ (see `twf.palettes.PTYPE_FAMILIES`).

    Echo below PTYPE_MIN_DBZ is NaN (no echo). Echo with no flag set is painted as rain, the common case for
    light returns the surface-type diagnosis misses.
    """
    refc = inputs["refc"][0]
    dbz = np.clip(refc, PTYPE_MIN_DBZ, PTYPE_OFFSET - 1)
    coded = _ptype_family(inputs, refc.shape) * PTYPE_OFFSET + dbz
    coded[~(refc >= PTYPE_MIN_DBZ)] = np.nan
    return coded.astype(np.float32)


def ptype_rate(inputs: Inputs) -> np.ndarray:
    """Class-coded precipitation rate: family index x PTYPE_OFFSET + in/h, from PRATE and the flags; NaN
    below PTYPE_MIN_RATE_IN_H (dry). For models whose simulated reflectivity is too coarse to show type."""
    rate = inputs["rate"][0] * np.float32(KG_M2_S_TO_IN_H)
    coded = _ptype_family(inputs, rate.shape) * PTYPE_OFFSET + np.clip(rate, 0, PTYPE_OFFSET - 1)
    coded[~(rate >= PTYPE_MIN_RATE_IN_H)] = np.nan
    return coded.astype(np.float32)


def absolute_vorticity(inputs: Inputs) -> np.ndarray:
    """ζ + f from the wind on the native grid, with the grid's metric terms (s⁻¹).

    For orthogonal grid coordinates with scale factors h_x, h_y (metres per native unit) and components u, v
    along the grid axes: ζ = (∂(h_y v)/∂x − ∂(h_x u)/∂y) / (h_x h_y); on a conformal projection h = 1/m, so
    this is m²(∂(v/m)/∂x − ∂(u/m)/∂y), and on a lat/lon grid the spherical curl. Earth-relative winds on a
    projected grid are turned onto its axes first. Centred differences inside, one-sided at the edges, then
    smoothed to VORTICITY_SMOOTHING_KM on grids finer than that.
    """
    geo = geometry(inputs.grid)
    u, v = inputs["u"][0].astype(np.float64), inputs["v"][0].astype(np.float64)
    if not inputs.grid.grid_relative_winds:
        u, v = to_grid(u, v, geo)
    d_dx = np.gradient(geo.scale_y * v, geo.dx, axis=1)
    d_dy = -np.gradient(geo.scale_x * u, geo.dy, axis=0)  # rows run north to south
    zeta = ((d_dx - d_dy) / (geo.scale_x * geo.scale_y)).astype(np.float32)
    cell_km = float(np.median(geo.scale_x)) * geo.dx / 1000.0
    if cell_km < VORTICITY_SMOOTHING_KM:
        zeta = smooth(zeta, VORTICITY_SMOOTHING_KM / cell_km)
    return (zeta + geo.coriolis).astype(np.float32)


def relative_humidity(inputs: Inputs) -> np.ndarray:
    """RH (%) from temperature and dew point (K): the ratio of their saturation vapour pressures (Bolton)."""
    def saturation(kelvin: np.ndarray) -> np.ndarray:
        celsius = kelvin - np.float32(273.15)
        return np.exp(np.float32(17.67) * celsius / (celsius + np.float32(243.5)))

    return np.clip(100 * saturation(inputs["td"][0]) / saturation(inputs["t"][0]), 0, 100).astype(np.float32)


def wind_components(form: str, inputs: Inputs) -> tuple[np.ndarray, np.ndarray]:
    """A barb overlay's wind as (u, v), m/s (`twf.models.base.Barbs`): its components as read, or from its
    speed and the direction it blows from (u = −s·sin d, v = −s·cos d), never interpolating a direction."""
    if form == "components":
        return inputs["u"][0], inputs["v"][0]
    speed, direction = inputs["speed"][0], np.radians(inputs["direction"][0])
    return (-speed * np.sin(direction)).astype(np.float32), (-speed * np.cos(direction)).astype(np.float32)


DERIVATIONS: dict[str, Callable[[Inputs], np.ndarray]] = {
    f.__name__: f for f in (single, wind_speed, run_total, snow_10to1_total, freezing_rain_total,
                            kuchera_ratio, snow_kuchera, radar_ptype, ptype_rate, absolute_vorticity,
                            relative_humidity)
}

CONVERSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda a: a,
    "kelvin_to_fahrenheit": lambda k: (k - np.float32(273.15)) * np.float32(9 / 5) + np.float32(32),
    "kelvin_delta_to_fahrenheit": lambda k: k * np.float32(9 / 5),  # a change: no offset
    "kelvin_to_celsius": lambda k: k - np.float32(273.15),
    "mps_to_mph": lambda v: v * np.float32(3600 / 1609.344),
    "mps_to_knots": lambda v: v * np.float32(3600 / 1852),
    "kgm2_to_inches": lambda kg: kg / np.float32(25.4),  # 1 kg/m² of water is 1 mm deep
    "m_to_inches": lambda m: m / np.float32(0.0254),
    "m_to_miles": lambda m: m / np.float32(1609.344),
    "pa_to_hpa": lambda pa: pa / np.float32(100),
    "per_s_to_1e5": lambda s: s * np.float32(1e5),
    "kgm3_to_ugm3": lambda kg: kg * np.float32(1e9),
    "gpm_to_dam": lambda m: m / np.float32(10),  # geopotential metres → decametres, as height maps label them
}


def derive(name: str, inputs: Inputs) -> np.ndarray:
    """The derivation's field in GRIB units, float32."""
    return DERIVATIONS[name](inputs).astype(np.float32, copy=False)


def convert(name: str, field: np.ndarray) -> np.ndarray:
    """`field` in display units, float32."""
    return CONVERSIONS[name](field).astype(np.float32, copy=False)
