"""The synthetic atmosphere above the surface (`twf.synthetic.weather.State`), level by level.

- Temperature falls with height from the surface through 925, 850 (the state's own `t850`, with its warm air
  aloft), 700, 600 and 500 hPa to the tropopause near 250 hPa; above 200 hPa it is the stratosphere (what the
  `N mb` decoys of `N m` fields hold). The warm nose reaches 700 hPa, so Kuchera ratios vary from wet 5:1
  under it to 20:1 and more in the cold air behind the front.
- Heights follow from sea-level pressure and the layer's mean temperature (hypsometric equation), so the
  storm's cold core makes a trough that deepens and tilts west with height.
- Winds: a westerly jet near 38N (55 m/s at 250 hPa, weaker below) with the upper low's circulation 250 km
  west of the surface low; earth-relative. Absolute vorticity is that wind's curl on the sphere, taken by
  centred differences of the closed-form wind with a 0.01° step (truncation ~1e-5 of the value), plus f:
  an independent reference for the builder's vorticity from gridded winds.
- Relative humidity: moist in the warm conveyor and comma head, dry behind the front.
"""

from __future__ import annotations

import numpy as np

from twf.builder.derive import kuchera_ratio_of
from twf.synthetic.weather import KM_PER_DEG, State, dew_point

F = np.float32
RD_OVER_G = 287.05 / 9.80665  # m/K: hypsometric thickness per kelvin per e-fold of pressure
EARTH_RADIUS_M = 6371229.0
OMEGA = 7.2921e-5
STRATOSPHERE_HPA = 200.0
STRATOSPHERE_K = 216.65  # standard-atmosphere temperature above 20 km: what the `N mb` decoys hold
# Temperature at each anchor level relative to 850 hPa, K, before the warm nose's share (`_WARM_NOSE`).
_ANCHORS_HPA = (850.0, 700.0, 600.0, 500.0, 300.0, 250.0)
_OFFSETS_K = (0.0, -10.0, -17.0, -25.0, -48.0, -53.0)
_WARM_NOSE = (0.0, 2.5, 0.5, 0.0, 0.0, 0.0)  # extra K per unit of warm air aloft (already in t850)
DERIVATIVE_STEP_DEG = 0.01
UPPER_LOW_OFFSET_KM = 250.0  # the upper low sits this far west of the surface low: a westward tilt


def temperature(state: State, hpa: float) -> np.ndarray:
    """K at the isobaric level `hpa`."""
    if hpa < STRATOSPHERE_HPA:
        return F(STRATOSPHERE_K) + F(0.2) * (state.t850 - F(260.0))
    if hpa > 850.0:
        # between the surface air and 850 hPa, linear in ln p from 1000 hPa; cold air pools under the nose
        weight = np.log(1000.0 / hpa) / np.log(1000.0 / 850.0)
        near_ground = state.t2m - F(2.0) * (F(1.0) - state.warm_sector)
        return (near_ground + F(weight) * (state.t850 - near_ground)).astype(F)
    logs = np.log(_ANCHORS_HPA)
    offset = float(np.interp(-np.log(hpa), -logs, _OFFSETS_K))
    nose = float(np.interp(-np.log(hpa), -logs, _WARM_NOSE))
    return (state.t850 + F(offset) + F(nose) * state.aloft_warm).astype(F)


def height(state: State, hpa: float) -> np.ndarray:
    """Geopotential metres of the isobaric level: R_d/g · mean temperature · ln(p_msl / p)."""
    mean = F(0.5) * (state.t2m + temperature(state, hpa))
    return (F(RD_OVER_G) * mean * np.log(state.mslp / F(hpa * 100.0))).astype(F)


def _jet_speed(hpa: float) -> float:
    """m/s at the jet's core: 55 at 250 hPa down to 8 near the ground."""
    return float(np.interp(-np.log(hpa), -np.log([1000.0, 850.0, 700.0, 500.0, 300.0, 250.0, 100.0]),
                           [6.0, 10.0, 15.0, 30.0, 50.0, 55.0, 30.0]))


def upper_wind(state: State, hpa: float, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Earth-relative (u, v), m/s, at `hpa` for any longitudes and latitudes (in their own precision:
    float64 to differentiate it): the jet plus the upper low's circulation."""
    centre_lon, centre_lat = state.centre
    x = (lon - centre_lon) * KM_PER_DEG * np.cos(np.radians(lat)) + UPPER_LOW_OFFSET_KM
    y = (lat - centre_lat) * KM_PER_DEG
    r = np.sqrt(x**2 + y**2) + 1.0
    radius = 500.0
    swirl = (15.0 + 0.3 * _jet_speed(hpa)) * (r / radius) * np.exp(0.5 * (1.0 - (r / radius) ** 2))
    jet = _jet_speed(hpa) * np.exp(-(((lat - 38.0 - 0.05 * (lon + 95.0)) / 9.0) ** 2))
    return jet - swirl * y / r, swirl * x / r


def wind(state: State, hpa: float) -> tuple[np.ndarray, np.ndarray]:
    """Earth-relative (u, v), m/s, float32, on the state's grid."""
    u, v = upper_wind(state, hpa, state.lon, state.lat)
    return u.astype(F), v.astype(F)


def absolute_vorticity(state: State, hpa: float) -> np.ndarray:
    """s⁻¹: ζ = (∂v/∂λ − ∂(u cos φ)/∂φ) / (R cos φ) of `upper_wind`, plus f = 2Ω sin φ."""
    lon, lat = state.lon.astype(np.float64), state.lat.astype(np.float64)
    step = DERIVATIVE_STEP_DEG
    _, v_east = upper_wind(state, hpa, lon + step, lat)
    _, v_west = upper_wind(state, hpa, lon - step, lat)
    u_north, _ = upper_wind(state, hpa, lon, lat + step)
    u_south, _ = upper_wind(state, hpa, lon, lat - step)
    radians = np.radians(step)
    cos = np.maximum(np.cos(np.radians(lat)), 1e-3)  # the poles: any finite value (nothing is drawn there)
    dv = (v_east - v_west) / (2 * radians)
    du = (u_north * np.cos(np.radians(lat + step)) - u_south * np.cos(np.radians(lat - step))) / (2 * radians)
    zeta = (dv - du) / (EARTH_RADIUS_M * cos)
    return (zeta + 2 * OMEGA * np.sin(np.radians(lat))).astype(F)


def relative_humidity(state: State, hpa: float) -> np.ndarray:
    """%: near saturation where it precipitates, dry in the air behind the front; drier higher up."""
    dryness = F(0.15) * np.log(1000.0 / hpa)
    rh = F(100.0) * (state.moisture - dryness) + np.where(state.rate > 0, F(25.0), F(0.0))
    return np.clip(rh, 3, 100).astype(F)


def dewpoint(state: State, hpa: float) -> np.ndarray:
    return dew_point(temperature(state, hpa), relative_humidity(state, hpa))


def snow_ratio(state: State) -> np.ndarray:
    """:1, the snow-to-liquid ratio a blend would give (NBM's SNOWLR): the Kuchera ratio of the warmest of
    the 850-500 hPa levels, so it drops under the warm nose as the NCEP models' Kuchera ratio does."""
    warmest = np.maximum.reduce([temperature(state, hpa) for hpa in (850.0, 700.0, 600.0, 500.0)])
    return kuchera_ratio_of(warmest).astype(F)
