"""GFS 0.25°: global regular lat/lon (1440 x 721), 00/06/12/18z; f000-f384, hourly to f120 then 3-hourly.

File `pgrb2.0p25.fFFF`. APCP comes as a 6-hour-resetting bucket and, from f003 on, a run total (0-N h); at
f006, f012, ... both carry the same label, so the run-total selector must check the window, not the text.
There is no snowfall field: snowfall is 10:1 (or Kuchera) on the bucket precipitation, weighted by the
bucket-averaged categorical snow flag; freezing rain likewise by the averaged freezing-rain flag. ABSV and
RH come ready-made at 500 and 700 hPa, temperatures at every 25-50 hPa (600 hPa included). The second
product `pgrb2b.0p25` (less common fields) is listed; no variable reads it yet.

Display resolution 9 km: 0.25° is ~28 km east-west in EPSG:3857 units (and up to ~40 km north-south at
CONUS latitudes), so 9 km keeps 3+ display pixels per source cell for smooth bilinear edges while the frame
stays 920 x 520 (a tenth of HRRR's pixels).
"""

from twf.models.base import SURFACE, Accumulation, Buckets, ModelSpec, NativeGrid, Selector
from twf.models.variables import (
    ICE_TOTAL,
    MLCAPE,
    MUCAPE,
    NCEP_CATALOGUE,
    NCEP_VARIABLES,
    PTYPE_RATE,
    RH700,
    SNOWFALL_KUCHERA,
    SNOWFALL_TOTAL_10TO1,
    catalog,
    snowfall_24h,
    with_inputs,
)

AVERAGED_SNOW = Selector("CSNOW", SURFACE, window="bucket_average")
SNOWFALL_TOTAL = with_inputs(SNOWFALL_TOTAL_10TO1, snow=AVERAGED_SNOW)

# pgrb2.0p25 files as GDAL reads them (checked on the real 2026-01-29 12z sample): 1440 x 721 cell centres at
# 0..359.75E, 90..-90N on a sphere of R = 6371229 m, which GDAL shifts to -180..180 by default.
NATIVE_GRID = NativeGrid(
    crs="+proj=longlat +R=6371229 +no_defs",
    transform=(0.25, 0.0, -180.125, 0.0, -0.25, 90.125),
    shape=(721, 1440),
)


def forecast_hours(cycle: int) -> tuple[int, ...]:
    return tuple(range(0, 121)) + tuple(range(123, 385, 3))


SPEC = ModelSpec(
    name="gfs",
    label="GFS",
    description="Global Forecast System 0.25°, 4 runs a day, to 16 days",
    resolution_m=9000.0,
    native_grid=NATIVE_GRID,
    cycles=(0, 6, 12, 18),
    forecast_hours=forecast_hours,
    products={
        "pgrb2.0p25": "gfs.{date}/{cycle:02d}/atmos/gfs.t{cycle:02d}z.pgrb2.0p25.f{fh:03d}",
        "pgrb2b.0p25": "gfs.{date}/{cycle:02d}/atmos/gfs.t{cycle:02d}z.pgrb2b.0p25.f{fh:03d}",
    },
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/gfs/prod/",
        "aws": "https://noaa-gfs-bdp-pds.s3.amazonaws.com/",
        "google": "https://storage.googleapis.com/global-forecast-system/",
    },
    variables=catalog(
        *NCEP_VARIABLES, *NCEP_CATALOGUE, snowfall_24h(SNOWFALL_TOTAL), PTYPE_RATE, RH700, MLCAPE, MUCAPE,
        replacing=(SNOWFALL_TOTAL, with_inputs(SNOWFALL_KUCHERA, snow=AVERAGED_SNOW),
                   with_inputs(ICE_TOTAL, frzr=Selector("CFRZR", SURFACE, window="bucket_average"))),
    ),
    accumulation=Accumulation(run_total_elements=frozenset({"APCP"}), buckets=(Buckets(6),)),
    typical_delay_minutes=210,
    grib_generating_process=81,  # GFS, checked on the real sample
)
