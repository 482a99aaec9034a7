"""Variables as most NCEP models carry them. A model file picks these and overrides only what differs.

Units conversions and derivations are named here and implemented in `twf.builder.derive`. Every selector
below was checked against the real inventories (`../shared/data/grib/*/`, `../shared/data/idx/`): HRRR
`wrfsfc` f00-f06, GFS `pgrb2.0p25` f000-f024, NAM `awphys` f06 (the 3 km nest comes from the same NAM
post-processor), NBM `core` f012. A model lists a variable only where its files carry every input.

Winter choices, stated once:
- Kuchera snowfall (`SNOWFALL_KUCHERA`): per precipitation bucket, the warmest temperature among the
  isobaric levels above ground from 925 hPa up to 500 hPa (600 hPa too where the file has it; a level is
  above ground when its pressure is at or below the surface pressure), the ratio 12 + 2·(271.16 − T) above
  271.16 K and 12 + (271.16 − T) below, clamped to 5..30 (`twf.builder.derive.KUCHERA_RATIO_RANGE`); the
  bucket's snow is its liquid x the categorical snow flag (instant at the bucket's end on NAM, the bucket
  average on GFS) or, on HRRR, its own accumulated snow water (WEASD) x the ratio of the profile at the
  bucket's end. A running total: each frame adds its newest bucket to the total of the frame before.
- `snow_ratio` is that ratio for the profile at the frame's hour: what the newest bucket's snow got.
- Windows (`precip_1h` .. `snowfall_24h`) are changes of the run total (`VarSpec.change_hours`): never
  negative, from f000 at their first hour, and a frame exists only once the whole window fits (f024 for
  24 h), so a short HRRR cycle (f18) has no 24 h maps.
"""

from __future__ import annotations

from dataclasses import replace

from twf.models.base import (
    ENTIRE_ATMOSPHERE,
    ENTIRE_ATMOSPHERE_LAYER,
    HTGL_2M,
    HTGL_10M,
    ISBL_850,
    MEAN_SEA_LEVEL,
    SURFACE,
    Barbs,
    Centres,
    Isolines,
    Level,
    OverlayField,
    Profile,
    Selector,
    VarSpec,
    isobaric,
    layer_above_ground,
)

# --- overlays -------------------------------------------------------------------------------------------
# 2 °F isotherms read cleanly at zoom 4-8 on a 3 km field after smoothing; 32 °F is flagged as the freezing
# line. Off until asked for: at 2 °F they crowd the map.
ISOTHERMS_2F = Isolines("iso2f", "Isotherms (2 °F)", interval=2.0, marked=(32.0,), suffix="°", shown=False)
# Isobars every 4 hPa as on a surface analysis, 1012 hPa flagged as the standard atmosphere's line;
# smoothed to ~10 km on a 3 km field, since HRRR's sea-level pressure reduced over mountains is noisy.
ISOBARS_4HPA = Isolines("isobars", "Isobars (4 hPa)", interval=4.0, marked=(1012.0,), smoothing_sigma_px=3.0,
                        downsample=2)
# Highs and lows: lowest (highest) within 600 km (EPSG:3857 km: ~460 km on the ground at 40N) and 2 hPa
# deeper than the mean around that circle: the synoptic centres, not every kink of a flat pressure field.
PRESSURE_CENTRES = Centres("centres", "Highs and lows", min_depth=2.0, radius_km=600.0)


def heights(hpa: int, interval_dam: int) -> Isolines:
    """Geopotential height lines of the `hpa` hPa level every `interval_dam` decametres (what upper-air maps
    draw: 3 dam at 850 hPa, 6 at 500, 12 at 250)."""
    return Isolines("heights", f"{hpa} hPa heights ({interval_dam} dam)", interval=float(interval_dam),
                    smoothing_sigma_px=2.0, downsample=2,
                    field=OverlayField({"value": Selector("HGT", isobaric(hpa))}, convert="gpm_to_dam"))


def wind_barbs(level: Level, where: str) -> Barbs:
    """Barbs of the wind's components at `level` (`where` names it for the toggle: "850 hPa")."""
    return Barbs("barbs", f"{where} wind barbs", {"u": Selector("UGRD", level), "v": Selector("VGRD", level)})



