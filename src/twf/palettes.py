"""Every colour palette of the system, with the legend the API serves for it.

A palette is a list of stops (value in display units → colour). `interpolate=True` blends linearly between
stops (temperature, wind...); `False` paints each [stop, next stop) band one colour, as NWS reflectivity does.
Two stops at the same value make a hard break (the 32 °F line). Values below `transparent_below` (or NaN) get
alpha 0; values past the ends take the end colours.

`radar_ptype` values are class-coded (see `PTYPE_FAMILIES`): family index x `PTYPE_OFFSET` + dBZ, so one
stepped palette paints each precipitation type in its own colour family.
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
    class_coded: bool = False  # values are PTYPE class codes (family x PTYPE_OFFSET + dBZ), see `ptype_of`
    difference: str | None = None  # the palette of A − B maps of this palette's fields; None: no difference


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
), transparent_below=0.01, difference="difference_precip_in")
SNOW_IN = Palette("snow_in", "in", _stops(
    (0.1, "#dbe9f6"), (1, "#9ecae1"), (2, "#6baed6"), (4, "#3182bd"), (6, "#08519c"), (8, "#6a51a3"),
    (12, "#9e9ac8"), (18, "#d4b9da"), (24, "#e7298a"), (36, "#980043"),
), transparent_below=0.1, difference="difference_snow_in")
MSLP_HPA = Palette("mslp_hpa", "hPa", _stops(
    (960, "#4b0082"), (980, "#2166ac"), (1000, "#92c5de"), (1013, "#f7f7f7"), (1025, "#fddbc7"),
    (1035, "#f4a582"), (1050, "#b2182b"),
), difference="difference_hpa")
# The NWS radar colours, one per 5 dBZ band; below 5 dBZ is no echo (transparent).
_NWS_DBZ = ("#04e9e7", "#019ff4", "#0300f4", "#02fd02", "#01c501", "#008e00", "#fdf802", "#e5bc00",
            "#fd9500", "#fd0000", "#d40000", "#bc0000", "#f800fd", "#9854c6", "#fdfdfd")
REFLECTIVITY_DBZ = Palette("reflectivity_dbz", "dBZ", tuple(
    Stop(5.0 + 5 * i, c) for i, c in enumerate(_NWS_DBZ)
), interpolate=False, transparent_below=5.0, difference="difference_dbz")

PTYPE_OFFSET = 100  # class code = family index x PTYPE_OFFSET + dBZ; dBZ is clipped below this
PTYPE_MIN_DBZ = 5.0  # below this is no echo
PTYPE_FAMILIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # (key, label, colours for 5, 15, 25, 35, 45, 55+ dBZ)
    ("rain", "Rain", ("#9be39b", "#3cb043", "#0a7d23", "#f5e50a", "#f08c00", "#d40000")),
    ("snow", "Snow", ("#cfe8ff", "#8cc4ff", "#4a90e2", "#1f5fbf", "#0b3a8c", "#061f5c")),
    ("sleet", "Ice pellets", ("#e9c8ff", "#c99bf0", "#a66ad9", "#8540bf", "#631f9e", "#46107a")),
    ("frzr", "Freezing rain", ("#ffc9e0", "#ff8fc0", "#f2559c", "#d61f78", "#a60a56", "#70003a")),
)
_CLEAR = "#00000000"


def _ptype_stops() -> tuple[Stop, ...]:
    stops: list[Stop] = []
    for index, (_, _, colors) in enumerate(PTYPE_FAMILIES):
        base = index * PTYPE_OFFSET
        stops.append(Stop(base, _CLEAR))
        stops.extend(Stop(base + PTYPE_MIN_DBZ + 10 * i, c) for i, c in enumerate(colors))
    return tuple(stops)


RADAR_PTYPE = Palette(
    "radar_ptype", "dBZ", _ptype_stops(), interpolate=False, kind="categorical",
    legend_stops=tuple(Stop(i * PTYPE_OFFSET, colors[2], label)
                       for i, (_, label, colors) in enumerate(PTYPE_FAMILIES)),
    class_coded=True,
)


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
)


@dataclass(frozen=True)
class PtypeReading:
    key: str  # family key, e.g. "snow"
    label: str  # e.g. "Snow"
    dbz: float


def ptype_of(value: float) -> PtypeReading:
    """A class-coded radar_ptype value → what a user reads, e.g. 130.0 → snow at 30 dBZ (never the code)."""
    index = min(max(int(value // PTYPE_OFFSET), 0), len(PTYPE_FAMILIES) - 1)
    key, label, _ = PTYPE_FAMILIES[index]
    return PtypeReading(key, label, float(value - index * PTYPE_OFFSET))


def ptype_class(value: float) -> tuple[str, float]:
    """A class-coded radar_ptype value → (family label, dBZ), e.g. 130.0 → ("Snow", 30.0), for hover text."""
    reading = ptype_of(value)
    return reading.label, reading.dbz


PALETTES: dict[str, Palette] = {p.name: p for p in (
    TEMPERATURE_F, DEWPOINT_F, WIND_MPH, PRECIP_IN, SNOW_IN, MSLP_HPA, REFLECTIVITY_DBZ, RADAR_PTYPE,
    *DIFFERENCE_PALETTES,
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
    return {"palette": palette.name, "units": palette.units, "kind": kind, "stops": stops}
