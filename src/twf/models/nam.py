"""NAM CONUS nest: 3 km Lambert conformal, 00/06/12/18z, f00-f60 hourly.

File `conusnest.hiresfFF.tm00`, written by the NAM post-processor, whose inventory the 12 km product shares
(checked on the real `nam.t12z.awphys06.tm00.grib2.idx` of 2026-08-05 12z in ../shared/data/idx/nam): PRMSL
(and MSLET, not read; no MSLMA) for sea-level pressure, `GUST:surface`, `REFC` on the `entire atmosphere
(considered as a single layer)` level (fixed-surface type 200, where HRRR and GFS write type 10), categorical
`CSNOW/CICEP/CFRZR/CRAIN:surface`, and winds (10 m and aloft) as the sub-messages `N.1`/`N.2` of one
message.

Accumulations. The f06 file carries APCP as `0-6 hour acc` and `3-6 hour acc`: a longer window beside a
3-hour bucket. We read only the 3-hour buckets, which reset every 3 hours: the file at h holds the window
from the last multiple of 3 before h up to h (f04 `3-4 hour acc`, f06 `3-6 hour acc`). Those windows tile
0..h without gap or overlap, and an accumulation over consecutive windows adds up, so their sum is the run
total 0..h. The longer window is not read as a run total: one f06 file cannot tell a run total from a 6- or
12-hour bucket, and reading it as one at f09 or f15 would double-count. There is no ASNOW (`WEASD:surface:
0-6 hour acc`, snow water, comes only in the longer window), so snowfall is 10:1 on the APCP buckets where
the snow flag is set at each bucket's end. If the nest's inventory does not carry a bucket we ask for, the
frame fails loudly (`MessageNotFound` naming the window and the file), it never reads another window: the
`.idx` selection and the decoder both match the window exactly (`twf.fetch.idx`, `twf.builder.decode`).

The catalogue beyond that, on the same inventory: ABSV and RH aloft, 925-500 hPa temperatures with 600 hPa
(the Kuchera profile), CAPE at the surface and for the most unstable parcel of the lowest 180 hPa (no 90-0
mixed layer), helicity only 0-3 km, total cloud on the type-200 level too, heights and winds at 250 and 300
hPa, and no PRATE, so no precipitation-rate map. `LTNG:surface` is not read: its inventory line does not
say whether it is HRRR's lightning threat (flashes/km²/5 min) or another lightning diagnostic, and a map
must not guess its units. Its winds are grid-relative on the Lambert grid (inherited from HRRR's grid
definition).
"""

from dataclasses import replace

from twf.models.base import (
    ENTIRE_ATMOSPHERE_LAYER,
    Accumulation,
    Buckets,
    ModelSpec,
    Selector,
    layer_above_ground,
)
from twf.models.hrrr import NATIVE_GRID as HRRR_GRID
from twf.models.variables import (
    CLOUD_TOTAL,
    MUCAPE,
    NCEP_CATALOGUE,
    NCEP_VARIABLES,
    RADAR_PTYPE,
    REFC,
    RH700,
    SNOWFALL_TOTAL_10TO1,
    catalog,
    snowfall_24h,
    with_inputs,
)

# conusnest.hiresf files are interpolated by the NAM product generator (NCEP nam prdgen script, domain
# `conus`) with wgrib2 `-new_grid lambert:262.5:38.5:38.5 237.280:1799:3000 21.138:1059:3000`: HRRR's
# projection and size, but a first point rounded to 21.138N 237.280E: the origin sits ~53 m west of HRRR's.
NATIVE_GRID = replace(
    HRRR_GRID, transform=(3000.0, 0.0, -2699073.2235329337, 0.0, -3000.0, 1588193.930558637),
)

_REFC = Selector("REFC", ENTIRE_ATMOSPHERE_LAYER)
# The NAM post-processor's most-unstable parcel is the highest-theta-e one of the lowest 180 hPa (its "best"
# CAPE, `CAPE:180-0 mb above ground`), where the GFS's looks through 255 hPa: the label says which.
MUCAPE_NAM = replace(MUCAPE, label="Most-unstable CAPE (180-0 hPa)",
                     inputs={"value": Selector("CAPE", layer_above_ground(180, 0, "mb"))})


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
    products={"conusnest": "nam.{date}/nam.t{cycle:02d}z.conusnest.hiresf{fh:02d}.tm00.grib2"},
    sources={
        "nomads": "https://nomads.ncep.noaa.gov/pub/data/nccf/com/nam/prod/",
        "aws": "https://noaa-nam-pds.s3.amazonaws.com/",
    },
    variables=catalog(
        *NCEP_VARIABLES, *NCEP_CATALOGUE, snowfall_24h(SNOWFALL_TOTAL_10TO1), RH700, MUCAPE_NAM,
        replacing=(with_inputs(REFC, value=_REFC), with_inputs(RADAR_PTYPE, refc=_REFC),
                   with_inputs(CLOUD_TOTAL, value=Selector("TCDC", ENTIRE_ATMOSPHERE_LAYER))),
    ),
    accumulation=Accumulation(buckets=(Buckets(3),)),
    submessage_pairs=(("UGRD", "VGRD"),),
    typical_delay_minutes=100,
)
