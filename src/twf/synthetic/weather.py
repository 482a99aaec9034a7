"""Plausible, time-evolving synthetic weather on any model's native grid.

One winter storm per run date, so models and runs of the same day agree where they overlap: a low-pressure
centre crossing the country from the Rockies to New England over ~70 hours, winds turning around it, a cold
front trailing south-west from it with a warm sector ahead, a precipitation shield along the front and in
the comma head north of the low, and a rain / ice / snow transition where the cold air undercuts it. A diurnal
cycle (warmest mid-afternoon local solar time) rides on a latitude-dependent base temperature that is sane
over the whole globe, so GFS's global grid gets smooth values everywhere.

Everything is a closed-form function of longitude, latitude and time (hours since 00z of the run date), in
vectorised float32 numpy: one state of the atmosphere on HRRR's 1.9 M points takes a fraction of a second.
Deterministic: the only randomness (directions and phases of the texture waves) is seeded by the run date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

import numpy as np
from pyproj import CRS, Transformer

from twf.models import get_model

F = np.float32
KM_PER_DEG = 111.2
NO_ECHO_DBZ = -10.0  # what NCEP's composite reflectivity holds where there is no echo
RAIN_THRESHOLD_MM_H = 0.1  # below this rate a grid point is dry: no flags, no echo


@dataclass(frozen=True)
class State:
    """The atmosphere at one instant, in upstream units."""

    t2m: np.ndarray  # K
    t850: np.ndarray  # K
    dpt2m: np.ndarray  # K, never above t2m
    u10: np.ndarray  # m/s, grid east
    v10: np.ndarray  # m/s, grid north
    gust: np.ndarray  # m/s
    mslp: np.ndarray  # Pa
    rate: np.ndarray  # precipitation rate, mm/h (= kg m^-2 h^-1)
    refc: np.ndarray  # dBZ
    ptype: dict[str, np.ndarray]  # CRAIN / CSNOW / CICEP / CFRZR as 0/1, exactly one set where precipitating

    @property
    def wind(self) -> np.ndarray:
        return np.hypot(self.u10, self.v10)


@cache
def lonlat(model_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude (-180..180) and latitude of every cell centre of the model's native grid."""
    grid = get_model(model_name).native_grid
    a, _, c, _, e, f = grid.transform
    x = (c + a * (np.arange(grid.width) + 0.5))[np.newaxis, :]
    y = (f + e * (np.arange(grid.height) + 0.5))[:, np.newaxis]
    crs = CRS.from_proj4(grid.crs)
    if crs.is_geographic:
        lon, lat = np.broadcast_to(x, grid.shape), np.broadcast_to(y, grid.shape)
    else:
        to_lonlat = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
        lon, lat = to_lonlat.transform(*np.broadcast_arrays(x, y))
    lon = (np.asarray(lon) + 180.0) % 360.0 - 180.0
    return lon.astype(F), np.clip(lat, -90.0, 90.0).astype(F)


def storm_hour(ref_time: datetime, hours: float) -> float:
    """Hours since 00z of the run date: the storm's clock, shared by every run and model of that day."""
    ref = ref_time.astimezone(UTC)
    return ref.hour + ref.minute / 60.0 + hours


