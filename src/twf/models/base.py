"""What a model file declares, and how to add one.

A model is one module in this package that builds a `ModelSpec` and is listed in `twf.models.REGISTRY`.
The spec is pure data; the generic machinery (fetch, builder, scheduler, API) reads it and knows no model
by name. To add a model:

1. Write `twf/models/<name>.py` with `SPEC = ModelSpec(...)`:
   - `cycles` and `forecast_hours(cycle)`: which runs exist and which hours each run produces;
   - `products`: the object key of each forecast-hour file product (`wrfsfc`, `pgrb2.0p25`...), as laid out
     in the NOAA buckets (and so in a local mirror), with `{date}` (YYYYMMDD), `{cycle}` (int) and `{fh}`
     (int) fields; the first is the main product, the one run discovery looks for, and a `Selector` names
     another only when its field lives there (HRRR `wrfprs`, GFS `pgrb2b.0p25`);
   - `sources`: URL prefixes that the key is appended to, by source name (`aws`, `nomads`, `google`);
   - `resolution_m`: the fixed display resolution of the model on the canonical CONUS grid;
   - `native_grid`: the upstream grid as GDAL reads the model's files (CRS, transform, shape, and whether its
     winds are grid-relative);
   - `variables`: `VarSpec`s whose `inputs` select GRIB messages by exact element + level (+ window), or one
     element over several levels (`Profile`), grouped for the viewer's picker (`VarSpec.group`), and the
     overlays drawn over them (`VarSpec.overlays`: isolines, H/L centres, wind barbs), whose own inputs are
     read at the frame's hour like the variable's.
2. Add it to `REGISTRY` in `twf/models/__init__.py`.
3. Give it its `native_grid` (and `grib_generating_process`): synthetic GRIB2 for tests and the demo
   (`twf.synthetic`) is then written on its real grid with every input its variables read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import ClassVar, Literal

from twf.grid import CanonicalGrid
from twf.models.products import Qualifier

Kind = Literal["continuous", "discrete", "categorical"]
Resampling = Literal["bilinear", "nearest"]
# The picker's sections, in display order (`VarSpec.group`).
Group = Literal["surface", "precipitation", "winter", "upper_air", "severe"]
GROUPS: tuple[Group, ...] = ("surface", "precipitation", "winter", "upper_air", "severe")


@dataclass(frozen=True)
class Level:
    """One vertical level, spelled both ways it appears upstream."""

    gdal: str  # GDAL's GRIB_SHORT_NAME, e.g. "2-HTGL"; isobaric levels are in Pa ("85000-ISBL")
    idx: str  # the wgrib2 inventory text, e.g. "2 m above ground"

    @property
    def pressure_pa(self) -> float | None:
        """The pressure of an isobaric level (Pa), None for any other kind of level."""
        value, _, kind = self.gdal.partition("-")
        return float(value) if kind == "ISBL" else None


def isobaric(hpa: int) -> Level:
    """The `hpa` hPa isobaric level (`85000-ISBL`, `850 mb`)."""
    return Level(f"{hpa * 100}-ISBL", f"{hpa} mb")


def layer_above_ground(top: int, bottom: int, units: Literal["m", "mb"]) -> Level:
    """A layer between two heights (m) or pressure depths (hPa) above ground, as NCEP writes them top first:
    `3000-0 m above ground` (GDAL `3000-0-HTGL`), `90-0 mb above ground` (GDAL `9000-0-SPDL`, in Pa)."""
    if units == "m":
        return Level(f"{top}-{bottom}-HTGL", f"{top}-{bottom} m above ground")
    return Level(f"{top * 100}-{bottom * 100}-SPDL", f"{top}-{bottom} mb above ground")



SURFACE = Level("0-SFC", "surface")
HTGL_2M = Level("2-HTGL", "2 m above ground")
HTGL_10M = Level("10-HTGL", "10 m above ground")
ISBL_850 = isobaric(850)
ENTIRE_ATMOSPHERE = Level("0-EATM", "entire atmosphere")  # fixed-surface type 10 (HRRR, GFS)
# Type 200, which NAM's post-processor writes for REFC; GDAL names both types 0-EATM, wgrib2 tells them apart.
ENTIRE_ATMOSPHERE_LAYER = Level("0-EATM", "entire atmosphere (considered as a single layer)")
MEAN_SEA_LEVEL = Level("0-MSL", "mean sea level")

# Accumulation windows an input may ask for. "run_total" is 0..fh (read directly where the model's files
# carry it, else summed from buckets); "bucket" is each of the buckets that tile 0..fh (see `Accumulation`);
# "bucket_average" is the time average over each such bucket; "interval_max" is the maximum over the hour
# since the previous file (HRRR's `5-6 hour max` updraft helicity); None is an instantaneous field.
Window = Literal["run_total", "bucket", "bucket_average", "interval_max"] | None


@dataclass(frozen=True)
class Buckets:
    """One family of accumulation buckets a model's files carry.

    Resetting buckets (NAM every 3 h, GFS every 6 h): the file at hour h holds the window from the last
    multiple of `hours` before h up to h. Fixed buckets (NBM): the file at h holds (h - hours, h), only
    where h is a multiple of `hours` and h <= `until`.
    """

    hours: int
    resetting: bool = True
    until: int | None = None


@dataclass(frozen=True)
class Accumulation:
    """How a model's files carry accumulated fields; `twf.models.requirements` turns it into messages."""

    run_total_elements: frozenset[str] = frozenset()  # elements whose file at h also holds the 0..h total
    buckets: tuple[Buckets, ...] = (Buckets(1),)  # longest first: run totals are tiled greedily from 0


