"""NAM CONUS nest: 3 km Lambert conformal, 00/06/12/18z, f00-f60 hourly.

File `conusnest.hiresfFF.tm00`. APCP comes in buckets that reset every 3 hours, so the run total is derived
by summing buckets; sea-level pressure is PRMSL; there is no snowfall field, so snowfall is 10:1.
"""

from twf.models.base import Accumulation, Buckets, ModelSpec
from twf.models.variables import (
    DP2M,
    MSLP,
    PRECIP_TOTAL,
    RADAR_PTYPE,
    REFC,
    SNOWFALL_TOTAL_10TO1,
    TMP2M,
    TMP850,
    WGST10M,
    WSPD10M,
    catalog,
)


def forecast_hours(cycle: int) -> tuple[int, ...]:
    return tuple(range(0, 61))


SPEC = ModelSpec(
    name="nam",
    label="NAM 3 km",
    description="North American Mesoscale CONUS nest, 3 km, 4 runs a day, to 60 h",
    resolution_m=3000.0,  # native 3 km
    cycles=(0, 6, 12, 18),
    forecast_hours=forecast_hours,
    key_template="nam.{date}/nam.t{cycle:02d}z.conusnest.hiresf{fh:02d}.tm00.grib2",
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/nam/prod/",
        "aws": "https://noaa-nam-pds.s3.amazonaws.com/",
    },
    variables=catalog(
        TMP2M, DP2M, TMP850, WSPD10M, WGST10M, REFC, PRECIP_TOTAL, SNOWFALL_TOTAL_10TO1, MSLP, RADAR_PTYPE,
    ),
    accumulation=Accumulation(buckets=(Buckets(3),)),
    typical_delay_minutes=100,
)
