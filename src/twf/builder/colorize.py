"""Values in display units → RGBA uint8 through a palette; NaN and sub-threshold values get alpha 0.

Interpolated palettes go through a 4096-entry lookup table (under 0.05 °F per entry across the temperature
range, far below what a colour step can show) read as one uint32 gather; stepped palettes pick the band of
each value exactly with `searchsorted`. Both cost tens of milliseconds on a 4.3 M pixel HRRR frame.
"""

from __future__ import annotations

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


def _sharpen_breaks(pixels: np.ndarray, values: np.ndarray, palette: Palette, step: float) -> None:
    """A LUT entry holds the colour at its lower edge, so values from a hard break up to the next entry edge
    would still show the colour below the break: paint them with the break's own colour."""
    stops = palette.stops
    for below, above in zip(stops, stops[1:], strict=False):
        if below.value == above.value:
            band = (values >= above.value) & (values < above.value + step)
            pixels[band] = np.array(rgba(above.color), dtype=np.uint8).view(np.uint32)[0]


def colorize(values: np.ndarray, palette: Palette) -> np.ndarray:
    """(bands=4, h, w) uint8 RGBA of a 2-D float array."""
    finite = np.isfinite(values)
    if palette.interpolate:
        words, lo, step = _lut(palette)
        index = np.clip((np.nan_to_num(values, nan=lo) - lo) / step, 0, LUT_SIZE - 1).astype(np.intp)
    else:
        stop_values, colors = _stop_arrays(palette)
        words = np.ascontiguousarray(colors.astype(np.uint8)).view(np.uint32).ravel()
        bands = np.searchsorted(stop_values, np.nan_to_num(values, nan=stop_values[0]), side="right") - 1
        index = np.clip(bands, 0, len(stop_values) - 1)
    pixels = words[index]
    if palette.interpolate:
        _sharpen_breaks(pixels, values, palette, step)
    hidden = ~finite
    if palette.transparent_below is not None:
        hidden |= np.nan_to_num(values, nan=-np.inf) < palette.transparent_below
    pixels[hidden] = 0
    return np.ascontiguousarray(pixels.view(np.uint8).reshape(*values.shape, 4).transpose(2, 0, 1))