TMP2M = VarSpec(
    name="tmp2m", label="2 m temperature", units="°F", kind="continuous",
    inputs={"value": Selector("TMP", HTGL_2M)}, convert="kelvin_to_fahrenheit",
    palette="temperature_f", group="surface", overlays=(ISOTHERMS_2F,),
)
DP2M = VarSpec(
    name="dp2m", label="2 m dew point", units="°F", kind="continuous",
    inputs={"value": Selector("DPT", HTGL_2M)}, convert="kelvin_to_fahrenheit", palette="dewpoint_f",
    group="surface",
)
TMP850 = VarSpec(
    name="tmp850", label="850 hPa temperature", units="°F", kind="continuous",
    inputs={"value": Selector("TMP", ISBL_850)}, convert="kelvin_to_fahrenheit", palette="temperature_f",
    group="upper_air",
)
WSPD10M = VarSpec(
    name="wspd10m", label="10 m wind speed", units="mph", kind="continuous",
    inputs={"u": Selector("UGRD", HTGL_10M), "v": Selector("VGRD", HTGL_10M)},
    derive="wind_speed", convert="mps_to_mph", palette="wind_mph", group="surface",
    overlays=(wind_barbs(HTGL_10M, "10 m"),),
)
WGST10M = VarSpec(
    name="wgst10m", label="10 m wind gust", units="mph", kind="continuous",
    inputs={"value": Selector("GUST", SURFACE)}, convert="mps_to_mph", palette="wind_mph", group="surface",
)
REFC = VarSpec(
    name="refc", label="Composite reflectivity", units="dBZ", kind="continuous",
    inputs={"value": Selector("REFC", ENTIRE_ATMOSPHERE)}, palette="reflectivity_dbz", group="precipitation",
)
PRECIP_TOTAL = VarSpec(
    name="precip_total", label="Total precipitation", units="in", kind="continuous",
    inputs={"value": Selector("APCP", SURFACE, window="run_total")},
    derive="run_total", convert="kgm2_to_inches", palette="precip_in", group="precipitation",
)
# 10:1 snow ratio on liquid precipitation that fell while the categorical snow flag was set.
SNOWFALL_TOTAL_10TO1 = VarSpec(
    name="snowfall_total", label="Total snowfall (10:1)", units="in", kind="continuous",
    inputs={"precip": Selector("APCP", SURFACE, window="bucket"), "snow": Selector("CSNOW", SURFACE)},
    derive="snow_10to1_total", convert="kgm2_to_inches", palette="snow_in", group="winter",
)
MSLP = VarSpec(
    name="mslp", label="Mean sea-level pressure", units="hPa", kind="continuous",
    inputs={"value": Selector("PRMSL", MEAN_SEA_LEVEL)}, convert="pa_to_hpa", palette="mslp_hpa",
    group="surface", overlays=(ISOBARS_4HPA, PRESSURE_CENTRES),
)
_PTYPE_FLAGS = {
    "rain": Selector("CRAIN", SURFACE),
    "snow": Selector("CSNOW", SURFACE),
    "sleet": Selector("CICEP", SURFACE),
    "frzr": Selector("CFRZR", SURFACE),
}
# Reflectivity split into rain / snow / ice pellets / freezing rain colour families by the categorical flags.
# The value stored is a class-coded dBZ (family offset + dBZ), so it is categorical for resampling.
RADAR_PTYPE = VarSpec(
    name="radar_ptype", label="Radar by precipitation type", units="dBZ", kind="categorical",
    inputs={"refc": Selector("REFC", ENTIRE_ATMOSPHERE), **_PTYPE_FLAGS},
    derive="radar_ptype", palette="radar_ptype", group="precipitation",
)

# --- winter ---------------------------------------------------------------------------------------------

# The isobaric levels of the Kuchera profile, surface-most first (600 hPa only where a model's file has it).
KUCHERA_LEVELS = tuple(isobaric(hpa) for hpa in (925, 850, 700, 500))
KUCHERA_LEVELS_WITH_600 = tuple(isobaric(hpa) for hpa in (925, 850, 700, 600, 500))
SURFACE_PRESSURE = Selector("PRES", SURFACE)

SNOWFALL_KUCHERA = VarSpec(
    name="snowfall_kuchera", label="Total snowfall (Kuchera)", units="in", kind="continuous",
    inputs={"precip": Selector("APCP", SURFACE, window="bucket"), "snow": Selector("CSNOW", SURFACE),
            "t": Profile("TMP", KUCHERA_LEVELS_WITH_600), "psfc": SURFACE_PRESSURE},
    derive="snow_kuchera", convert="kgm2_to_inches", palette="snow_in", group="winter", running=True,
)
SNOW_RATIO = VarSpec(
    name="snow_ratio", label="Snow ratio (Kuchera)", units=":1", kind="continuous",
    inputs={"t": Profile("TMP", KUCHERA_LEVELS_WITH_600), "psfc": SURFACE_PRESSURE},
    derive="kuchera_ratio", palette="snow_ratio", group="winter",
)
ICE_TOTAL = VarSpec(
    name="ice_total", label="Total freezing rain", units="in", kind="continuous",
    inputs={"precip": Selector("APCP", SURFACE, window="bucket"), "frzr": Selector("CFRZR", SURFACE)},
    derive="freezing_rain_total", convert="kgm2_to_inches", palette="ice_in", group="winter",
)
# Precipitation type with intensity from the surface rate: what global models show instead of radar.
PTYPE_RATE = VarSpec(
    name="ptype_rate", label="Precipitation type and rate", units="in/h", kind="categorical",
    inputs={"rate": Selector("PRATE", SURFACE), **_PTYPE_FLAGS},
    derive="ptype_rate", palette="ptype_rate", group="winter",
)
SNOW_DEPTH = VarSpec(
    name="snow_depth", label="Snow depth", units="in", kind="continuous",
    inputs={"value": Selector("SNOD", SURFACE)}, convert="m_to_inches", palette="snow_in", group="winter",
)


