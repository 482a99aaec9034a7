"""NBM CONUS core: 2.5 km Lambert conformal (2345 x 1597), hourly runs; f001-f036 hourly, then 3-hourly to
f192 and 6-hourly to f264.

File `core.fFFF.co` (checked on the real 2026-08-05 12z f012 inventory in ../shared/data/idx/nbm). The blend
has no f000, no reflectivity, upper-air or sea-level pressure fields and no categorical precipitation-type
flags (its `PTYPE` comes only as probabilities); it has its own snow-to-liquid ratio (`SNOWLR`); wind speed
comes ready-made (`WIND:10 m above ground`), gust is at 10 m, and precipitation (APCP) and snowfall (ASNOW)
come only as windows: a 1-hour bucket (`11-12 hour acc`, to f036) and 6-hour ones (`6-12 hour acc`); the
0-12 h window exists only as a probability. Run totals are summed from those buckets.

Beside nearly every deterministic record the file lists twins with the same element, level and window that
must never be read in its place (`RECORD_LAYOUT`): `ens std dev` after 2 m temperature and dew point, 10 m
wind and gust; APCP's `prob >0.254` probabilities before its QPF, with precipitable water (PWAT, its own
percentiles and probabilities after it) listed in between; ASNOW's percentiles (`50% level`) before and
probabilities after each window's value, SNOWLR's percentiles before its value; spreads, percentiles and
probabilities after CAPE, total cloud, snow depth, visibility and the 6 h ice accretion (FICEAC, bucketed as
APCP). The selectors here name no qualifier, so only the deterministic record matches
(`twf.models.products`). Total cloud is a `surface` field.

Display resolution 2.5 km: the blend's native spacing (2.54 km), kept so its detail is not thrown away.
"""

from dataclasses import replace

from twf.models.base import (
    HTGL_10M,
    SURFACE,
    Accumulation,
    Barbs,
    Buckets,
    ModelSpec,
    NativeGrid,
    Selector,
    Twins,
)
from twf.models.products import EnsembleStdDev, Percentile, Probability
from twf.models.variables import (
    CLOUD_TOTAL,
    DP2M,
    ICE_TOTAL,
    PRECIP_1H,
    PRECIP_6H,
    PRECIP_24H,
    PRECIP_TOTAL,
    PWAT,
    RH2M,
    SBCAPE,
    SNOW_DEPTH,
    SNOW_RATIO,
    TMP2M,
    TMP2M_CHANGE_24H,
    VISIBILITY,
    WGST10M,
    WSPD10M,
    catalog,
    snowfall_24h,
    with_inputs,
)

SNOWFALL_TOTAL = replace(
    PRECIP_TOTAL, name="snowfall_total", label="Total snowfall",
    inputs={"value": Selector("ASNOW", SURFACE, window="run_total")}, convert="m_to_inches",
    palette="snow_in", group="winter",
)
# The 10 m wind comes as speed and the direction it blows from, degrees true: the file's resolution and
# component flags (48: bit 5 clear) say earth-relative, unlike HRRR's and NAM's grid-relative components.
_WIND = Selector("WIND", HTGL_10M)
WIND_BARBS = Barbs("barbs", "10 m wind barbs", {"speed": _WIND, "direction": Selector("WDIR", HTGL_10M)},
                   form="speed_direction")
# The blend's own snow-to-liquid ratio (`SNOWLR`, an instant like the Kuchera ratio of the NCEP models'
# profiles): what its snowfall was made with.
SNOW_RATIO_NBM = replace(SNOW_RATIO, label="Snow-to-liquid ratio",
                         inputs={"value": Selector("SNOWLR", SURFACE)}, derive="single")
ICE_TOTAL_NBM = replace(ICE_TOTAL, inputs={"value": Selector("FICEAC", SURFACE, window="run_total")},
                        derive="run_total")

