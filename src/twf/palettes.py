"""Every colour palette of the system, with the legend the API serves for it.

A palette is a list of stops (value in display units → colour). `interpolate=True` blends linearly between
stops (temperature, wind...); `False` paints each [stop, next stop) band one colour, as NWS reflectivity does.
Two stops at the same value make a hard break (the 32 °F line). Values below `transparent_below` (or NaN) get
alpha 0; values past the ends take the end colours.

`radar_ptype` and `ptype_rate` values are class-coded (see `PTYPE_FAMILIES`): family index x `PTYPE_OFFSET`
+ intensity (dBZ, in/h), so one stepped palette paints each precipitation type in its own colour family.
`decimals` is how many decimals a reading of the palette's units deserves (the legend carries it to the
viewer's hover text).
"""

from __future__ import annotations

from dataclasses import dataclass

from twf.errors import TWFError


@dataclass(frozen=True)
class Stop:
    value: float
    color: str  # "#rrggbb" or "#rrggbbaa"
    label: str | None = None


@dataclass(frozen=True)
class Palette:
    name: str
    units: str
    stops: tuple[Stop, ...]
    interpolate: bool = True
    transparent_below: float | None = None
    kind: str = "continuous"  # legend kind: "continuous" or "categorical" ("stepped" when not interpolated)
    legend_stops: tuple[Stop, ...] | None = None  # what the legend lists, when not every stop
    class_coded: bool = False  # values are PTYPE class codes (family x PTYPE_OFFSET + intensity), `ptype_of`
    difference: str | None = None  # the palette of A − B maps of this palette's fields; None: no difference
    decimals: int = 1
    transparent_above: float | None = None  # values above are not painted either (good visibility)


def rgba(color: str) -> tuple[int, int, int, int]:
    """`#rrggbb[aa]` → (r, g, b, a)."""
    h = color.lstrip("#")
    alpha = int(h[6:8], 16) if len(h) == 8 else 255
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16), alpha


def _stops(*pairs: tuple) -> tuple[Stop, ...]:
    return tuple(Stop(*p) for p in pairs)