@cache
def _texture_waves(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directions, wavelengths (km) and phases of the broad texture's waves, fixed by the run date."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, np.pi, 3), rng.uniform(400.0, 900.0, 3), rng.uniform(0.0, 2.0 * np.pi, 5)


def _broad_texture(lon: np.ndarray, lat: np.ndarray, t: float, seed: int) -> np.ndarray:
    """Earth-fixed, slowly drifting undulations of 400-900 km, about ±1: breaks up the analytic shapes."""
    directions, wavelengths, phases = _texture_waves(seed)
    east = lon * F(KM_PER_DEG) * np.cos(np.radians(lat))
    north = lat * F(KM_PER_DEG)
    texture = np.zeros(lon.shape, F)
    for direction, wavelength, phase in zip(directions, wavelengths, phases, strict=False):
        k = F(2.0 * np.pi / wavelength)
        along = east * F(np.cos(direction)) + north * F(np.sin(direction))
        texture += np.sin(k * along + F(phase - 0.05 * t))
    return texture / F(1.5)


def state_at(model_name: str, ref_time: datetime, hours: float) -> State:
    """The synthetic atmosphere `hours` after the run's reference time, on the model's native grid."""
    lon, lat = lonlat(model_name)
    t = storm_hour(ref_time, hours)
    seed = ref_time.astimezone(UTC).date().toordinal()
    _, _, phases = _texture_waves(seed)
    clock = float(np.clip(t, 0.0, 72.0))  # the storm track runs over three days, then holds still
    lon_c, lat_c = -108.0 + 0.55 * clock, 35.0 + 0.14 * clock
    # Storm-relative km: X east, Y north of the low centre.
    X = (lon - F(lon_c)) * F(KM_PER_DEG) * np.cos(np.radians(lat))
    Y = (lat - F(lat_c)) * F(KM_PER_DEG)
    texture = _broad_texture(lon, lat, t, seed)
    # convective cells riding with the storm, only seen in the precipitation
    cells = np.sin(X / F(38.0) + phases[3] + F(0.4 * t)) * np.sin(Y / F(31.0) + phases[4])

    ahead, warm_sector, aloft_warm = _fronts(X, Y)

    t2m = _temperature_2m(lon, lat, t, warm_sector, texture)
    t850 = (F(240.0) + F(52.0) * np.cos(np.radians(lat)) ** 2 - F(12.0) + F(17.0) * aloft_warm
            + F(0.6) * texture)

    r2 = X**2 + Y**2
    depth = F(1500.0 + 12.0 * clock)
    mslp = (F(101600.0) + F(40.0) * (lat - F(40.0)) - depth * np.exp(-r2 / F(2 * 650.0**2))
            + F(60.0) * texture)
    u10, v10 = _wind(X, Y, r2, texture)
    speed = np.hypot(u10, v10)
    gust = F(1.3) * speed + F(2.0) + F(4.0) * warm_sector * _sigmoid((F(200.0) - np.abs(ahead)) / F(60.0))

    rate = _precipitation_rate(X, Y, ahead, texture, cells)

    ptype = _precipitation_type(t2m, t850, rate)
    wet = rate > 0
    dry_depression = F(3.0) + F(9.0) * (F(1.0) - warm_sector)  # moist warm sector, dry cold air
    dew_depression = np.where(wet, F(1.0), dry_depression) + F(0.8) * np.abs(texture)
    dpt2m = t2m - np.maximum(dew_depression, F(0.3))
    snow_bonus = np.where(ptype["CSNOW"] > 0, F(-4.0), F(0.0))  # snow's lower reflectivity per mm/h
    refc = np.where(wet, F(10.0) * np.log10(F(200.0) * np.maximum(rate, F(1e-3)) ** F(1.6)) + snow_bonus,
                    F(NO_ECHO_DBZ))
    return State(t2m=t2m, t850=t850, dpt2m=dpt2m, u10=u10, v10=v10, gust=gust, mslp=mslp, rate=rate,
                 refc=np.maximum(refc, F(NO_ECHO_DBZ)), ptype=ptype)


def _fronts(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(km ahead of the cold front, surface warm-sector weight, warm-air-aloft weight), weights 0..1.

    The cold front trails south-south-west from the low, bowing back; the warm front runs east-south-east.
    The warm sector lies ahead of the one and south of the other; aloft the warm air reaches 150 km further
    west and 250 km further north, over the surface cold air: where sleet and freezing rain happen.
    """
    cold_front_x = -F(0.45) * np.maximum(-Y, F(0.0)) - F(0.0004) * Y**2
    ahead = X - cold_front_x
    warm_front_y = -F(0.35) * np.maximum(X, F(0.0))
    warm_sector = _sigmoid(ahead / F(120.0)) * _sigmoid((warm_front_y - Y) / F(150.0))
    aloft_warm = _sigmoid((ahead + F(150.0)) / F(200.0)) * _sigmoid((warm_front_y + F(250.0) - Y) / F(250.0))
    return ahead, warm_sector, aloft_warm


def _precipitation_rate(X: np.ndarray, Y: np.ndarray, ahead: np.ndarray, texture: np.ndarray,
                        cells: np.ndarray) -> np.ndarray:
    """mm/h: a band of cells just ahead of the cold front (to 5 mm/h and more in cells) and a broad comma
    head north of the low (to 2.5 mm/h); below the rain threshold it is dry."""
    band = np.exp(-((ahead - F(70.0)) ** 2) / F(2 * 90.0**2)) * _sigmoid(-(Y - F(150.0)) / F(100.0))
    comma = np.exp(-((X - F(80.0)) ** 2) / F(2 * 420.0**2) - ((Y - F(230.0)) ** 2) / F(2 * 230.0**2))
    rate = (F(5.0) * band * (F(1.0) + F(0.5) * cells + F(0.3) * texture)
            + F(2.5) * comma * (F(1.0) + F(0.4) * texture + F(0.15) * cells))
    return np.where(rate >= F(RAIN_THRESHOLD_MM_H), rate, F(0.0))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return F(0.5) * (F(1.0) + np.tanh(z))


def _temperature_2m(lon: np.ndarray, lat: np.ndarray, t: float, warm_sector: np.ndarray,
                    texture: np.ndarray) -> np.ndarray:
    """Winter base by latitude (298 K at the equator, 265 K at 49N), a 15 K frontal contrast, a 5 K diurnal
    swing peaking at 15 local solar time, and a little texture."""
    base = F(240.0) + F(58.0) * np.cos(np.radians(lat)) ** 2
    solar_hour = (F(t % 24.0) + lon / F(15.0)) % F(24.0)
    diurnal = F(5.0) * np.cos(F(2.0 * np.pi / 24.0) * (solar_hour - F(15.0)))
    return base - F(8.0) + F(15.0) * warm_sector + diurnal + F(0.8) * texture


def _wind(X: np.ndarray, Y: np.ndarray, r2: np.ndarray, texture: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Counter-clockwise flow around the low (Rankine-like profile peaking 16 m/s at 450 km) turned 20°
    inward by surface friction, on a 5 m/s westerly."""
    r = np.sqrt(r2) + F(1.0)
    radius = F(450.0)
    speed = F(16.0) * (r / radius) * np.exp(F(0.5) * (F(1.0) - (r / radius) ** 2))
    tangential_u, tangential_v = -Y / r, X / r
    inflow = F(np.tan(np.radians(20.0)))
    u = speed * (tangential_u - inflow * X / r) + F(5.0) + F(1.5) * texture
    v = speed * (tangential_v - inflow * Y / r) + F(1.0) * texture
    return u.astype(F), v.astype(F)


def _precipitation_type(t2m: np.ndarray, t850: np.ndarray, rate: np.ndarray) -> dict[str, np.ndarray]:
    """Snow when the column is cold; sleet under a marginal warm layer (850 hPa between -2 and +0.5 °C,
    surface below +3 °C); freezing rain under a clear warm nose over a surface near or below freezing; rain
    otherwise. Exactly one flag is set where it precipitates."""
    wet = rate > 0
    freezing = F(273.15)
    snow = wet & (t850 < freezing - F(2.0)) & (t2m < freezing + F(2.0))
    sleet = wet & ~snow & (t850 < freezing + F(0.5)) & (t2m < freezing + F(3.0))
    frzr = wet & ~snow & ~sleet & (t2m < freezing + F(0.5))
    rain = wet & ~snow & ~frzr & ~sleet
    return {"CRAIN": rain.astype(F), "CSNOW": snow.astype(F), "CICEP": sleet.astype(F),
            "CFRZR": frzr.astype(F)}
