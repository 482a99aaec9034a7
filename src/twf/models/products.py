"""GRIB2 product definition templates (section 4): which records hold the deterministic value, and what the
others are, spelled the way wgrib2 prints them after the forecast field of an inventory line.

NBM files carry, beside each deterministic record, twins with the same element, level and window: a
probability (`APCP:surface:6-12 hour acc fcst:prob >0.254:prob fcst 255/255`, template 4.9), a percentile
(`...acc@(fcst,dt=1 hour),missing=0:50% level`, 4.10) or the ensemble spread (`TMP:2 m above ground:12 hour
fcst:ens std dev`, 4.2). A record is deterministic when its qualifier text is empty (templates 4.0 and 4.8
from a plain forecast process). Three readers agree through this module: the `.idx` matcher compares the
inventory's text, the decoder computes the same text from GDAL's template values (`qualifier_text`), and the
synthetic writer encodes a `Qualifier` into a template that GDAL writes and wgrib2 would print back the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Template parts as octet widths in file order (negative: a signed, sign-and-magnitude field), exactly the
# value groups GDAL lists in GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES.
_BASE = (1, 1, 1, 1, 1, 2, 1, 1, 4, 1, -1, -4, 1, -1, -4)  # template 4.0: parameter, process, time, surfaces
_PROBABILITY = (1, 1, 1, -1, -4, -1, -4)  # number, total, type (table 4.9), lower and upper limits
_PERCENTILE = (1,)
_DERIVED = (1, 1)  # derived forecast (code table 4.7), number of members
# End of the overall interval, one time range: year..second, n, missing; then statistic (table 4.10),
# increment type (4.11), unit (4.4), length, increment unit and increment.
_INTERVAL = (2, 1, 1, 1, 1, 1, 1, 4, 1, 1, 1, 4, 1, 4)

# Template number → (parts after the base, whether an interval follows).
_LAYOUTS: dict[int, tuple[tuple[int, ...], bool]] = {
    0: ((), False), 8: ((), True),
    2: (_DERIVED, False), 12: (_DERIVED, True),
    5: (_PROBABILITY, False), 9: (_PROBABILITY, True),
    6: (_PERCENTILE, False), 10: (_PERCENTILE, True),
}
_BASE_VALUES = len(_BASE)
_GENERATING_PROCESS = 2  # index of the type of generating process (code table 4.3)
_STANDARD_DEVIATION, _MISSING = 2, 255  # code table 4.7; "missing" in one-octet fields
# Code table 4.3 entries wgrib2 names after the other qualifiers (NCEP's local 192/194 included).
_PROCESS_TEXT = {5: "probability forecast", 6: "analysis/forecast error", 7: "analysis/forecast error",
                 9: "climatological", 192: "Confidence Indicator", 194: "Neighborhood Probability"}
_DERIVED_TEXT = {0: "ens mean", 1: "wt ens mean", 2: "ens std dev", 3: "normalized ens std dev",
                 4: "ens spread", 5: "ens large anom index", 6: "unwt ens mean", 7: "25%-75% range",
                 8: "min all members", 9: "max all members"}


@dataclass(frozen=True)
class Interval:
    """The time range of a statistical template (one range, as NCEP writes them)."""

    statistic: int  # code table 4.10: 0 average, 1 accumulation, 2 maximum, 3 minimum ...
    unit: int  # code table 4.4 of `length`
    length: int
    increment_unit: int
    increment: int  # 0 (or unit 255): a continuous process, printed `S-E hour acc fcst`
    missing: int


def template_widths(template: int) -> tuple[int, ...] | None:
    """Octet widths of a product template's values, or None for a template this project does not read."""
    if template not in _LAYOUTS:
        return None
    extra, interval = _LAYOUTS[template]
    return _BASE + extra + (_INTERVAL if interval else ())


def template_values(template: int, octets: bytes) -> list[int] | None:
    """A product template's values from its raw octets (section 4 from octet 10), in GDAL's order; None for
    a template this project does not read."""
    widths = template_widths(template)
    if widths is None:
        return None
    values, pos = [], 0
    for width in widths:
        size = abs(width)
        raw = int.from_bytes(octets[pos:pos + size], "big")
        sign = 1 << (8 * size - 1)
        values.append(-(raw & ~sign) if width < 0 and raw & sign else raw)
        pos += size
    return values