# Cold side runs purple → blue up to freezing; at 32 °F the ramp jumps to green so the freezing line is
# unmistakable at any zoom, then warms through yellow and orange to deep red.
TEMPERATURE_F = Palette("temperature_f", "°F", _stops(
    (-40, "#f2c9f2"), (-20, "#a349a4"), (-10, "#6a2c91"), (0, "#3b2ca8"), (10, "#2a5bd7"), (20, "#3d8fef"),
    (32, "#a6d8ff"), (32, "#1b7837", "32°F"), (40, "#5aae61"), (50, "#c2e36b"), (60, "#ffe766"),
    (70, "#ffb34d"), (80, "#ff6a2b"), (90, "#d7191c"), (100, "#8b0000"), (115, "#4d0026"),
), difference="difference_f")
DEWPOINT_F = Palette("dewpoint_f", "°F", _stops(
    (-20, "#5c3a1e"), (10, "#a0785a"), (30, "#d2b48c"), (40, "#e6e6a0"), (50, "#8fd18f"), (60, "#2ca02c"),
    (65, "#1a7a3a"), (70, "#2b8cbe"), (75, "#6a51a3"), (80, "#9e0142"),
), difference="difference_f")
WIND_MPH = Palette("wind_mph", "mph", _stops(
    (0, "#f0f9ff"), (10, "#bde0f6"), (20, "#6baed6"), (30, "#41ab5d"), (40, "#fee391"), (50, "#fe9929"),
    (60, "#e31a1c"), (75, "#99000d"), (100, "#ce1256"), (130, "#ff66ff"),
), difference="difference_mph")
# Trace amounts (< 0.01 in) are transparent, as on NWS QPF maps.
PRECIP_IN = Palette("precip_in", "in", _stops(
    (0.01, "#c7e9c0"), (0.1, "#74c476"), (0.25, "#31a354"), (0.5, "#006d2c"), (0.75, "#fed976"),
    (1, "#feb24c"), (1.5, "#fd8d3c"), (2, "#f03b20"), (3, "#bd0026"), (4, "#7a0177"), (6, "#c51b8a"),
    (10, "#fbb4ff"),
), transparent_below=0.01, difference="difference_precip_in", decimals=2)
SNOW_IN = Palette("snow_in", "in", _stops(
    (0.1, "#dbe9f6"), (1, "#9ecae1"), (2, "#6baed6"), (4, "#3182bd"), (6, "#08519c"), (8, "#6a51a3"),
    (12, "#9e9ac8"), (18, "#d4b9da"), (24, "#e7298a"), (36, "#980043"),
), transparent_below=0.1, difference="difference_snow_in")
# Freezing rain: a tenth of an inch already snaps branches, half an inch takes down power lines.
ICE_IN = Palette("ice_in", "in", _stops(
    (0.01, "#fde0ef"), (0.1, "#f1b6da"), (0.25, "#de77ae"), (0.5, "#c51b7d"), (0.75, "#8e0152"),
    (1, "#5b0036"), (1.5, "#2d001b"),
), transparent_below=0.01, decimals=2, difference="difference_ice_in")
# Wet, heavy snow (brown) below 10:1, powder (teal) above it.
SNOW_RATIO = Palette("snow_ratio", ":1", _stops(
    (5, "#8c510a"), (8, "#bf812d"), (10, "#dfc27d"), (12, "#f6e8c3"), (15, "#c7eae5"), (20, "#5ab4ac"),
    (25, "#01665e"), (30, "#003c30"),
), decimals=0, difference="difference_ratio")
MSLP_HPA = Palette("mslp_hpa", "hPa", _stops(
    (960, "#4b0082"), (980, "#2166ac"), (1000, "#92c5de"), (1013, "#f7f7f7"), (1025, "#fddbc7"),
    (1035, "#f4a582"), (1050, "#b2182b"),
), difference="difference_hpa")
# Diverging around no change; ±1 °F reads as unchanged.
TEMPERATURE_CHANGE_F = Palette("temperature_change_f", "°F", _stops(
    (-30, "#053061"), (-20, "#2166ac"), (-10, "#4393c3"), (-5, "#92c5de"), (-1, "#f7f7f7"), (1, "#f7f7f7"),
    (5, "#f4a582"), (10, "#d6604d"), (20, "#b2182b"), (30, "#67001f"),
), difference="difference_f")
# 850 hPa in °C, as forecasters read it: the 0 °C line is where snow turns to rain aloft.
TEMPERATURE_C = Palette("temperature_c", "°C", _stops(
    (-40, "#a349a4"), (-30, "#6a2c91"), (-20, "#3b2ca8"), (-10, "#2a5bd7"), (-5, "#3d8fef"), (0, "#a6d8ff"),
    (0, "#1b7837", "0°C"), (5, "#5aae61"), (10, "#c2e36b"), (15, "#ffe766"), (20, "#ffb34d"), (25, "#ff6a2b"),
    (30, "#d7191c"),
), difference="difference_c")
# The jet: only winds of 40 kt and more are painted.
JET_KT = Palette("jet_kt", "kt", _stops(
    (40, "#deebf7"), (50, "#c6dbef"), (70, "#6baed6"), (90, "#2171b5"), (110, "#08306b"), (130, "#54278f"),
    (150, "#ae017e"), (170, "#f768a1"), (200, "#fcc5c0"),
), transparent_below=40, decimals=0, difference="difference_kt")
# Absolute vorticity in 10⁻⁵ s⁻¹: the Earth's own share is ~9 at 40N, so shading starts above it.
VORTICITY = Palette("vorticity", "10⁻⁵ s⁻¹", _stops(
    (12, "#ffffcc"), (16, "#ffeda0"), (20, "#fed976"), (24, "#feb24c"), (28, "#fd8d3c"), (32, "#fc4e2a"),
    (36, "#e31a1c"), (40, "#bd0026"), (50, "#800026"),
), transparent_below=12, difference="difference_vorticity")
RH_PCT = Palette("rh_pct", "%", _stops(
    (0, "#8c510a"), (30, "#d8b365"), (50, "#f6e8c3"), (70, "#c7eae5"), (80, "#5ab4ac"), (90, "#01665e"),
    (100, "#003c30"),
), decimals=0, difference="difference_pct")
CAPE_JKG = Palette("cape_jkg", "J/kg", _stops(
    (100, "#d9f0a3"), (500, "#addd8e"), (1000, "#fed976"), (1500, "#feb24c"), (2000, "#fd8d3c"),
    (3000, "#f03b20"), (4000, "#bd0026"), (5000, "#7a0177"), (6000, "#49006a"),
), transparent_below=100, decimals=0, difference="difference_jkg")
HELICITY = Palette("helicity", "m²/s²", _stops(
    (50, "#deebf7"), (100, "#9ecae1"), (150, "#4292c6"), (200, "#fed976"), (300, "#fd8d3c"), (400, "#e31a1c"),
    (500, "#99000d"), (750, "#7a0177"),
), transparent_below=50, decimals=0, difference="difference_helicity")
UPDRAFT_HELICITY = Palette("updraft_helicity", "m²/s²", _stops(
    (10, "#d9d9d9"), (25, "#74c476"), (50, "#fed976"), (75, "#fd8d3c"), (100, "#e31a1c"), (150, "#99000d"),
    (200, "#7a0177"), (300, "#f768a1"),
), transparent_below=10, decimals=0, difference="difference_updraft_helicity")
LIGHTNING = Palette("lightning", "fl/km²/5 min", _stops(
    (0.01, "#fff7bc"), (0.05, "#fee391"), (0.1, "#fec44f"), (0.25, "#fe9929"), (0.5, "#ec7014"),
    (1, "#cc4c02"), (2, "#993404"), (4, "#662506"), (8, "#f768a1"),
), transparent_below=0.01, decimals=2, difference="difference_lightning")
PWAT_IN = Palette("pwat_in", "in", _stops(
    (0, "#8c510a"), (0.25, "#d8b365"), (0.5, "#f6e8c3"), (0.75, "#c7eae5"), (1, "#5ab4ac"), (1.25, "#01665e"),
    (1.5, "#2166ac"), (2, "#542788"), (2.5, "#b2182b"),
), decimals=2, difference="difference_pwat_in")
# Near-surface smoke by the US AQI's PM2.5 breakpoints (12 moderate, 35 unhealthy for sensitive groups...).
SMOKE = Palette("smoke", "µg/m³", _stops(
    (2, "#f0f0f0"), (5, "#d9d9d9"), (12, "#fee391"), (35, "#fec44f"), (55, "#fe9929"), (100, "#ec7014"),
    (150, "#cc4c02"), (250, "#8c2d04"), (500, "#4d004b"),
), transparent_below=2, decimals=0, difference="difference_smoke")
# Low visibility stands out; 10 miles and more (a clear day) are not painted.
VISIBILITY_MI = Palette("visibility_mi", "mi", _stops(
    (0, "#7a0177"), (0.25, "#c51b8a"), (0.5, "#f768a1"), (1, "#fbb4b9"), (3, "#fee0d2"), (5, "#fff5f0"),
    (10, "#ffffff"),
), transparent_above=10, difference="difference_mi")
CLOUD_PCT = Palette("cloud_pct", "%", _stops(
    (5, "#ffffff"), (25, "#e0e0e0"), (50, "#bdbdbd"), (75, "#969696"), (100, "#636363"),
), transparent_below=5, decimals=0, difference="difference_pct")
# The NWS radar colours, one per 5 dBZ band; below 5 dBZ is no echo (transparent).
_NWS_DBZ = ("#04e9e7", "#019ff4", "#0300f4", "#02fd02", "#01c501", "#008e00", "#fdf802", "#e5bc00",
            "#fd9500", "#fd0000", "#d40000", "#bc0000", "#f800fd", "#9854c6", "#fdfdfd")