def change_of(spec: VarSpec, hours: int, name: str, label: str, **changes: object) -> VarSpec:
    """`spec` as a change over `hours` (see `VarSpec.change_hours`), under its own name and label."""
    return replace(spec, name=name, label=label, change_hours=hours, overlays=(), **changes)


PRECIP_1H = change_of(PRECIP_TOTAL, 1, "precip_1h", "1-hour precipitation")
PRECIP_6H = change_of(PRECIP_TOTAL, 6, "precip_6h", "6-hour precipitation")
PRECIP_24H = change_of(PRECIP_TOTAL, 24, "precip_24h", "24-hour precipitation")
TMP2M_CHANGE_24H = change_of(TMP2M, 24, "tmp2m_change_24h", "24-hour 2 m temperature change",
                             convert="kelvin_delta_to_fahrenheit", palette="temperature_change_f")


def snowfall_24h(snowfall_total: VarSpec) -> VarSpec:
    """24-hour snowfall as a change of the model's own total snowfall, whatever it is made of."""
    label = snowfall_total.label.replace("Total snowfall", "24-hour snowfall")
    return change_of(snowfall_total, 24, "snowfall_24h", label)


# --- upper air ------------------------------------------------------------------------------------------

TMP850_HGT = VarSpec(
    name="tmp850_hgt", label="850 hPa temperature and wind", units="°C", kind="continuous",
    inputs={"value": Selector("TMP", ISBL_850)}, convert="kelvin_to_celsius", palette="temperature_c",
    group="upper_air", overlays=(heights(850, 3), wind_barbs(ISBL_850, "850 hPa")),
)


def jet_wind(hpa: int, with_heights: bool = True) -> VarSpec:
    """The wind speed at an upper level, with its barbs and (where the file has them) its heights every
    12 dam."""
    level = isobaric(hpa)
    lines = (heights(hpa, 12),) if with_heights else ()
    return VarSpec(
        name=f"wind{hpa}", label=f"{hpa} hPa wind (jet stream)", units="kt", kind="continuous",
        inputs={"u": Selector("UGRD", level), "v": Selector("VGRD", level)},
        derive="wind_speed", convert="mps_to_knots", palette="jet_kt", group="upper_air",
        overlays=(*lines, wind_barbs(level, f"{hpa} hPa")),
    )


WIND250 = jet_wind(250)
WIND300 = jet_wind(300)

HGT500_VORT = VarSpec(
    name="hgt500_vort", label="500 hPa absolute vorticity and heights", units="10⁻⁵ s⁻¹", kind="continuous",
    inputs={"value": Selector("ABSV", isobaric(500))}, convert="per_s_to_1e5", palette="vorticity",
    group="upper_air", overlays=(heights(500, 6),),
)
# Where a file has no ABSV (HRRR's surface file): computed from the 500 hPa wind on the native grid.
HGT500_VORT_FROM_WIND = replace(
    HGT500_VORT, inputs={"u": Selector("UGRD", isobaric(500)), "v": Selector("VGRD", isobaric(500))},
    derive="absolute_vorticity",
)
RH700 = VarSpec(
    name="rh700", label="700 hPa relative humidity", units="%", kind="continuous",
    inputs={"value": Selector("RH", isobaric(700))}, palette="rh_pct", group="upper_air",
)
# Where a file has no RH at 700 hPa but its temperature and dew point (HRRR).
RH700_FROM_DEWPOINT = replace(
    RH700, inputs={"t": Selector("TMP", isobaric(700)), "td": Selector("DPT", isobaric(700))},
    derive="relative_humidity",
)

# --- severe weather and moisture ------------------------------------------------------------------------

SBCAPE = VarSpec(
    name="sbcape", label="Surface-based CAPE", units="J/kg", kind="continuous",
    inputs={"value": Selector("CAPE", SURFACE)}, palette="cape_jkg", group="severe",
)
MLCAPE = replace(SBCAPE, name="mlcape", label="Mixed-layer CAPE (90-0 hPa)",
                 inputs={"value": Selector("CAPE", layer_above_ground(90, 0, "mb"))})
