"""Plausible, time-evolving synthetic weather on any model's native grid.

One winter storm per run date, so models and runs of the same day agree where they overlap: a low-pressure
centre crossing the country from the Rockies to New England over ~70 hours, winds turning around it, a cold
front trailing south-west from it with a warm sector ahead, a precipitation shield along the front and in
the comma head north of the low, and a rain / ice / snow transition where the cold air undercuts it. A diurnal
cycle (warmest mid-afternoon local solar time) rides on a latitude-dependent base temperature that is sane
over the whole globe, so GFS's global grid gets smooth values everywhere. Around it: mountains (the Rockies,
the Sierra-Cascades, the Appalachians) that lower the surface pressure, instability and helicity in the warm
sector with storms in its cells, a wildfire smoke plume in the West, clouds, fog and a snowpack in the north.
The air above, level by level, is `twf.synthetic.aloft`.

Everything is a closed-form function of longitude, latitude and time (hours since 00z of the run date), in
vectorised float32 numpy, computed only when asked for (a `State`'s fields are cached properties): one state
on HRRR's 1.9 M points takes a fraction of a second. Deterministic: the only randomness (directions and
phases of the texture waves) is seeded by the run date.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from functools import cache, cached_property

import numpy as np

from twf.builder.geometry import cell_lonlat
from twf.models import get_model

F = np.float32
KM_PER_DEG = 111.2
NO_ECHO_DBZ = -10.0  # what NCEP's composite reflectivity holds where there is no echo
RAIN_THRESHOLD_MM_H = 0.1  # below this rate a grid point is dry: no flags, no echo
SCALE_HEIGHT_M = 8000.0  # surface pressure = sea-level pressure x exp(-terrain / scale height)
CLEAR_VISIBILITY_M = 24135.0  # 15 statute miles: the top of NCEP's visibility fields
FIRE_LONLAT = (-121.5, 40.5)  # the smoke plume's source, in northern California


@cache
def lonlat(model_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Longitude (-180..180) and latitude of every cell centre of the model's native grid, float32."""
    lon, lat = cell_lonlat(get_model(model_name).native_grid)
    return lon.astype(F), lat.astype(F)


@cache
def _earth_fixed(model_name: str) -> dict[str, np.ndarray]:
    """What never changes with time on the model's grid: computed once per process."""
    lon, lat = lonlat(model_name)
    cos_lat = np.cos(np.radians(lat))
    terrain = (_ridge(lon, lat, -107.5, 4.5, (31.0, 55.0), 2600.0)
               + _ridge(lon, lat, -120.5, 1.6, (35.0, 50.0), 1700.0)
               + _ridge(lon, lat, -80.5, 2.0, (34.0, 45.0), 700.0))
    return {"cos_lat": cos_lat, "cos2_lat": cos_lat**2, "terrain": terrain,
            "east_km": lon * F(KM_PER_DEG) * cos_lat, "north_km": lat * F(KM_PER_DEG)}


def storm_hour(ref_time: datetime, hours: float) -> float:
    """Hours since 00z of the run date: the storm's clock, shared by every run and model of that day."""
    ref = ref_time.astimezone(UTC)
    return ref.hour + ref.minute / 60.0 + hours


