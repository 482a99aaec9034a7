"""Derivations against hand-computed values: the Kuchera ratio and snowfall (warm nose, all-cold and
below-ground profiles), freezing rain, precipitation type with rate, relative humidity."""

from __future__ import annotations

import numpy as np
import pytest

from twf.builder.derive import (
    KUCHERA_RATIO_RANGE,
    Inputs,
    ProfileField,
    derive,
    freezing_rain_total,
    kuchera_ratio_of,
    ptype_rate,
    relative_humidity,
    snow_kuchera,
    warmest_above_ground,
)
from twf.errors import ImplausibleInput
from twf.models import get_model
from twf.palettes import PTYPE_FAMILIES, PTYPE_OFFSET, ptype_of

GRID = get_model("hrrr").native_grid
PRESSURES = (92500.0, 85000.0, 70000.0, 50000.0)


def _column(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def _profile(*temperatures: tuple[float, ...]) -> ProfileField:
    """Columns of one point each: `temperatures[i]` is the i-th point's 925/850/700/500 hPa temperatures."""
    per_level = np.array(temperatures, dtype=np.float32).T
    return ProfileField(PRESSURES, tuple(per_level))


def test_warm_nose_aloft_sets_the_ratio_by_its_warmest_level():
    # 925 hPa 270 K, a warm nose of 273.16 K at 850 hPa: 12 + 2 * (271.16 - 273.16) = 8
    warmest = warmest_above_ground(_profile((270.0, 273.16, 265.0, 250.0)), _column(101000.0))
    assert warmest[0] == pytest.approx(273.16)
    assert kuchera_ratio_of(warmest)[0] == pytest.approx(8.0, abs=1e-4)


def test_an_all_cold_column_gets_a_high_ratio_from_its_warmest_level():
    # warmest 261.16 K: 12 + (271.16 - 261.16) = 22
    warmest = warmest_above_ground(_profile((261.16, 258.0, 250.0, 238.0)), _column(100000.0))
    assert kuchera_ratio_of(warmest)[0] == pytest.approx(22.0, abs=1e-4)


def test_levels_below_ground_are_left_out():
    # On a 780 hPa mountain 925 and 850 hPa are under the terrain: their warm air must not count; 700 hPa's
    # 263.16 K does: 12 + 8 = 20. The same column at sea level takes 925 hPa's 275 K: 12 - 7.68 → 5 (clamped).
    profile = _profile((275.0, 270.0, 263.16, 245.0), (275.0, 270.0, 263.16, 245.0))
    warmest = warmest_above_ground(profile, _column(78000.0, 101000.0))
    np.testing.assert_allclose(warmest, [263.16, 275.0], atol=1e-4)
    np.testing.assert_allclose(kuchera_ratio_of(warmest), [20.0, KUCHERA_RATIO_RANGE[0]], atol=1e-4)


def test_the_ratio_is_clamped_to_its_documented_range():
    np.testing.assert_allclose(kuchera_ratio_of(_column(230.0, 280.0, 271.16)), [30.0, 5.0, 12.0], atol=1e-4)


def test_a_surface_pressure_in_the_wrong_unit_fails_the_frame():
    with pytest.raises(ImplausibleInput, match="surface pressure spans 1010..1010 Pa"):
        warmest_above_ground(_profile((270.0, 268.0, 260.0, 250.0)), _column(1010.0))


def test_a_profile_with_no_level_above_ground_fails_the_frame():
    # surface at 450 hPa everywhere: every level of the profile is under ground
    profile = _profile(*[(270.0, 268.0, 260.0, 250.0)] * 4)
    with pytest.raises(ImplausibleInput, match="100% of points have no level above ground"):
        warmest_above_ground(profile, np.full(4, 45000.0, dtype=np.float32))


def test_kuchera_snowfall_sums_each_buckets_liquid_times_snow_fraction_times_its_ratio():
    # Two buckets at one point: 2 mm all snow under ratio 22, then 3 mm half snow under ratio 8:
    # 2 * 1 * 22 + 3 * 0.5 * 8 = 56 mm of snow.
    inputs = Inputs(GRID, {
        "precip": [_column(2.0), _column(3.0)],
        "snow": [_column(1.0), _column(0.5)],
        "t": [_profile((261.16, 258.0, 250.0, 238.0)), _profile((270.0, 273.16, 265.0, 250.0))],
        "psfc": [_column(100000.0), _column(100000.0)],
    })
    assert snow_kuchera(inputs)[0] == pytest.approx(56.0, abs=1e-3)


def test_kuchera_on_the_models_own_snow_water_needs_no_snow_flag():
    inputs = Inputs(GRID, {"precip": [_column(2.0)], "t": [_profile((261.16, 258.0, 250.0, 238.0))],
                           "psfc": [_column(100000.0)]})
    assert snow_kuchera(inputs)[0] == pytest.approx(44.0, abs=1e-3)


def test_no_snow_means_no_kuchera_snowfall_whatever_the_profile():
    inputs = Inputs(GRID, {"precip": [_column(5.0)], "snow": [_column(0.0)],
                           "t": [_profile((290.0, 285.0, 275.0, 260.0))], "psfc": [_column(100000.0)]})
    assert snow_kuchera(inputs)[0] == 0.0


def test_freezing_rain_is_the_liquid_of_the_buckets_it_was_diagnosed_in():
    inputs = Inputs(GRID, {"precip": [_column(4.0, 4.0), _column(1.0, 1.0)],
                           "frzr": [_column(1.0, 0.0), _column(0.25, 0.0)]})
    np.testing.assert_allclose(freezing_rain_total(inputs), [4.25, 0.0])


def test_precipitation_type_and_rate_are_class_coded_in_inches_per_hour():
    # 0.001 kg m-2 s-1 is 3.6 mm/h = 0.1417 in/h; freezing rain wins over snow; a trace is dry.
    flags = {"rain": [_column(1, 0, 1)], "snow": [_column(0, 1, 0)], "sleet": [_column(0, 0, 0)],
             "frzr": [_column(0, 1, 0)]}
    coded = ptype_rate(Inputs(GRID, {"rate": [_column(0.001, 0.001, 1e-6)], **flags}))
    rain, frzr = (next(i for i, f in enumerate(PTYPE_FAMILIES) if f[0] == key) for key in ("rain", "frzr"))
    assert coded[0] == pytest.approx(rain * PTYPE_OFFSET + 0.1417, abs=1e-3)
    assert coded[1] == pytest.approx(frzr * PTYPE_OFFSET + 0.1417, abs=1e-3)
    assert np.isnan(coded[2])
    reading = ptype_of(float(coded[1]))
    assert (reading.key, round(reading.intensity, 3)) == ("frzr", 0.142)


def test_relative_humidity_from_temperature_and_dew_point():
    # saturated air, and 20 °C air with a 10 °C dew point (Bolton: 12.28 / 23.37 hPa = 52.5 %)
    inputs = Inputs(GRID, {"t": [_column(280.0, 293.15)], "td": [_column(280.0, 283.15)]})
    np.testing.assert_allclose(relative_humidity(inputs), [100.0, 52.5], atol=0.1)


def test_derive_returns_float32_in_grib_units():
    field = derive("single", Inputs(GRID, {"value": [np.ones((2, 2), dtype=np.float64)]}))
    assert field.dtype == np.float32