REFLECTIVITY_DBZ = Palette("reflectivity_dbz", "dBZ", tuple(
    Stop(5.0 + 5 * i, c) for i, c in enumerate(_NWS_DBZ)
), interpolate=False, transparent_below=5.0, difference="difference_dbz", decimals=0)

PTYPE_OFFSET = 100  # class code = family index x PTYPE_OFFSET + intensity; intensity is clipped below this
# Each family's six colours paint these intensity bands, from the lowest (below it: nothing).
PTYPE_DBZ_STEPS = (5.0, 15.0, 25.0, 35.0, 45.0, 55.0)
PTYPE_RATE_STEPS_IN_H = (0.01, 0.03, 0.1, 0.25, 0.5, 1.0)
PTYPE_MIN_DBZ = PTYPE_DBZ_STEPS[0]  # below this is no echo
PTYPE_MIN_RATE_IN_H = PTYPE_RATE_STEPS_IN_H[0]  # below this it is dry
PTYPE_FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (key, label, colours of its six intensity bands)
    ("rain", "Rain", ("#9be39b", "#3cb043", "#0a7d23", "#f5e50a", "#f08c00", "#d40000")),
    ("snow", "Snow", ("#cfe8ff", "#8cc4ff", "#4a90e2", "#1f5fbf", "#0b3a8c", "#061f5c")),
    ("sleet", "Ice pellets", ("#e9c8ff", "#c99bf0", "#a66ad9", "#8540bf", "#631f9e", "#46107a")),
    ("frzr", "Freezing rain", ("#ffc9e0", "#ff8fc0", "#f2559c", "#d61f78", "#a60a56", "#70003a")),
)
_CLEAR = "#00000000"