@cache
def _texture_waves(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Directions, wavelengths (km) and phases of the broad texture's waves, fixed by the run date."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, np.pi, 3), rng.uniform(400.0, 900.0, 3), rng.uniform(0.0, 2.0 * np.pi, 5)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return F(0.5) * (F(1.0) + np.tanh(z))


def _ridge(lon: np.ndarray, lat: np.ndarray, axis_lon: float, width: float, lat_range: tuple[float, float],
           height: float) -> np.ndarray:
    """A north-south mountain range: Gaussian across, fading out beyond its latitudes (metres)."""
    across = np.exp(-(((lon - F(axis_lon)) / F(width)) ** 2))
    along = _sigmoid((lat - F(lat_range[0])) / F(2.0)) * _sigmoid((F(lat_range[1]) - lat) / F(2.0))
    return F(height) * across * along


class State:
    """The atmosphere at one instant near the surface, in upstream units; each field computed on first use.

    `X`, `Y` are storm-relative km (east, north of the low centre); winds are earth-relative (east, north).
    """

    def __init__(self, model_name: str, ref_time: datetime, hours: float) -> None:
        self.model_name = model_name
        self.lon, self.lat = lonlat(model_name)
        self.fixed = _earth_fixed(model_name)
        self._memo: dict[Hashable, object] = {}
        self.t = storm_hour(ref_time, hours)
        self.seed = ref_time.astimezone(UTC).date().toordinal()
        self.clock = float(np.clip(self.t, 0.0, 72.0))  # the storm tracks for three days, then holds still
        self.centre = (-108.0 + 0.55 * self.clock, 35.0 + 0.14 * self.clock)
        self.X = (self.lon - F(self.centre[0])) * F(KM_PER_DEG) * self.fixed["cos_lat"]
        self.Y = (self.lat - F(self.centre[1])) * F(KM_PER_DEG)

    def memo(self, key: Hashable, compute: Callable[[], object]) -> object:
        """A value derived from this state (a level's wind), computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # --- the storm's shape ---

    @cached_property
    def texture(self) -> np.ndarray:
        """Earth-fixed, slowly drifting undulations of 400-900 km, about ±1: breaks up the analytic shapes."""
        directions, wavelengths, phases = _texture_waves(self.seed)
        east, north = self.fixed["east_km"], self.fixed["north_km"]
        texture = np.zeros(self.lon.shape, F)
        for direction, wavelength, phase in zip(directions, wavelengths, phases, strict=False):
            k = F(2.0 * np.pi / wavelength)
            along = east * F(np.cos(direction)) + north * F(np.sin(direction))
            texture += np.sin(k * along + F(phase - 0.05 * self.t))
        return texture / F(1.5)

    @cached_property
    def cells(self) -> np.ndarray:
        """Convective cells riding with the storm, about ±1: seen in the precipitation and the storms."""
        _, _, phases = _texture_waves(self.seed)
        return np.sin(self.X / F(38.0) + phases[3] + F(0.4 * self.t)) * np.sin(self.Y / F(31.0) + phases[4])

    @cached_property
    def _fronts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(km ahead of the cold front, surface warm-sector weight, warm-air-aloft weight), weights 0..1.

        The cold front trails south-south-west from the low, bowing back; the warm front runs east-south-east.
        The warm sector lies ahead of the one and south of the other; aloft the warm air reaches 150 km
        further west and 250 km further north, over the surface cold air: where sleet and freezing rain
        happen.
        """
        X, Y = self.X, self.Y
        cold_front_x = -F(0.45) * np.maximum(-Y, F(0.0)) - F(0.0004) * Y**2
        ahead = X - cold_front_x
        warm_front_y = -F(0.35) * np.maximum(X, F(0.0))
        warm_sector = _sigmoid(ahead / F(120.0)) * _sigmoid((warm_front_y - Y) / F(150.0))
        aloft_warm = (_sigmoid((ahead + F(150.0)) / F(200.0))
                      * _sigmoid((warm_front_y + F(250.0) - Y) / F(250.0)))
        return ahead, warm_sector, aloft_warm

    @property
    def ahead(self) -> np.ndarray:
        return self._fronts[0]

    @property
    def warm_sector(self) -> np.ndarray:
        return self._fronts[1]

    @property
    def aloft_warm(self) -> np.ndarray:
        return self._fronts[2]

    @cached_property
    def r2(self) -> np.ndarray:
        return self.X**2 + self.Y**2

    @cached_property
    def moisture(self) -> np.ndarray:
        """0..1: the warm conveyor and the comma head are moist, the air behind the front dry."""
        comma = np.exp(-((self.X - F(80.0)) ** 2) / F(2 * 500.0**2)
                       - ((self.Y - F(230.0)) ** 2) / F(2 * 300.0**2))
        return np.clip(F(0.15) + F(0.6) * self.warm_sector + F(0.6) * comma + F(0.1) * self.texture, 0, 1)

    # --- temperature, pressure, wind near the surface ---

    @cached_property
    def t2m(self) -> np.ndarray:
        """K: winter base by latitude (298 at the equator, 265 at 49N), a 15 K frontal contrast, a 5 K diurnal
        swing peaking at 15 local solar time, a little texture, and 3.5 K per km colder on the mountains
        (winter air pools in the valleys, so less than the 6.5 K/km of the free atmosphere)."""
        base = F(240.0) + F(58.0) * self.fixed["cos2_lat"]
        solar_hour = (F(self.t % 24.0) + self.lon / F(15.0)) % F(24.0)
        diurnal = F(5.0) * np.cos(F(2.0 * np.pi / 24.0) * (solar_hour - F(15.0)))
        return (base - F(8.0) + F(15.0) * self.warm_sector + diurnal + F(0.8) * self.texture
                - F(0.0035) * self.terrain)

    @cached_property
    def t850(self) -> np.ndarray:
        """K: 17 K warmer under the warm air aloft, which is what melts falling snow."""
        return (F(240.0) + F(52.0) * self.fixed["cos2_lat"] - F(12.0) + F(17.0) * self.aloft_warm
                + F(0.6) * self.texture)

    @property
    def terrain(self) -> np.ndarray:
        """Metres above sea level: the Rockies, the Sierra-Cascades and the Appalachians."""
        return self.fixed["terrain"]

    @cached_property
    def mslp(self) -> np.ndarray:
        depth = F(1500.0 + 12.0 * self.clock)
        return (F(101600.0) + F(40.0) * (self.lat - F(40.0)) - depth * np.exp(-self.r2 / F(2 * 650.0**2))
                + F(60.0) * self.texture)

    @cached_property
    def psfc(self) -> np.ndarray:
        """Pa: sea-level pressure brought up the terrain (700 hPa on the Rockies: 925 and 850 hPa are below
        ground there)."""
        return self.mslp * np.exp(-self.terrain / F(SCALE_HEIGHT_M))

    @cached_property
    def _wind(self) -> tuple[np.ndarray, np.ndarray]:
        """Counter-clockwise flow around the low (Rankine-like profile peaking 16 m/s at 450 km) turned 20°
        inward by surface friction, on a 5 m/s westerly."""
        X, Y = self.X, self.Y
        r = np.sqrt(self.r2) + F(1.0)
        radius = F(450.0)
        speed = F(16.0) * (r / radius) * np.exp(F(0.5) * (F(1.0) - (r / radius) ** 2))
        tangential_u, tangential_v = -Y / r, X / r
        inflow = F(np.tan(np.radians(20.0)))
        u = speed * (tangential_u - inflow * X / r) + F(5.0) + F(1.5) * self.texture
        v = speed * (tangential_v - inflow * Y / r) + F(1.0) * self.texture
        return u.astype(F), v.astype(F)

    @property
    def u10(self) -> np.ndarray:
        return self._wind[0]

    @property
    def v10(self) -> np.ndarray:
        return self._wind[1]

    @property
    def wind(self) -> np.ndarray:
        return np.hypot(self.u10, self.v10)

    @cached_property
    def gust(self) -> np.ndarray:
        near_front = _sigmoid((F(200.0) - np.abs(self.ahead)) / F(60.0))
        return F(1.3) * self.wind + F(2.0) + F(4.0) * self.warm_sector * near_front

    # --- precipitation ---

    @cached_property
    def rate(self) -> np.ndarray:
        """mm/h: a band of cells just ahead of the cold front (to 5 mm/h and more in cells) and a broad comma
        head north of the low (to 2.5 mm/h); below the rain threshold it is dry."""
        X, Y, texture, cells = self.X, self.Y, self.texture, self.cells
        band = np.exp(-((self.ahead - F(70.0)) ** 2) / F(2 * 90.0**2)) * _sigmoid(-(Y - F(150.0)) / F(100.0))
        comma = np.exp(-((X - F(80.0)) ** 2) / F(2 * 420.0**2) - ((Y - F(230.0)) ** 2) / F(2 * 230.0**2))
        rate = (F(5.0) * band * (F(1.0) + F(0.5) * cells + F(0.3) * texture)
                + F(2.5) * comma * (F(1.0) + F(0.4) * texture + F(0.15) * cells))
        return np.where(rate >= F(RAIN_THRESHOLD_MM_H), rate, F(0.0))

    @cached_property
    def ptype(self) -> dict[str, np.ndarray]:
        """CRAIN / CSNOW / CICEP / CFRZR as 0/1. Snow when the column is cold; sleet under a marginal warm
        layer (850 hPa between -2 and +0.5 °C, surface below +3 °C); freezing rain under a clear warm nose
        over a surface near or below freezing; rain otherwise. Exactly one flag is set where it
        precipitates."""
        t2m, t850 = self.t2m, self.t850
        wet = self.rate > 0
        freezing = F(273.15)
        snow = wet & (t850 < freezing - F(2.0)) & (t2m < freezing + F(2.0))
        sleet = wet & ~snow & (t850 < freezing + F(0.5)) & (t2m < freezing + F(3.0))
        frzr = wet & ~snow & ~sleet & (t2m < freezing + F(0.5))
        rain = wet & ~snow & ~frzr & ~sleet
        return {"CRAIN": rain.astype(F), "CSNOW": snow.astype(F), "CICEP": sleet.astype(F),
                "CFRZR": frzr.astype(F)}

    @cached_property
    def refc(self) -> np.ndarray:
        wet = self.rate > 0
        snow_bonus = np.where(self.ptype["CSNOW"] > 0, F(-4.0), F(0.0))  # snow's lower reflectivity per mm/h
        z = F(200.0) * np.maximum(self.rate, F(1e-3)) ** F(1.6)  # Marshall-Palmer
        refc = np.where(wet, F(10.0) * np.log10(z) + snow_bonus, F(NO_ECHO_DBZ))
        return np.maximum(refc, F(NO_ECHO_DBZ))

    # --- moisture ---

    @cached_property
    def dpt2m(self) -> np.ndarray:
        """K, never above t2m: moist warm sector, dry cold air, saturated where it precipitates."""
        dry_depression = F(3.0) + F(9.0) * (F(1.0) - self.warm_sector)
        dew_depression = np.where(self.rate > 0, F(1.0), dry_depression) + F(0.8) * np.abs(self.texture)
        return self.t2m - np.maximum(dew_depression, F(0.3))

    @cached_property
    def rh2m(self) -> np.ndarray:
        return relative_humidity(self.t2m, self.dpt2m)

    @cached_property
    def pwat(self) -> np.ndarray:
        """kg/m²: 3-60 mm, most in the warm, moist conveyor ahead of the front."""
        warmth = np.clip((self.t2m - F(250.0)) / F(50.0), 0, 1)
        return F(3.0) + F(57.0) * warmth**2 * self.moisture

    @cached_property
    def cloud(self) -> np.ndarray:
        """Total cloud cover, %: overcast where it precipitates, clear in the dry air."""
        cover = _sigmoid((self.moisture - F(0.45)) / F(0.12)) * F(100.0)
        return np.where(self.rate > 0, F(100.0), np.clip(cover, 0, 100))

    # --- severe weather ---

    @cached_property
    def cape(self) -> np.ndarray:
        """Surface-based CAPE, J/kg: to ~3500 in the warm sector's warmest, moistest air, none in the cold."""
        warm = _sigmoid((self.t2m - F(288.0)) / F(3.0))
        return F(3500.0) * self.warm_sector * warm * np.clip(F(0.65) + F(0.35) * self.texture, 0, 1)

    @cached_property
    def elevated_cape(self) -> np.ndarray:
        """Most-unstable CAPE, J/kg: the surface parcel or an elevated one north of the warm front."""
        north_of_warm_front = _sigmoid((F(250.0) - np.abs(self.Y - F(150.0))) / F(80.0)) * self.aloft_warm
        return np.maximum(self.cape, F(900.0) * north_of_warm_front * _sigmoid(self.X / F(200.0)))

    @cached_property
    def helicity_1km(self) -> np.ndarray:
        """0-1 km storm-relative helicity, m²/s²: strongest near the low and along the warm front."""
        near_low = np.exp(-self.r2 / F(2 * 500.0**2))
        warm_front = _sigmoid((F(150.0) - np.abs(self.Y + F(0.35) * np.maximum(self.X, 0))) / F(60.0))
        east_of_low = _sigmoid(self.X / F(150.0))
        return F(300.0) * np.clip(F(0.6) * near_low + F(0.5) * warm_front * east_of_low, 0, 1.2)

    @cached_property
    def _storm_strength(self) -> np.ndarray:
        return np.clip(self.cape / F(2500.0), 0, 1) * np.clip(self.helicity_1km / F(150.0), 0, 1.5)

    def updraft_helicity(self, t: float) -> np.ndarray:
        """2-5 km updraft helicity, m²/s², of the storms in this state's unstable air, with its cells where
        they are at storm time `t` (h)."""
        _, _, phases = _texture_waves(self.seed)
        cells = np.sin(self.X / F(38.0) + phases[3] + F(0.4 * t)) * np.sin(self.Y / F(31.0) + phases[4])
        return F(180.0) * np.maximum(cells, F(0.0)) ** 2 * self._storm_strength

    @cached_property
    def lightning(self) -> np.ndarray:
        """Flashes per km² per 5 min where strong echoes sit in unstable air."""
        return F(0.1) * np.maximum(self.refc - F(30.0), 0) * np.clip(self.cape / F(1000.0), 0, 1)

    # --- smoke and visibility ---

    @cached_property
    def smoke(self) -> np.ndarray:
        """Near-surface smoke, kg/m³: a plume from `FIRE_LONLAT` carried east-north-east, widening and
        thinning downwind, thicker at night when the air near the ground is still; 2 µg/m³ of background."""
        east = (self.lon - F(FIRE_LONLAT[0])) * F(KM_PER_DEG) * self.fixed["cos_lat"]
        north = (self.lat - F(FIRE_LONLAT[1])) * F(KM_PER_DEG)
        along = east * F(0.94) + north * F(0.34)
        across = -east * F(0.34) + north * F(0.94)
        width = F(60.0) + F(0.25) * np.maximum(along, 0)
        plume = np.exp(-(across**2) / (F(2.0) * width**2)) * np.exp(-np.maximum(along, 0) / F(900.0))
        plume *= _sigmoid((along + F(40.0)) / F(20.0))
        night = F(1.0) + F(0.5) * np.cos(F(2.0 * np.pi / 24.0) * (F(self.t % 24.0) - F(10.0)))
        return (F(2.0) + F(180.0) * plume * night) * F(1e-9)

    @cached_property
    def visibility(self) -> np.ndarray:
        """Metres: clear air to 24 km; precipitation (snow three times as much) and smoke bring it down."""
        snow = self.ptype["CSNOW"]
        loss = F(1.0) + self.rate * (F(1.5) + F(4.5) * snow) + self.smoke * F(1e9) / F(40.0)
        return np.clip(F(CLEAR_VISIBILITY_M) / loss, F(100.0), F(CLEAR_VISIBILITY_M))

    def snowpack(self, new_snow_m: np.ndarray) -> np.ndarray:
        """Snow depth, m: an old snowpack across the north and on the mountains, plus the storm's new snow
        settled to 70 % of its depth."""
        north = F(0.35) * _sigmoid((self.lat - F(43.0)) / F(2.0))
        mountains = F(0.5) * np.clip(self.terrain / F(2500.0), 0, 1)
        old = (north + mountains) * np.clip(F(0.8) + F(0.2) * self.texture, 0, 1)
        return old + F(0.7) * new_snow_m


def relative_humidity(t: np.ndarray, td: np.ndarray) -> np.ndarray:
    """RH (%) from temperature and dew point (K), with the same formula the builder's derivation uses."""
    def saturation(kelvin: np.ndarray) -> np.ndarray:
        celsius = kelvin - F(273.15)
        return np.exp(F(17.67) * celsius / (celsius + F(243.5)))

    return np.clip(F(100.0) * saturation(td) / saturation(t), 0, 100).astype(F)


def dew_point(t: np.ndarray, rh: np.ndarray) -> np.ndarray:
    """K: the dew point of air at `t` (K) with relative humidity `rh` (%), inverting `relative_humidity`."""
    celsius = t - F(273.15)
    gamma = np.log(np.maximum(rh, F(1.0)) / F(100.0)) + F(17.67) * celsius / (celsius + F(243.5))
    return (F(243.5) * gamma / (F(17.67) - gamma) + F(273.15)).astype(F)


def state_at(model_name: str, ref_time: datetime, hours: float) -> State:
    """The synthetic atmosphere `hours` after the run's reference time, on the model's native grid."""
    return State(model_name, ref_time, hours)
