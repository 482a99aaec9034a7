"""The synthetic weather is plausible, consistent between fields and hours, moves, and is deterministic."""

from __future__ import annotations

import numpy as np
import pytest

from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages, totals
from twf.synthetic.weather import lonlat, state_at

REF = parse_run_id("20260129_12z")
CONUS = (slice(None), slice(None))


@pytest.fixture(scope="module")
def gfs_states():
    return {h: state_at("gfs", REF, h) for h in (0, 9, 12, 21, 24)}


def _conus_mask(model_name: str) -> np.ndarray:
    lon, lat = lonlat(model_name)
    return (lon > -125) & (lon < -67) & (lat > 25) & (lat < 49)


def test_dew_point_never_exceeds_temperature(gfs_states) -> None:
    for state in gfs_states.values():
        assert (state.dpt2m <= state.t2m).all()


def test_values_are_in_plausible_ranges_over_conus(gfs_states) -> None:
    conus = _conus_mask("gfs")
    for s in gfs_states.values():
        assert 240 < s.t2m[conus].min() and s.t2m[conus].max() < 310
        assert 95000 < s.mslp[conus].min() and s.mslp[conus].max() < 105000
        assert s.wind[conus].max() < 35 and (s.gust >= s.wind).all()
        assert -10 <= s.refc.min() and s.refc.max() < 65


def test_precipitation_flags_are_exclusive_and_only_where_it_precipitates(gfs_states) -> None:
    for s in gfs_states.values():
        flags = sum(s.ptype.values())
        assert set(np.unique(flags)) <= {0.0, 1.0}
        np.testing.assert_array_equal(flags > 0, s.rate > 0)
        np.testing.assert_array_equal(s.refc > -10, s.rate > 0)


def test_snow_falls_on_the_cold_side_of_the_rain_snow_line(gfs_states) -> None:
    s = gfs_states[12]
    snow, rain = s.ptype["CSNOW"] > 0, s.ptype["CRAIN"] > 0
    assert snow.sum() > 100 and rain.sum() > 100
    assert s.t850[snow].max() < 273.15 < s.t850[rain].mean()
    assert s.t2m[snow].mean() < s.t2m[rain].mean()


def test_the_low_moves_east_and_deepens(gfs_states) -> None:
    lon, _ = lonlat("gfs")
    conus = _conus_mask("gfs")
    centres = {}
    for h in (0, 24):
        mslp = np.where(conus, gfs_states[h].mslp, np.inf)
        centres[h] = (lon.flat[mslp.argmin()], mslp.min())
    assert centres[24][0] > centres[0][0] + 8  # ~13 degrees of longitude a day
    assert centres[24][1] < centres[0][1]


def test_afternoon_is_warmer_than_night(gfs_states) -> None:
    conus = _conus_mask("gfs")
    # 21z is mid-afternoon over CONUS, 09z (f021 of the 12z run) the small hours.
    assert gfs_states[9].t2m[conus].mean() > gfs_states[21].t2m[conus].mean() + 3


def test_the_same_run_gives_the_same_weather() -> None:
    a, b = state_at("gfs", REF, 5), state_at("gfs", REF, 5)
    np.testing.assert_array_equal(a.t2m, b.t2m)
    np.testing.assert_array_equal(a.rate, b.rate)


def test_buckets_add_up_to_run_totals() -> None:
    model = get_model("nam")
    ref = parse_run_id("20260129_12z")
    t3, t4, t6 = (totals(model, ref, h).precip for h in (3, 4, 6))
    assert (t4 >= t3).all() and (t6 >= t4).all() and t6.max() > 5
    messages = {(m.element, m.window): m.values for m in forecast_messages(model, ref, 4)}
    np.testing.assert_allclose(messages[("APCP", (3, 4))], t4 - t3, atol=1e-4)


def test_snowfall_only_accumulates_under_the_snow_flag() -> None:
    model = get_model("hrrr")
    ref = parse_run_id("20260129_17z")
    one_hour = totals(model, ref, 1)
    mid = state_at("hrrr", ref, 0.5)
    np.testing.assert_allclose(one_hour.snow, mid.rate * mid.ptype["CSNOW"] * 0.01, rtol=1e-5)
    assert one_hour.snow.max() > 0


def test_gfs_bucket_average_snow_flag_is_a_fraction_of_the_window() -> None:
    messages = forecast_messages(get_model("gfs"), REF, 6)
    average = next(m for m in messages if m.element == "CSNOW" and m.average)
    assert average.window == (0, 6)
    assert 0 <= average.values.min() and average.values.max() <= 1
    assert ((average.values > 0) & (average.values < 1)).any()