def _ptype_palette(name: str, units: str, steps: tuple[float, ...], decimals: int) -> Palette:
    """A class-coded palette: per family, nothing below `steps[0]`, then its colours band by band."""
    stops: list[Stop] = []
    for index, (_, _, colors) in enumerate(PTYPE_FAMILIES):
        base = index * PTYPE_OFFSET
        stops.append(Stop(base, _CLEAR))
        stops.extend(Stop(base + step, color) for step, color in zip(steps, colors, strict=True))
    legend = tuple(Stop(i * PTYPE_OFFSET, colors[2], label)
                   for i, (_, label, colors) in enumerate(PTYPE_FAMILIES))
    return Palette(name, units, tuple(stops), interpolate=False, kind="categorical", legend_stops=legend,
                   class_coded=True, decimals=decimals)


RADAR_PTYPE = _ptype_palette("radar_ptype", "dBZ", PTYPE_DBZ_STEPS, decimals=0)
PTYPE_RATE = _ptype_palette("ptype_rate", "in/h", PTYPE_RATE_STEPS_IN_H, decimals=2)


# Difference maps (A − B): a diverging ramp on a fixed symmetric scale per quantity, so one colour means one
# difference whatever the pair of frames, and white is "no change". ColorBrewer's 11-class ramps, listed
# from the negative end: RdBu reversed (negative blue: colder, lower) and BrBG (negative brown: drier).
_BLUE_RED = ("#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7", "#fddbc7", "#f4a582",
             "#d6604d", "#b2182b", "#67001f")
_BROWN_TEAL = ("#543005", "#8c510a", "#bf812d", "#dfc27d", "#f6e8c3", "#f5f5f5", "#c7eae5", "#80cdc1",
               "#35978f", "#01665e", "#003c30")


