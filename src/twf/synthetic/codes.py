"""GRIB2 code tables for the fields our model specs use: what a synthetic message is written as, and how an
inventory line names it back.

The numbers are WMO GRIB2 tables 4.2 / 4.5 with NCEP's local entries (category/number 192+), as the real NCEP
files carry them; GDAL's degrib names each of them with the same element abbreviation wgrib2 prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from twf.models.base import Level
from twf.models.requirements import STATISTICAL_PROCESSES


@dataclass(frozen=True)
class Parameter:
    """GRIB2 discipline (table 0.0), parameter category and number (table 4.2); `decimals` is the packing
    precision (GRIB decimal scale factor) chosen for the element's upstream units."""

    discipline: int
    category: int
    number: int
    decimals: int


# Every element a model spec selects, plus PRATE (in the real samples). Precision: 0.01 K, 0.1 m/s, 1 Pa,
# 0.1 gpm, 0.01 kg/m^2 (mm), 0.1 mm of snow depth, 0.1 dBZ, 1 J/kg, 1 %, 1 m of visibility, 0.01 µg/m³ of
# smoke, 1e-7 s⁻¹ of vorticity, exact 0/1 flags; finer than any display needs.
PARAMETERS: dict[str, Parameter] = {
    "TMP": Parameter(0, 0, 0, 2),
    "DPT": Parameter(0, 0, 6, 2),
    "RH": Parameter(0, 1, 1, 1),
    "PWAT": Parameter(0, 1, 3, 1),
    "PRATE": Parameter(0, 1, 7, 6),
    "APCP": Parameter(0, 1, 8, 2),
    "SNOD": Parameter(0, 1, 11, 4),
    "WEASD": Parameter(0, 1, 13, 2),
    "ASNOW": Parameter(0, 1, 29, 4),
    "CRAIN": Parameter(0, 1, 192, 0),
    "CFRZR": Parameter(0, 1, 193, 0),
    "CICEP": Parameter(0, 1, 194, 0),
    "CSNOW": Parameter(0, 1, 195, 0),
    "FRZR": Parameter(0, 1, 225, 2),
    "FICEAC": Parameter(0, 1, 228, 2),
    "SNOWLR": Parameter(0, 1, 233, 2),
    "WDIR": Parameter(0, 2, 0, 0),
    "WIND": Parameter(0, 2, 1, 1),
    "UGRD": Parameter(0, 2, 2, 1),
    "VGRD": Parameter(0, 2, 3, 1),
    "ABSV": Parameter(0, 2, 10, 7),
    "GUST": Parameter(0, 2, 22, 1),
    "PRES": Parameter(0, 3, 0, 0),
    "PRMSL": Parameter(0, 3, 1, 0),
    "HGT": Parameter(0, 3, 5, 1),
    "MSLMA": Parameter(0, 3, 198, 0),
    "TCDC": Parameter(0, 6, 1, 0),
    "CAPE": Parameter(0, 7, 6, 0),
    "HLCY": Parameter(0, 7, 8, 0),
    "MXUPHL": Parameter(0, 7, 199, 1),
    "REFC": Parameter(0, 16, 196, 1),
    "LTNG": Parameter(0, 17, 192, 3),
    "VIS": Parameter(0, 19, 0, 0),
    "MASSDEN": Parameter(0, 20, 0, 11),
}

# GRIB2 fixed-surface types (table 4.5) that carry no value, by the text wgrib2 prints for them. GDAL names
# both atmosphere types `0-EATM`; only the inventory tells HRRR's (10) from NAM's (200).
LEVEL_TEXTS: dict[int, str] = {1: "surface", 10: "entire atmosphere", 101: "mean sea level",
                               200: "entire atmosphere (considered as a single layer)"}
# GDAL short-name level suffix → fixed-surface type, for the levels that carry a value (SPDL: pressure depth
# above ground, in Pa, as the layers of mixed-layer and most-unstable CAPE).
SURFACE_TYPES: dict[str, int] = {"ISBL": 100, "HTGL": 103, "SPDL": 108}
NO_SURFACE = 255  # no second surface (code table 4.5 "missing")

# GRIB2 statistical process (table 4.10) of each statistic word a request names.
STATISTIC_CODES: dict[str, int] = {word: code for code, word in STATISTICAL_PROCESSES.items()}


def element_of(discipline: int, category: int, number: int) -> str:
    """The element abbreviation of a GRIB2 parameter; KeyError for one we never write."""
    for name, p in PARAMETERS.items():
        if (p.discipline, p.category, p.number) == (discipline, category, number):
            return name
    raise KeyError(f"no element for GRIB2 parameter {discipline}/{category}/{number}")


def surfaces_of(level: Level) -> tuple[int, int, int, int]:
    """(first surface type, value, second surface type, value) of a level: `2-HTGL` → (103, 2, 255, 0),
    `85000-ISBL` → (100, 85000, 255, 0) in Pa, `entire atmosphere (considered as a single layer)` → (200, 0,
    255, 0), a layer `3000-0-HTGL` → (103, 3000, 103, 0), `9000-0-SPDL` → (108, 9000, 108, 0) in Pa."""
    *values, kind = level.gdal.split("-")
    for surface_type, text in LEVEL_TEXTS.items():
        if level.idx == text:
            return surface_type, int(values[0]), NO_SURFACE, 0
    if len(values) == 2:
        return SURFACE_TYPES[kind], int(values[0]), SURFACE_TYPES[kind], int(values[1])
    return SURFACE_TYPES[kind], int(values[0]), NO_SURFACE, 0