@dataclass(frozen=True)
class NativeGrid:
    """A model's upstream grid exactly as GDAL reads its GRIB2 files (GDAL's default longitude handling).

    Synthetic test and demo GRIB2 is written on it, and a decoded message's georeferencing can be checked
    against it. `crs` is a PROJ string; `transform` the affine coefficients (a, b, c, d, e, f) as rasterio
    orders them, c/f being the outer corner of the first pixel; `shape` is (rows, columns).
    """

    crs: str
    transform: tuple[float, float, float, float, float, float]
    shape: tuple[int, int]
    # GRIB2 scanning mode 0x50 (NBM): every second row runs east to west. GDAL puts such rows back in order
    # when it decodes (tests/synthetic/test_scanning.py); synthetic files of the model are written that way.
    alternate_rows_reversed: bool = False
    # Wind components along the grid's own x/y axes rather than east/north (GRIB2 resolution and component
    # flags, bit 5): Lambert grids of HRRR and NAM. They are rotated to earth-relative before any direction
    # is drawn or sampled (`twf.builder.geometry`).
    grid_relative_winds: bool = False

    @property
    def height(self) -> int:
        return self.shape[0]

    @property
    def width(self) -> int:
        return self.shape[1]


@dataclass(frozen=True)
class Selector:
    """Exactly one GRIB message: element and level must both match, never a band number or a pattern.

    Without a `qualifier` only the deterministic record matches (an inventory line with nothing after the
    forecast field); a probability, percentile or spread twin is read only when named here on purpose,
    e.g. `qualifier=Probability(above=0.254)` for NBM's `prob >0.254` (see `twf.models.products`).
    `product` names the file product that holds it when that is not the model's main one. `aerosol`: the
    field comes from the model's chemistry (HRRR-Smoke's MASSDEN) and may be written with the aerosol
    product templates (4.44/4.48) rather than the plain one; nothing else is ever accepted in their place.
    """

    element: str
    level: Level
    window: Window = None
    qualifier: Qualifier | None = None
    product: str | None = None
    aerosol: bool = False


@dataclass(frozen=True)
class Profile:
    """One element on several isobaric levels, read as one input: a temperature profile for the Kuchera
    ratio without one hand-named input per level.

    The derivation receives, for each time the input is read (the frame's hour, or each bucket's end), a
    `twf.builder.derive.ProfileField`: the arrays in the order of `levels` (surface-most first) with their
    pressures. Every level is one message; a level a file lacks fails the frame like any missing message.
    """

    element: str
    levels: tuple[Level, ...]
    product: str | None = None

    def __post_init__(self) -> None:
        pressures = [level.pressure_pa for level in self.levels]
        if not pressures or None in pressures or pressures != sorted(pressures, reverse=True):
            raise ValueError(f"{self.element} profile: isobaric levels surface first, not {self.levels}")

    def selectors(self) -> tuple[Selector, ...]:
        return tuple(Selector(self.element, level, product=self.product) for level in self.levels)