# NCEP grid 187, the NDFD "west-expanded" CONUS 2.5 km grid, as a real core file's section 3 encodes it
# (the degrib2 dump in ../shared/data/idx/nbm): tangent cone at 25N, LoV 265E, NDFD's sphere of R = 6371200 m,
# first point 19.229N 233.7234E (south-west corner; grid 187's definition says 19.228976N 233.723448E, the
# file stores it rounded), 2345 x 1597 points 2539.703 m apart, scanning mode 0x50: every second row runs east
# to west.
NATIVE_GRID = NativeGrid(
    crs="+proj=lcc +lat_0=25 +lon_0=-95 +lat_1=25 +lat_2=25 +x_0=0 +y_0=0 +R=6371200 +units=m +no_defs",
    transform=(2539.703, 0.0, -3272421.4573371722, 0.0, -2539.703, 3790842.1060354384),
    shape=(1597, 2345),
    alternate_rows_reversed=True,
)

# The f012 inventory's order for the elements we read (line numbers there): CAPE 13-14 (its spread after it),
# DPT 35-36, FICEAC 41-42 (the 1 h and 6 h windows; the 6 h one's percentiles and probabilities follow at
# 44-63), APCP 77-79 (probabilities), PWAT 89-98 (value, then percentiles and probabilities), APCP 99-100,
# RH 101, TCDC 102-103, SNOWLR 104-119 (percentiles, then the value), ASNOW 120-167 (per window:
# percentiles, value, probabilities), SNOD 168-171, TMP 192-193, VIS 198-202, WDIR 207 (no twin),
# GUST 208-209, WIND 212-213.
# One twin of each kind stands for the real file's 1-15 of them, where the writer can spell it as the real
# file does (VIS's `prob fcst 2/6` numbering, FICEAC's twins of one window only, are left out).
RECORD_LAYOUT = (
    Twins("CAPE", after=(EnsembleStdDev(),)),
    Twins("DPT", after=(EnsembleStdDev(),)),
    Twins("FICEAC"),
    Twins("APCP", before=(Probability(above=0.254),), grouped=True,
          inner=(Twins("PWAT", after=(Percentile(50), Probability(above=12.7))),)),
    Twins("RH"),
    Twins("TCDC", after=(EnsembleStdDev(),)),
    Twins("SNOWLR", before=(Percentile(50),)),
    Twins("ASNOW", before=(Percentile(50),), after=(Probability(above=0.0254),)),
    Twins("SNOD", after=(Probability(above=0.0254),)),
    Twins("TMP", after=(EnsembleStdDev(),)),
    Twins("VIS"),
    Twins("WDIR"),
    Twins("GUST", after=(EnsembleStdDev(),)),
    Twins("WIND", after=(EnsembleStdDev(),)),
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
    products={"core": "blend.{date}/{cycle:02d}/core/blend.t{cycle:02d}z.core.f{fh:03d}.co.grib2"},
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/blend/prod/",
        "aws": "https://noaa-nbm-grib2-pds.s3.amazonaws.com/",
    },
    variables=catalog(
        TMP2M, DP2M,
        replace(WSPD10M, inputs={"value": _WIND}, derive="single", overlays=(WIND_BARBS,)),
        with_inputs(WGST10M, value=Selector("GUST", HTGL_10M)),
        PRECIP_TOTAL, SNOWFALL_TOTAL, RH2M, VISIBILITY,
        with_inputs(CLOUD_TOTAL, value=Selector("TCDC", SURFACE)),
        TMP2M_CHANGE_24H, PRECIP_1H, PRECIP_6H, PRECIP_24H, snowfall_24h(SNOWFALL_TOTAL), ICE_TOTAL_NBM,
        SNOW_RATIO_NBM, SNOW_DEPTH, SBCAPE, PWAT,
    ),
    accumulation=Accumulation(buckets=(Buckets(6, resetting=False), Buckets(1, resetting=False, until=36))),
    typical_delay_minutes=70,
    grib_generating_process=104,  # the blend, checked on the real dump
    record_layout=RECORD_LAYOUT,
)
