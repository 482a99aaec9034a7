"""The synthetic weather is plausible, consistent between fields and hours, moves, and is deterministic; the
air aloft gives every new layer (Kuchera, vorticity, winds, storms, smoke) something to show."""

from __future__ import annotations

import numpy as np
import pytest

from twf.builder.derive import ProfileField, kuchera_ratio_of, warmest_above_ground
from twf.builder.geometry import geometry, to_earth
from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic import aloft
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
    average = next(m for m in messages if m.element == "CSNOW" and m.window and m.process == "ave")
    assert average.window == (0, 6)
    assert 0 <= average.values.min() and average.values.max() <= 1
    assert ((average.values > 0) & (average.values < 1)).any()


def test_the_column_cools_with_height_and_heights_rise_to_a_500_hpa_trough(gfs_states) -> None:
    conus = _conus_mask("gfs")
    s = gfs_states[12]
    t925, t700, t500 = (aloft.temperature(s, p)[conus] for p in (925.0, 700.0, 500.0))
    assert (t925 > t700).mean() > 0.99 and (t700 > t500).all()
    z850, z500 = aloft.height(s, 850.0)[conus], aloft.height(s, 500.0)[conus]
    assert (z500 > z850 + 3500).all() and 4800 < z500.min() < z500.max() < 6000
    assert z500.max() - z500.min() > 200  # a trough, not a flat level


def test_kuchera_ratios_span_wet_to_dry_snow_where_it_snows() -> None:
    # the demo's snow must give Kuchera something to do: warm-nose 5:1 to cold-air 20:1 and more
    s = state_at("hrrr", parse_run_id("20260129_17z"), 6)
    snow = s.ptype["CSNOW"] > 0
    profile = ProfileField(tuple(p * 100 for p in (925.0, 850.0, 700.0, 500.0)),
                           tuple(aloft.temperature(s, p) for p in (925.0, 850.0, 700.0, 500.0)))
    ratio = kuchera_ratio_of(warmest_above_ground(profile, s.psfc))[snow]
    assert snow.sum() > 1000 and ratio.max() - ratio.min() > 8 and np.percentile(ratio, 90) > 15


def test_the_rockies_put_925_and_850_hpa_below_ground() -> None:
    s = state_at("hrrr", parse_run_id("20260129_17z"), 6)
    lon, lat = lonlat("hrrr")
    rockies = (np.abs(lon + 107.5) < 1) & (lat > 37) & (lat < 45)
    assert (s.psfc[rockies] < 85000).mean() > 0.9 and s.psfc[~rockies].max() > 100000


def test_grid_relative_models_get_their_winds_rotated_onto_the_grid() -> None:
    # HRRR's files hold grid-relative winds: the same speed as the weather's, turned by the convergence
    model, ref = get_model("hrrr"), parse_run_id("20260129_17z")
    messages = {(m.element, m.level.gdal): m.values for m in forecast_messages(model, ref, 1)}
    s = state_at("hrrr", ref, 1)
    u, v = messages[("UGRD", "10-HTGL")], messages[("VGRD", "10-HTGL")]
    np.testing.assert_allclose(np.hypot(u, v), s.wind, rtol=1e-4, atol=1e-4)
    east, north = to_earth(u, v, geometry(model.native_grid))
    np.testing.assert_allclose(east, s.u10, atol=1e-3)
    np.testing.assert_allclose(north, s.v10, atol=1e-3)
    assert np.abs(u - s.u10).max() > 1  # not written as if they were earth-relative


def test_storms_smoke_and_visibility_are_where_they_belong(gfs_states) -> None:
    conus = _conus_mask("gfs")
    s = gfs_states[12]
    assert s.cape[conus & (s.warm_sector < 0.05)].max() < 50 and s.cape[conus].max() > 2000
    lon, lat = lonlat("gfs")
    near_fire = (np.abs(lon + 120) < 1.5) & (np.abs(lat - 41) < 1)
    assert s.smoke[near_fire].max() > 50e-9 > 10e-9 > s.smoke[conus & (lon > -80)].max()
    wet = conus & (s.rate > 1)
    assert s.visibility[wet].mean() < s.visibility[conus & (s.rate == 0) & (lon > -90)].mean() / 2