Input = Selector | Profile


@dataclass(frozen=True)
class Twins:
    """Records an upstream file carries beside the deterministic record of `element` (same level and window)
    and that must never be read in its place: probability, percentile or spread twins, in file order.

    `before` come ahead of the deterministic record, `after` follow it. With `grouped`, all the element's
    windows list their `before` twins first, then the deterministic records, then the `after` twins (NBM's
    APCP); otherwise each window's records sit together (NBM's ASNOW). Windows run shortest first. `inner`:
    other elements a grouped element's file lists between its `before` twins and its deterministic records
    (NBM's PWAT, between APCP's probabilities and its QPF), each laid out by its own `Twins`. The synthetic
    writer lays out a model's files this way, so every test and the demo meet the trap.
    """

    element: str
    before: tuple[Qualifier, ...] = ()
    after: tuple[Qualifier, ...] = ()
    grouped: bool = False
    inner: tuple[Twins, ...] = ()

    def __post_init__(self) -> None:
        if self.inner and not self.grouped:
            raise ValueError(f"{self.element}: only grouped twins have records between them")

    def elements(self) -> tuple[str, ...]:
        """This element and those laid out inside it, in file order of their first records."""
        return (self.element, *(e for twins in self.inner for e in twins.elements()))


@dataclass(frozen=True)
class OverlayField:
    """The field an isoline or centre overlay draws when it is not the variable's own (the 500 hPa heights
    over the vorticity shading): instantaneous inputs at the frame's hour, combined by a derivation and a
    unit conversion named in `twf.builder.derive`, as a variable's are."""

    inputs: Mapping[str, Selector]
    derive: str = "single"
    convert: str = "identity"


@dataclass(frozen=True)
class Isolines:
    """Lines every `interval` of the field (isotherms, isobars, heights), each labelled with its value."""

    key: str
    label: str  # the viewer's toggle, e.g. "Isobars (4 hPa)"
    interval: float
    marked: tuple[float, ...] = ()  # levels flagged `"major": true` (e.g. the 32 °F freezing line)
    smoothing_sigma_px: float = 1.5  # Gaussian sigma on the display grid: removes 3 km pixel stair-steps
    downsample: int = 1  # contoured on the field averaged over n x n display pixels (smooth fields)
    field: OverlayField | None = None  # None: the variable's own field
    suffix: str = ""  # after each line's value in its label ("°")
    shown: bool = True  # drawn until the user turns it off (dense ones start off)
    kind: ClassVar[str] = "isolines"


@dataclass(frozen=True)
class Centres:
    """High and low centres (H/L), each labelled with its value (the rule: `twf.builder.centres`): an extreme
    of the field within `radius_km`, at least `min_depth` (display units) deeper than the field's mean on
    the circle of that radius."""

    key: str
    label: str
    min_depth: float
    radius_km: float
    smoothing_km: float = 50.0
    decimals: int = 0
    field: OverlayField | None = None
    shown: bool = True
    kind: ClassVar[str] = "centres"


@dataclass(frozen=True)
class Barbs:
    """Wind barbs at thinned points per zoom band (`twf.builder.barbs`), from `inputs`: the components `u`
    and `v` (`form="components"`; along the native grid's axes where its winds are grid-relative), or
    `speed` and `direction` (degrees true the wind blows from: NBM)."""

    key: str
    label: str
    inputs: Mapping[str, Selector]
    form: Literal["components", "speed_direction"] = "components"
    shown: bool = True
    kind: ClassVar[str] = "barbs"


Overlay = Isolines | Centres | Barbs


def overlay_inputs(overlay: Overlay) -> Mapping[str, Selector]:
    """What an overlay reads beyond the variable's own field (read at the frame's hour)."""
    if isinstance(overlay, Barbs):
        return overlay.inputs
    return overlay.field.inputs if overlay.field is not None else {}


