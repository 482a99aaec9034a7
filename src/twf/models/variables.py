"""Variables as most NCEP models carry them. A model file picks these and overrides only what differs.

Units conversions and derivations are named here and implemented in `twf.builder.derive`.
"""

from __future__ import annotations

from dataclasses import replace

from twf.models.base import (
    ENTIRE_ATMOSPHERE,
    HTGL_2M,
    HTGL_10M,
    ISBL_850,
    MEAN_SEA_LEVEL,
    SURFACE,
    ContourSpec,
    Selector,
    VarSpec,
)

# 2 °F isotherms read cleanly at zoom 4-8 on a 3 km field after smoothing; 32 °F is flagged as the freezing
# line.
TMP2M_CONTOURS = (ContourSpec(key="iso2f", interval=2.0, marked=(32.0,)),)

TMP2M = VarSpec(
    name="tmp2m", label="2 m temperature", units="°F", kind="continuous",
    inputs={"value": Selector("TMP", HTGL_2M)}, convert="kelvin_to_fahrenheit",
    palette="temperature_f", contours=TMP2M_CONTOURS,
)
DP2M = VarSpec(
    name="dp2m", label="2 m dew point", units="°F", kind="continuous",
    inputs={"value": Selector("DPT", HTGL_2M)}, convert="kelvin_to_fahrenheit", palette="dewpoint_f",
)
TMP850 = VarSpec(
    name="tmp850", label="850 hPa temperature", units="°F", kind="continuous",
    inputs={"value": Selector("TMP", ISBL_850)}, convert="kelvin_to_fahrenheit", palette="temperature_f",
)
WSPD10M = VarSpec(
    name="wspd10m", label="10 m wind speed", units="mph", kind="continuous",
    inputs={"u": Selector("UGRD", HTGL_10M), "v": Selector("VGRD", HTGL_10M)},
    derive="wind_speed", convert="mps_to_mph", palette="wind_mph",
)
WGST10M = VarSpec(
    name="wgst10m", label="10 m wind gust", units="mph", kind="continuous",
    inputs={"value": Selector("GUST", SURFACE)}, convert="mps_to_mph", palette="wind_mph",
)
REFC = VarSpec(
    name="refc", label="Composite reflectivity", units="dBZ", kind="continuous",
    inputs={"value": Selector("REFC", ENTIRE_ATMOSPHERE)}, palette="reflectivity_dbz",
)
PRECIP_TOTAL = VarSpec(
    name="precip_total", label="Total precipitation", units="in", kind="continuous",
    inputs={"value": Selector("APCP", SURFACE, window="run_total")},
    derive="run_total", convert="kgm2_to_inches", palette="precip_in",
)
# 10:1 snow ratio on liquid precipitation that fell while the categorical snow flag was set.
SNOWFALL_TOTAL_10TO1 = VarSpec(
    name="snowfall_total", label="Total snowfall (10:1)", units="in", kind="continuous",
    inputs={"precip": Selector("APCP", SURFACE, window="bucket"), "snow": Selector("CSNOW", SURFACE)},
    derive="snow_10to1_total", convert="kgm2_to_inches", palette="snow_in",
)
MSLP = VarSpec(
    name="mslp", label="Mean sea-level pressure", units="hPa", kind="continuous",
    inputs={"value": Selector("PRMSL", MEAN_SEA_LEVEL)}, convert="pa_to_hpa", palette="mslp_hpa",
)
# Reflectivity split into rain / snow / ice pellets / freezing rain colour families by the categorical flags.
# The value stored is a class-coded dBZ (family offset + dBZ), so it is categorical for resampling.
RADAR_PTYPE = VarSpec(
    name="radar_ptype", label="Radar by precipitation type", units="dBZ", kind="categorical",
    inputs={
        "refc": Selector("REFC", ENTIRE_ATMOSPHERE),
        "rain": Selector("CRAIN", SURFACE),
        "snow": Selector("CSNOW", SURFACE),
        "sleet": Selector("CICEP", SURFACE),
        "frzr": Selector("CFRZR", SURFACE),
    },
    derive="radar_ptype", palette="radar_ptype",
)


def with_inputs(spec: VarSpec, **inputs: Selector) -> VarSpec:
    """A copy of `spec` whose named inputs are replaced (e.g. HRRR's MSLMA for PRMSL)."""
    return replace(spec, inputs={**spec.inputs, **inputs})


# What HRRR, NAM and GFS all carry, in display order; each model replaces only the specs it reads differently.
NCEP_VARIABLES = (
    TMP2M, DP2M, TMP850, WSPD10M, WGST10M, REFC, PRECIP_TOTAL, SNOWFALL_TOTAL_10TO1, MSLP, RADAR_PTYPE,
)


def catalog(*specs: VarSpec, replacing: tuple[VarSpec, ...] = ()) -> dict[str, VarSpec]:
    """Specs by name, in the order given; each of `replacing` takes the place of the spec of the same name
    (a name not among `specs` is a KeyError, so a replacement cannot silently add a variable)."""
    variables = {s.name: s for s in specs}
    for spec in replacing:
        if spec.name not in variables:
            raise KeyError(f"{spec.name}: no such variable to replace")
        variables[spec.name] = spec
    return variables