MUCAPE = replace(SBCAPE, name="mucape", label="Most-unstable CAPE (255-0 hPa)",
                 inputs={"value": Selector("CAPE", layer_above_ground(255, 0, "mb"))})
SRH03 = VarSpec(
    name="srh03", label="0-3 km storm-relative helicity", units="m²/s²", kind="continuous",
    inputs={"value": Selector("HLCY", layer_above_ground(3000, 0, "m"))}, palette="helicity", group="severe",
)
SRH01 = replace(SRH03, name="srh01", label="0-1 km storm-relative helicity",
                inputs={"value": Selector("HLCY", layer_above_ground(1000, 0, "m"))})
UH25_MAX = VarSpec(
    name="uh25_max", label="2-5 km updraft helicity (hourly max)", units="m²/s²", kind="continuous",
    inputs={"value": Selector("MXUPHL", layer_above_ground(5000, 2000, "m"), window="interval_max")},
    palette="updraft_helicity", group="severe",
)
LIGHTNING = VarSpec(
    name="lightning", label="Lightning threat", units="fl/km²/5 min", kind="continuous",
    inputs={"value": Selector("LTNG", ENTIRE_ATMOSPHERE)}, palette="lightning", group="severe",
)
PWAT = VarSpec(
    name="pwat", label="Precipitable water", units="in", kind="continuous",
    inputs={"value": Selector("PWAT", ENTIRE_ATMOSPHERE_LAYER)}, convert="kgm2_to_inches", palette="pwat_in",
    group="severe",
)
RH2M = VarSpec(
    name="rh2m", label="2 m relative humidity", units="%", kind="continuous",
    inputs={"value": Selector("RH", HTGL_2M)}, palette="rh_pct", group="surface",
)
# HRRR-Smoke's near-surface smoke mass density.
SMOKE = VarSpec(
    name="smoke", label="Near-surface smoke", units="µg/m³", kind="continuous",
    inputs={"value": Selector("MASSDEN", Level("8-HTGL", "8 m above ground"), aerosol=True)},
    convert="kgm3_to_ugm3", palette="smoke", group="surface",
)
VISIBILITY = VarSpec(
    name="visibility", label="Surface visibility", units="mi", kind="continuous",
    inputs={"value": Selector("VIS", SURFACE)}, convert="m_to_miles", palette="visibility_mi",
    group="surface",
)
CLOUD_TOTAL = VarSpec(
    name="cloud_total", label="Total cloud cover", units="%", kind="continuous",
    inputs={"value": Selector("TCDC", ENTIRE_ATMOSPHERE)}, palette="cloud_pct", group="surface",
)


def with_inputs(spec: VarSpec, **inputs: Selector | Profile) -> VarSpec:
    """A copy of `spec` whose named inputs are replaced (e.g. HRRR's MSLMA for PRMSL)."""
    return replace(spec, inputs={**spec.inputs, **inputs})


def without_input(spec: VarSpec, name: str) -> VarSpec:
    """A copy of `spec` without the input `name` (HRRR's Kuchera reads snow water, no snow flag)."""
    return replace(spec, inputs={k: v for k, v in spec.inputs.items() if k != name})


# What HRRR, NAM and GFS all carry, in display order; each model replaces only the specs it reads differently.
NCEP_VARIABLES = (
    TMP2M, DP2M, TMP850, WSPD10M, WGST10M, REFC, PRECIP_TOTAL, SNOWFALL_TOTAL_10TO1, MSLP, RADAR_PTYPE,
)
# The catalogue beyond those, shared by HRRR, NAM and GFS (each adds what only its files carry).
NCEP_CATALOGUE = (
    RH2M, VISIBILITY, CLOUD_TOTAL, TMP2M_CHANGE_24H, PRECIP_1H, PRECIP_6H, PRECIP_24H,
    SNOWFALL_KUCHERA, SNOW_RATIO, ICE_TOTAL, SNOW_DEPTH, TMP850_HGT, HGT500_VORT, WIND250, WIND300, SBCAPE,
    SRH03, PWAT,
)


def catalog(*specs: VarSpec, replacing: tuple[VarSpec, ...] = ()) -> dict[str, VarSpec]:
    """Specs by name, in the order given; each of `replacing` takes the place of the spec of the same name
    (a name not among `specs` is a KeyError, so a replacement cannot silently add a variable)."""
    variables = {s.name: s for s in specs}
    if len(variables) != len(specs):
        raise KeyError(f"a variable is listed twice: {[s.name for s in specs]}")
    for spec in replacing:
        if spec.name not in variables:
            raise KeyError(f"{spec.name}: no such variable to replace")
        variables[spec.name] = spec
    return variables
