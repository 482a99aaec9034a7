"""HRRR CONUS: 3 km Lambert conformal (1799 x 1059), hourly runs; f00-f48 at 00/06/12/18z, f00-f18 otherwise.

Surface file `wrfsfcfFF` (the pressure-level file `wrfprsfFF` is listed as a second product; no variable
reads it yet). It carries a run-total APCP (0-N h) beside the 1-hour bucket, its own accumulated snowfall
(ASNOW, 0-N h), freezing rain only as a run total (FRZR 0-N h), accumulated snow water by the hour (WEASD
`5-6 hour acc`) and MSLMA (MAPS sea-level pressure) instead of PRMSL. Isobaric fields stop at 1000/925/
850/700/500 hPa temperatures (no 600), 500/700/850/1000 hPa heights and 250/300 hPa winds without heights
(its jet maps have barbs, no height lines); there is no ABSV or RH aloft, so 500 hPa vorticity is computed
from the wind and 700 hPa humidity from the dew point. Its winds are grid-relative on the Lambert grid.
"""

from dataclasses import replace

from twf.models.base import (
    MEAN_SEA_LEVEL,
    SURFACE,
    Accumulation,
    ModelSpec,
    NativeGrid,
    Profile,
    Selector,
    VarSpec,
)
from twf.models.variables import (
    HGT500_VORT_FROM_WIND,
    ICE_TOTAL,
    KUCHERA_LEVELS,
    LIGHTNING,
    MLCAPE,
    MSLP,
    MUCAPE,
    NCEP_CATALOGUE,
    NCEP_VARIABLES,
    PTYPE_RATE,
    RH700_FROM_DEWPOINT,
    SMOKE,
    SNOW_RATIO,
    SNOWFALL_KUCHERA,
    SRH01,
    UH25_MAX,
    catalog,
    jet_wind,
    snowfall_24h,
    with_inputs,
    without_input,
)

LONG_CYCLES = (0, 6, 12, 18)

SNOWFALL_TOTAL = VarSpec(
    name="snowfall_total", label="Total snowfall", units="in", kind="continuous",
    inputs={"value": Selector("ASNOW", SURFACE, window="run_total")},
    derive="run_total", convert="m_to_inches", palette="snow_in", group="winter",
)
KUCHERA_PROFILE = Profile("TMP", KUCHERA_LEVELS)
# Kuchera on HRRR's own accumulated snow water (WEASD), hour by hour: the liquid that fell as snow.
SNOWFALL_KUCHERA_HRRR = with_inputs(without_input(SNOWFALL_KUCHERA, "snow"),
                                    precip=Selector("WEASD", SURFACE, window="bucket"), t=KUCHERA_PROFILE)
ICE_TOTAL_HRRR = replace(ICE_TOTAL, inputs={"value": Selector("FRZR", SURFACE, window="run_total")},
                         derive="run_total")

# wrfsfcf files as GDAL reads them (checked on the real 2026-01-29 17z samples): Lambert conformal on a sphere
# of R = 6371229 m, first point 21.138123N 237.280472E (south-west corner), 1799 x 1059 points 3000 m apart.
NATIVE_GRID = NativeGrid(
    crs="+proj=lcc +lat_0=38.5 +lon_0=-97.5 +lat_1=38.5 +lat_2=38.5 +x_0=0 +y_0=0 +R=6371229 +units=m"
    " +no_defs",
    transform=(3000.0, 0.0, -2699020.142521932, 0.0, -3000.0, 1588193.8474433364),
    shape=(1059, 1799),
    grid_relative_winds=True,
)


def forecast_hours(cycle: int) -> tuple[int, ...]:
    return tuple(range(0, (48 if cycle in LONG_CYCLES else 18) + 1))


SPEC = ModelSpec(
    name="hrrr",
    label="HRRR",
    description="High-Resolution Rapid Refresh, CONUS 3 km, hourly",
    resolution_m=3000.0,  # native 3 km
    native_grid=NATIVE_GRID,
    cycles=tuple(range(24)),
    forecast_hours=forecast_hours,
    products={
        "wrfsfc": "hrrr.{date}/conus/hrrr.t{cycle:02d}z.wrfsfcf{fh:02d}.grib2",
        "wrfprs": "hrrr.{date}/conus/hrrr.t{cycle:02d}z.wrfprsf{fh:02d}.grib2",
    },
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/hrrr/prod/",
        "aws": "https://noaa-hrrr-bdp-pds.s3.amazonaws.com/",
        "google": "https://storage.googleapis.com/high-resolution-rapid-refresh/",
    },
    variables=catalog(
        *NCEP_VARIABLES, *NCEP_CATALOGUE, snowfall_24h(SNOWFALL_TOTAL), PTYPE_RATE, RH700_FROM_DEWPOINT,
        MLCAPE, MUCAPE, SRH01, UH25_MAX, LIGHTNING, SMOKE,
        replacing=(SNOWFALL_TOTAL, with_inputs(MSLP, value=Selector("MSLMA", MEAN_SEA_LEVEL)),
                   SNOWFALL_KUCHERA_HRRR, with_inputs(SNOW_RATIO, t=KUCHERA_PROFILE), ICE_TOTAL_HRRR,
                   HGT500_VORT_FROM_WIND, jet_wind(250, with_heights=False),
                   jet_wind(300, with_heights=False)),
    ),
    accumulation=Accumulation(run_total_elements=frozenset({"APCP", "ASNOW", "FRZR"})),
    typical_delay_minutes=50,
    grib_generating_process=83,  # HRRR, checked on the real samples
)