def interval(template: int, values: Sequence[int]) -> Interval | None:
    """The time range of a statistical template's values (None for an instantaneous or unknown template)."""
    if template not in _LAYOUTS or not _LAYOUTS[template][1]:
        return None
    at = _BASE_VALUES + len(_LAYOUTS[template][0])
    missing, statistic, _, unit, length, increment_unit, increment = values[at + 7: at + 14]
    return Interval(statistic, unit, length, increment_unit, increment, missing)


def _scaled(scale: int, value: int) -> float:
    return value / 10**scale if scale >= 0 else value * 10**-scale


def _probability_text(number: int, total: int, kind: int, lower: float, upper: float) -> str:
    """wgrib2's `-prob`: the event (code table 4.9) then which of how many probability forecasts."""
    events = {0: f"prob <{lower:g}", 1: f"prob >{upper:g}", 3: f"prob >{lower:g}", 4: f"prob <{upper:g}",
              5: f"prob ={lower:g}", 6: "prob above normal", 7: "prob near normal", 8: "prob below normal"}
    if kind == 2:
        event = f"prob ={lower:g}" if lower == upper else f"prob >={lower:g} <{upper:g}"
    else:
        event = events.get(kind, f"prob ?? (code table 4.9={kind})")
    return f"{event}:prob fcst {number}/{total}"


def qualifier_text(template: int, values: Sequence[int]) -> str | None:
    """What wgrib2 prints after the forecast field for this record ("" for a deterministic one), or None
    when the template is one this project does not read (such a record never matches anything)."""
    if template not in _LAYOUTS:
        return None
    extra = values[_BASE_VALUES:]
    parts: list[str] = []
    if template in (2, 12):
        code = extra[0]
        parts.append(_DERIVED_TEXT.get(code, "unknown derived fcst"))
    if template in (5, 9):
        number, total, kind, lower_scale, lower, upper_scale, upper = extra[:7]
        parts.append(_probability_text(number, total, kind, _scaled(lower_scale, lower),
                                       _scaled(upper_scale, upper)))
    process = values[_GENERATING_PROCESS]
    if process in _PROCESS_TEXT:
        parts.append(_PROCESS_TEXT[process])
    elif 192 <= process < _MISSING:
        parts.append(f"process={process}")
    if template in (6, 10):
        parts.append(f"{extra[0]}% level")
    return ":".join(parts)


def _decimal(value: float) -> tuple[int, int]:
    """(scale factor, scaled integer) of a threshold, as few decimals as it needs: 0.254 → (3, 254)."""
    for scale in range(10):
        scaled = round(value * 10**scale)
        if abs(scaled - value * 10**scale) < 1e-6:
            return scale, scaled
    raise ValueError(f"threshold {value} needs more than 9 decimals")


class Qualifier:
    """What a non-deterministic record is; `template` encodes it, `text` is how wgrib2 prints it."""

    def template(self, windowed: bool) -> tuple[int, tuple[int, ...]]:
        """(product template number, the values between the base and the interval)."""
        raise NotImplementedError

    @property
    def text(self) -> str:
        template, extra = self.template(windowed=False)
        return qualifier_text(template, (0, 0, 2, *(0,) * (_BASE_VALUES - 3), *extra)) or ""


@dataclass(frozen=True)
class Probability(Qualifier):
    """The probability (%) that the value exceeds `above` (NBM's `prob >0.254` twin of APCP), or lies
    below `below`, or between the two (`above <= v < below`), in the element's upstream units."""

    above: float | None = None
    below: float | None = None

    def template(self, windowed: bool) -> tuple[int, tuple[int, ...]]:
        lower = upper = (-127, _MISSING)  # a limit the event does not use is missing, as NBM writes it
        if self.above is not None and self.below is not None:
            kind, lower, upper = 2, _decimal(self.above), _decimal(self.below)
        elif self.above is not None:
            kind, upper = 1, _decimal(self.above)
        elif self.below is not None:
            kind, lower = 0, _decimal(self.below)
        else:
            raise ValueError("a probability needs a threshold")
        return (9 if windowed else 5), (_MISSING, _MISSING, kind, *lower, *upper)


@dataclass(frozen=True)
class Percentile(Qualifier):
    """The `value`% level of the blend's distribution (NBM's `50% level` records)."""

    value: int

    def template(self, windowed: bool) -> tuple[int, tuple[int, ...]]:
        return (10 if windowed else 6), (self.value,)


@dataclass(frozen=True)
class EnsembleStdDev(Qualifier):
    """The spread of the ensemble behind a blended value (NBM's `ens std dev` twins)."""

    def template(self, windowed: bool) -> tuple[int, tuple[int, ...]]:
        return (12 if windowed else 2), (_STANDARD_DEVIATION, _MISSING)
