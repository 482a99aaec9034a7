"""The exported legend bar places stops and picks tick labels as the viewer's legend does (legend.ts)."""

from __future__ import annotations

import numpy as np

from twf.export.legend_bar import MIN_TICK_GAP, Tick, bar_colors, ticks
from twf.palettes import legend, rgba


def test_precipitation_ticks_never_crowd_and_the_ends_are_labelled() -> None:
    t = ticks(legend("precip_in"))
    assert t[0] == Tick(0.0, "0.01") and t[-1] == Tick(100.0, "10")
    assert all(b.pos - a.pos >= MIN_TICK_GAP for a, b in zip(t, t[1:], strict=False))


def test_the_freezing_break_is_labelled_and_sharp() -> None:
    temperature = legend("temperature_f")
    assert "32°F" in [tick.text for tick in ticks(temperature)]
    colors = bar_colors(temperature, 1000)
    # The stops below and above 32 °F are light blue and dark green: adjacent columns jump between them.
    jumps = np.abs(np.diff(colors.astype(int), axis=0)).sum(axis=1)
    assert jumps.max() > 150


def test_stepped_reflectivity_bar_is_flat_bands_of_the_stop_colours() -> None:
    reflectivity = legend("reflectivity_dbz")
    colors = {tuple(c) for c in bar_colors(reflectivity, 600)}
    assert colors == {rgba(s["color"])[:3] for s in reflectivity["stops"]}


def test_difference_legend_is_labelled_at_both_ends_and_zero() -> None:
    texts = [tick.text for tick in ticks(legend("difference_f"))]
    assert texts[0] == "-15" and texts[-1] == "15" and "0" in texts
