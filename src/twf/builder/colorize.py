"""Values in display units → RGBA uint8 through a palette; NaN and values outside the palette's painted range
(`transparent_below`, `transparent_above`) get alpha 0.

Interpolated palettes go through a 4096-entry lookup table (under 0.05 °F per entry across the temperature
range, far below what a colour step can show) read as one uint32 gather. Stepped palettes use a table with
one entry per quantum (the largest step all their stops are multiples of: 5 dBZ for reflectivity), so the
band edges are exact. Either costs tens of milliseconds on a 4.3 M pixel HRRR frame (3x less than a
`searchsorted` over the stops).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from twf.palettes import Palette, rgba

LUT_SIZE = 4096


def _stop_arrays(palette: Palette) -> tuple[np.ndarray, np.ndarray]:
    values = np.array([s.value for s in palette.stops], dtype=np.float64)
    colors = np.array([rgba(s.color) for s in palette.stops], dtype=np.float64)
    return values, colors


@cache
def _lut(palette: Palette) -> tuple[np.ndarray, float, float]:
    """(LUT as uint32 words, lowest value, value step per entry) for an interpolated palette."""
    values, colors = _stop_arrays(palette)
    lo, hi = values[0], values[-1]
    x = np.linspace(lo, hi, LUT_SIZE)
    # The segment of each entry is found with side="right" so a repeated stop (a hard break) starts the new
    # colour exactly at its value.
    seg = np.clip(np.searchsorted(values, x, side="right") - 1, 0, len(values) - 2)
    x0, x1 = values[seg], values[seg + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(x1 > x0, (x - x0) / (x1 - x0), 1.0)
    table = colors[seg] + (colors[seg + 1] - colors[seg]) * frac[:, None]
    words = np.ascontiguousarray(np.rint(table).astype(np.uint8)).view(np.uint32).ravel()
    return words, lo, (hi - lo) / (LUT_SIZE - 1)


@cache
def _step_lut(palette: Palette) -> tuple[np.ndarray, float, float]:
    """(table as uint32 words, lowest stop, quantum) of a stepped palette; entry k: the band of lo + k q."""
    values, colors = _stop_arrays(palette)
    lo = values[0]
    micro = np.rint((values - lo) * 1e6).astype(np.int64)  # stops to 1e-6 units, for an exact gcd
    quantum = math.gcd(*micro.tolist()) / 1e6 or 1.0
    x = lo + np.arange(int(round((values[-1] - lo) / quantum)) + 1) * quantum
    band = np.searchsorted(values, x + quantum / 2, side="right") - 1
    words = np.ascontiguousarray(colors[band].astype(np.uint8)).view(np.uint32).ravel()
    return words, lo, quantum


def _sharpen_breaks(pixels: np.ndarray, values: np.ndarray, palette: Palette, step: float) -> None:
    """A LUT entry holds the colour at its lower edge, so values from a hard break up to the next entry edge
    would still show the colour below the break: paint them with the break's own colour."""
    stops = palette.stops
    for below, above in zip(stops, stops[1:], strict=False):
        if below.value == above.value:
            band = (values >= above.value) & (values < above.value + step)
            pixels[band] = np.array(rgba(above.color), dtype=np.uint8).view(np.uint32)[0]


def colorize(values: np.ndarray, palette: Palette) -> np.ndarray:
    """(bands=4, h, w) uint8 RGBA of a 2-D float array (a strided view, not C-contiguous)."""
    words, lo, step = _lut(palette) if palette.interpolate else _step_lut(palette)
    hidden = ~np.isfinite(values)
    position = (values.astype(np.float32) - np.float32(lo)) / np.float32(step)  # exact on stepped edges
    np.clip(position, 0, len(words) - 1, out=position)
    position[hidden] = 0
    pixels = words[position.astype(np.int32)]
    if palette.interpolate:
        _sharpen_breaks(pixels, values, palette, step)
    with np.errstate(invalid="ignore"):
        if palette.transparent_below is not None:
            hidden |= values < palette.transparent_below
        if palette.transparent_above is not None:
            hidden |= values > palette.transparent_above
    pixels[hidden] = 0
    # A band-first view of pixel-interleaved memory: GDAL writes it as is, so no 17 MB transposed copy.
    return pixels.view(np.uint8).reshape(*values.shape, 4).transpose(2, 0, 1)
