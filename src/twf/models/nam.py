"""NAM CONUS nest: 3 km Lambert conformal, 00/06/12/18z, f00-f60 hourly.

File `conusnest.hiresfFF.tm00`. APCP comes in buckets that reset every 3 hours, so the run total is derived
by summing buckets; sea-level pressure is PRMSL; there is no snowfall field, so snowfall is 10:1.
"""

from dataclasses import replace

from twf.models.base import Accumulation, Buckets, ModelSpec
from twf.models.hrrr import NATIVE_GRID as HRRR_GRID
from twf.models.variables import NCEP_VARIABLES, catalog

# conusnest.hiresf files are interpolated by the NAM product generator (NCEP nam prdgen script, domain
# `conus`) with wgrib2 `-new_grid lambert:262.5:38.5:38.5 237.280:1799:3000 21.138:1059:3000`: HRRR's
# projection and size, but a first point rounded to 21.138N 237.280E: the origin sits ~53 m west of HRRR's.
NATIVE_GRID = replace(
    HRRR_GRID, transform=(3000.0, 0.0, -2699073.2235329337, 0.0, -3000.0, 1588193.930558637),
)


def forecast_hours(cycle: int) -> tuple[int, ...]:
    return tuple(range(0, 61))


SPEC = ModelSpec(
    name="nam",
    label="NAM 3 km",
    description="North American Mesoscale CONUS nest, 3 km, 4 runs a day, to 60 h",
    resolution_m=3000.0,  # native 3 km
    native_grid=NATIVE_GRID,
    cycles=(0, 6, 12, 18),
    forecast_hours=forecast_hours,
    key_template="nam.{date}/nam.t{cycle:02d}z.conusnest.hiresf{fh:02d}.tm00.grib2",
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/nam/prod/",
        "aws": "https://noaa-nam-pds.s3.amazonaws.com/",
    },
    variables=catalog(*NCEP_VARIABLES),
    accumulation=Accumulation(buckets=(Buckets(3),)),
    typical_delay_minutes=100,
)