def _diverging(name: str, units: str, span: float, colors: tuple[str, ...]) -> Palette:
    """A smooth ramp through `colors` in equal steps from −span to +span (0 labelled), the ends past it."""
    step = 2 * span / (len(colors) - 1)
    stops = tuple(Stop(round(-span + i * step, 6), c, "0" if i == len(colors) // 2 else None)
                  for i, c in enumerate(colors))
    return Palette(name, units, stops)


DIFFERENCE_PALETTES = (
    _diverging("difference_f", "°F", 15.0, _BLUE_RED),  # a front's passage, a model's warm bias
    _diverging("difference_mph", "mph", 20.0, _BLUE_RED),
    _diverging("difference_precip_in", "in", 1.0, _BROWN_TEAL),
    _diverging("difference_snow_in", "in", 6.0, _BROWN_TEAL),
    _diverging("difference_hpa", "hPa", 10.0, _BLUE_RED),  # a low deepening or shifting
    _diverging("difference_dbz", "dBZ", 30.0, _BLUE_RED),
    _diverging("difference_ice_in", "in", 0.5, _BROWN_TEAL),
    _diverging("difference_ratio", ":1", 10.0, _BROWN_TEAL),
    _diverging("difference_c", "°C", 8.0, _BLUE_RED),
    _diverging("difference_kt", "kt", 40.0, _BLUE_RED),
    _diverging("difference_vorticity", "10⁻⁵ s⁻¹", 20.0, _BLUE_RED),
    _diverging("difference_pct", "%", 40.0, _BROWN_TEAL),
    _diverging("difference_jkg", "J/kg", 2000.0, _BLUE_RED),
    _diverging("difference_helicity", "m²/s²", 300.0, _BLUE_RED),
    _diverging("difference_updraft_helicity", "m²/s²", 100.0, _BLUE_RED),
    _diverging("difference_lightning", "fl/km²/5 min", 2.0, _BLUE_RED),
    _diverging("difference_pwat_in", "in", 1.0, _BROWN_TEAL),
    _diverging("difference_smoke", "µg/m³", 100.0, _BLUE_RED),
    _diverging("difference_mi", "mi", 10.0, _BROWN_TEAL),
)


@dataclass(frozen=True)
class PtypeReading:
    key: str  # family key, e.g. "snow"
    label: str  # e.g. "Snow"
    intensity: float  # in the palette's units (dBZ, in/h)


def ptype_of(value: float) -> PtypeReading:
    """A class-coded value → what a user reads, e.g. 130.0 → snow at 30 (dBZ or in/h; never the code)."""
    index = min(max(int(value // PTYPE_OFFSET), 0), len(PTYPE_FAMILIES) - 1)
    key, label, _ = PTYPE_FAMILIES[index]
    return PtypeReading(key, label, float(value - index * PTYPE_OFFSET))


def ptype_class(value: float) -> tuple[str, float]:
    """A class-coded value → (family label, intensity), e.g. 130.0 → ("Snow", 30.0), for hover text."""
    reading = ptype_of(value)
    return reading.label, reading.intensity


PALETTES: dict[str, Palette] = {p.name: p for p in (
    TEMPERATURE_F, DEWPOINT_F, WIND_MPH, PRECIP_IN, SNOW_IN, MSLP_HPA, REFLECTIVITY_DBZ, RADAR_PTYPE,
    ICE_IN, SNOW_RATIO, TEMPERATURE_CHANGE_F, TEMPERATURE_C, JET_KT, VORTICITY, RH_PCT, CAPE_JKG, HELICITY,
    UPDRAFT_HELICITY, LIGHTNING, PWAT_IN, SMOKE, VISIBILITY_MI, CLOUD_PCT, PTYPE_RATE, *DIFFERENCE_PALETTES,
)}


class UnknownPalette(TWFError):
    """A palette name that is not in the registry (a model spec error)."""


def get_palette(name: str) -> Palette:
    try:
        return PALETTES[name]
    except KeyError:
        raise UnknownPalette(f"unknown palette {name!r} (known: {', '.join(PALETTES)})") from None


def legend(name: str) -> dict:
    """The legend the API serves (docs/API.md "Legend"): palette, units, kind and labelled stops.

    A continuous palette painted in flat bands (NWS reflectivity) is `stepped`, so a viewer draws its colour
    bar in bands too rather than as a blend the map never shows.
    """
    palette = get_palette(name)
    kind = "stepped" if palette.kind == "continuous" and not palette.interpolate else palette.kind
    stops = []
    for stop in palette.legend_stops or palette.stops:
        if rgba(stop.color)[3] == 0:
            continue
        entry: dict = {"value": stop.value, "color": stop.color[:7]}
        if stop.label:
            entry["label"] = stop.label
        stops.append(entry)
    return {"palette": palette.name, "units": palette.units, "kind": kind, "decimals": palette.decimals,
            "stops": stops}