@dataclass(frozen=True)
class VarSpec:
    """One displayed variable: which messages it needs, how they become values, how values become colours.

    `derive` names a function in `twf.builder.derive`; `convert` names a unit conversion there. Both are
    names, not callables, so a spec stays printable, comparable and free of pipeline imports.
    """

    name: str
    label: str
    units: str
    kind: Kind
    inputs: Mapping[str, Input]
    palette: str
    group: Group
    derive: str = "single"
    convert: str = "identity"
    # Drawn over the shading, built per frame (`twf.builder.overlays`); keys unique within the variable.
    overlays: tuple[Overlay, ...] = ()
    resampling_override: Resampling | None = None
    # A change over time: the field at h minus the same field `change_hours` earlier (24 h precipitation from
    # two run totals, the 24 h temperature change). Accumulations never go below zero and start from zero at
    # f000; a frame exists only where the earlier hour is one too.
    change_hours: int | None = None
    # A running total over the model's buckets (Kuchera snowfall): each frame adds its newest bucket to the
    # total of the frame at that bucket's start, so it reads one bucket's messages, not every bucket's since
    # f000 (`twf.models.requirements.FramePlan.continues`).
    running: bool = False

    def __post_init__(self) -> None:
        keys = [o.key for o in self.overlays]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.name}: overlay keys {keys} repeat")
        if self.running and self.change_hours:
            raise ValueError(f"{self.name}: a running total cannot also be a change over time")
        if self.running and not self.bucketed:
            raise ValueError(f"{self.name}: a running total needs bucket inputs")

    @property
    def bucketed(self) -> bool:
        """Reads the model's buckets (each one's messages), rather than a run total or an instant."""
        return any(isinstance(s, Selector) and s.window in ("bucket", "bucket_average")
                   for s in self.inputs.values())

    @property
    def accumulated(self) -> bool:
        """A sum over time (precipitation, snowfall, ice): never negative, zero at f000."""
        return any(isinstance(s, Selector) and s.window in ("run_total", "bucket")
                   for s in self.inputs.values())

    @property
    def resampling(self) -> Resampling:
        """Continuous fields interpolate; categorical (and discrete class) fields are never blended."""
        if self.resampling_override:
            return self.resampling_override
        return "nearest" if self.kind == "categorical" else "bilinear"


@dataclass(frozen=True)
class ModelSpec:
    name: str
    label: str
    description: str
    resolution_m: float
    native_grid: NativeGrid  # the upstream grid, as GDAL reads it
    cycles: tuple[int, ...]
    forecast_hours: Callable[[int], tuple[int, ...]]
    products: Mapping[str, str]  # product name → object key template of its forecast-hour file; first = main
    sources: Mapping[str, str]
    variables: Mapping[str, VarSpec]
    accumulation: Accumulation = Accumulation()
    idx_suffix: str = ".idx"
    # How long after the cycle hour the first files usually appear upstream: where run discovery starts.
    typical_delay_minutes: int = 50
    # GRIB2 generating-process id (NCEP ON388 Table A) the upstream files carry; 255 = missing/unknown.
    grib_generating_process: int = 255
    # The records the model's files carry around the ones we read, elements in file order (see `Twins`);
    # empty: the files hold no qualified twins of what the variables read.
    record_layout: tuple[Twins, ...] = ()
    # Element pairs the files write as two fields of one GRIB message (sub-messages `N.1`/`N.2` on one byte
    # offset in the inventory): NAM's UGRD and VGRD of each level. The synthetic writer does the same.
    submessage_pairs: tuple[tuple[str, str], ...] = ()
    extra: Mapping[str, object] = field(default_factory=dict)

    @cached_property
    def grid(self) -> CanonicalGrid:
        return CanonicalGrid(self.resolution_m)

    @cached_property
    def value_grid(self) -> CanonicalGrid:
        return self.grid.downsampled()

    @property
    def main_product(self) -> str:
        return next(iter(self.products))

    @property
    def key_template(self) -> str:
        """The main product's key template: the files run discovery looks for."""
        return self.products[self.main_product]

    def file_key(self, ref_time: datetime, fh: int, product: str | None = None) -> str:
        """The object key of one forecast-hour file of `product` (default: the main one), in the bucket layout
        (also the mirror layout)."""
        template = self.products[product or self.main_product]
        return template.format(date=ref_time.strftime("%Y%m%d"), cycle=ref_time.hour, fh=fh)

    def has_forecast_hour(self, cycle: int, fh: int) -> bool:
        return cycle in self.cycles and fh in self.forecast_hours(cycle)
