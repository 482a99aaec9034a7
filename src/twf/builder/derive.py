"""Decoded messages → one field in display units, on the native grid (before the warp, so a frame warps once).

`VarSpec.derive` and `VarSpec.convert` name entries of `DERIVATIONS` and `CONVERSIONS`. A derivation receives
each input's arrays in the order `twf.models.requirements` listed its messages (one per bucket for summed
totals) and returns the field in GRIB units; the conversion then gives display units.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from twf.palettes import PTYPE_FAMILIES, PTYPE_MIN_DBZ, PTYPE_OFFSET

Inputs = Mapping[str, Sequence[np.ndarray]]

SNOW_TO_LIQUID = 10.0  # the 10:1 rule of thumb: 1 mm of liquid falls as 10 mm of snow
# Precipitation-type priority where several categorical flags are set: the most hazardous type wins.
PTYPE_PRIORITY = ("frzr", "sleet", "snow", "rain")


def single(inputs: Inputs) -> np.ndarray:
    return inputs["value"][0]


def wind_speed(inputs: Inputs) -> np.ndarray:
    """|(u, v)|: the magnitude is the same for grid-relative (HRRR, NAM) and earth-relative winds."""
    return np.hypot(inputs["u"][0], inputs["v"][0])


def run_total(inputs: Inputs) -> np.ndarray:
    """The 0..fh total: the one run-total message, or the sum of the buckets that tile 0..fh."""
    return np.sum(np.stack(inputs["value"]), axis=0, dtype=np.float32)


def snow_10to1_total(inputs: Inputs) -> np.ndarray:
    """Σ bucket precipitation x the fraction of the bucket the snow flag was set, x 10 (as snow depth)."""
    total = np.zeros_like(inputs["precip"][0], dtype=np.float32)
    for precip, snow in zip(inputs["precip"], inputs["snow"], strict=True):
        total += precip * np.clip(snow, 0.0, 1.0)
    return total * np.float32(SNOW_TO_LIQUID)


def radar_ptype(inputs: Inputs) -> np.ndarray:
    """Class-coded reflectivity: family index x PTYPE_OFFSET + dBZ (see `twf.palettes.PTYPE_FAMILIES`).

    Echo below PTYPE_MIN_DBZ is NaN (no echo). Echo with no flag set is painted as rain, the common case for
    light returns the surface-type diagnosis misses.
    """
    refc = inputs["refc"][0]
    family_index = {key: i for i, (key, _, _) in enumerate(PTYPE_FAMILIES)}
    family = np.full(refc.shape, family_index["rain"], dtype=np.float32)
    for key in reversed(PTYPE_PRIORITY):
        family[inputs[key][0] >= 0.5] = family_index[key]
    dbz = np.clip(refc, PTYPE_MIN_DBZ, PTYPE_OFFSET - 1)
    coded = family * PTYPE_OFFSET + dbz
    coded[~(refc >= PTYPE_MIN_DBZ)] = np.nan
    return coded.astype(np.float32)


DERIVATIONS: dict[str, Callable[[Inputs], np.ndarray]] = {
    f.__name__: f for f in (single, wind_speed, run_total, snow_10to1_total, radar_ptype)
}

CONVERSIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda a: a,
    "kelvin_to_fahrenheit": lambda k: (k - np.float32(273.15)) * np.float32(9 / 5) + np.float32(32),
    "mps_to_mph": lambda v: v * np.float32(3600 / 1609.344),
    "kgm2_to_inches": lambda kg: kg / np.float32(25.4),  # 1 kg/m² of water is 1 mm deep
    "m_to_inches": lambda m: m / np.float32(0.0254),
    "pa_to_hpa": lambda pa: pa / np.float32(100),
}


def derive(name: str, convert: str, inputs: Inputs) -> np.ndarray:
    """The field in display units, float32."""
    return CONVERSIONS[convert](DERIVATIONS[name](inputs)).astype(np.float32, copy=False)
