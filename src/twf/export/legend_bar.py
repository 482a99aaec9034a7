"""The legend's colour bar as the viewer draws it (`frontend/src/lib/legend.ts`), for exported frames.

Stops sit at equal spacing by rank, not by value (precipitation 0.01 … 10 in gets room for every band); two
stops at one value (the 32 °F break) share a position; a `stepped` legend paints flat bands, the last stop a
band of its own. Tick labels: labelled stops first, then the ends, then the rest, each kept only if it
crowds no kept one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twf.palettes import rgba

MIN_TICK_GAP = 10.0  # percent of the bar, as in legend.ts


@dataclass(frozen=True)
class Tick:
    pos: float  # percent of the bar's width
    text: str


def _value_text(value: float) -> str:
    """As JavaScript's String(number) writes the values a legend has: 32, 0.25, -15."""
    return f"{value:g}"


def positions(legend: dict) -> list[float]:
    values = list(dict.fromkeys(s["value"] for s in legend["stops"]))
    slots = len(values) if legend["kind"] == "stepped" else max(len(values) - 1, 1)
    return [values.index(s["value"]) / slots * 100 for s in legend["stops"]]


def bar_colors(legend: dict, width: int) -> np.ndarray:
    """(width, 3) uint8: the bar's colour at each pixel column."""
    stops = legend["stops"]
    pos = positions(legend)
    colors = np.array([rgba(s["color"])[:3] for s in stops], dtype=np.float64)
    at = (np.arange(width) + 0.5) / width * 100
    if legend["kind"] == "stepped":
        band = np.clip(np.searchsorted(pos, at, side="right") - 1, 0, len(stops) - 1)
        return colors[band].astype(np.uint8)
    channels = [np.interp(at, pos, colors[:, c]) for c in range(3)]
    return np.rint(np.column_stack(channels)).astype(np.uint8)


def ticks(legend: dict) -> list[Tick]:
    stops = legend["stops"]
    pos = positions(legend)
    last = len(stops) - 1
    ranked = sorted(((0 if s.get("label") else 1 if i in (0, last) else 2, pos[i],
                      s.get("label") or _value_text(s["value"])) for i, s in enumerate(stops)),
                    key=lambda c: (c[0], c[1]))
    kept: list[Tick] = []
    for _, p, text in ranked:
        if all(abs(k.pos - p) >= MIN_TICK_GAP and k.text != text for k in kept):
            kept.append(Tick(p, text))
    return sorted(kept, key=lambda t: t.pos)
