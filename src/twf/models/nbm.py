"""NBM CONUS core: 2.5 km Lambert conformal (2345 x 1597), hourly runs; f001-f036 hourly, then 3-hourly to
f192 and 6-hourly to f264.

File `core.fFFF.co`. The blend has no f000, no reflectivity, upper-air or sea-level pressure fields; wind
speed comes ready-made (WIND), gust is at 10 m, and precipitation and snowfall come only as buckets, so
their run totals are derived by summing buckets.

Display resolution 2.5 km: the blend's native spacing (2.54 km), kept so its detail is not thrown away.
"""

from dataclasses import replace

from twf.models.base import HTGL_10M, SURFACE, Accumulation, Buckets, ModelSpec, NativeGrid, Selector
from twf.models.variables import DP2M, PRECIP_TOTAL, TMP2M, WGST10M, WSPD10M, catalog, with_inputs

SNOWFALL_TOTAL = replace(
    PRECIP_TOTAL, name="snowfall_total", label="Total snowfall",
    inputs={"value": Selector("ASNOW", SURFACE, window="run_total")}, convert="m_to_inches",
    palette="snow_in",
)

# NCEP grid 187, the NDFD "west-expanded" CONUS 2.5 km grid (wgrib2 `lambert:265:25:25
# 233.723448:2345:2539.703 19.228976:1597:2539.703` in NCEP's URMA/smartinit scripts): tangent cone at 25N,
# LoV 265E, NDFD's sphere of R = 6371200 m, first point 19.228976N 233.723448E (south-west corner),
# 2345 x 1597 points 2539.703 m apart.
NATIVE_GRID = NativeGrid(
    crs="+proj=lcc +lat_0=25 +lon_0=-95 +lat_1=25 +lat_2=25 +x_0=0 +y_0=0 +R=6371200 +units=m +no_defs",
    transform=(2539.703, 0.0, -3272417.139794264, 0.0, -2539.703, 3790838.3367873165),
    shape=(1597, 2345),
)


def forecast_hours(cycle: int) -> tuple[int, ...]:
    return tuple(range(1, 37)) + tuple(range(39, 193, 3)) + tuple(range(198, 265, 6))


SPEC = ModelSpec(
    name="nbm",
    label="NBM",
    description="National Blend of Models, CONUS core 2.5 km, hourly",
    resolution_m=2500.0,
    native_grid=NATIVE_GRID,
    cycles=tuple(range(24)),
    forecast_hours=forecast_hours,
    key_template="blend.{date}/{cycle:02d}/core/blend.t{cycle:02d}z.core.f{fh:03d}.co.grib2",
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/blend/prod/",
        "aws": "https://noaa-nbm-grib2-pds.s3.amazonaws.com/",
    },
    variables=catalog(
        TMP2M, DP2M,
        replace(WSPD10M, inputs={"value": Selector("WIND", HTGL_10M)}, derive="single"),
        with_inputs(WGST10M, value=Selector("GUST", HTGL_10M)),
        PRECIP_TOTAL, SNOWFALL_TOTAL,
    ),
    accumulation=Accumulation(buckets=(Buckets(6, resetting=False), Buckets(1, resetting=False, until=36))),
    typical_delay_minutes=70,
)
