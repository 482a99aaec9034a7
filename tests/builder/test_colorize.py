"""Palettes and colouring: every variable's palette exists with a legend, the 32 °F break, transparency."""

from __future__ import annotations

import re

import numpy as np

from twf.builder.colorize import colorize
from twf.models import REGISTRY
from twf.palettes import PALETTES, get_palette, legend, ptype_class


def _colour(palette: str, value: float) -> tuple[int, ...]:
    return tuple(colorize(np.array([[value]], dtype=np.float32), get_palette(palette))[:, 0, 0].tolist())


def test_every_variable_names_a_palette_with_a_legend_in_the_api_shape():
    names = {var.palette for model in REGISTRY.values() for var in model.variables.values()}
    assert names <= set(PALETTES)
    for name in names:
        entry = legend(name)
        assert set(entry) == {"palette", "units", "kind", "decimals", "stops"}
        assert entry["stops"] and all(re.fullmatch(r"#[0-9a-f]{6}", s["color"]) for s in entry["stops"])
        assert all(set(s) <= {"value", "color", "label"} for s in entry["stops"])


def test_temperature_breaks_sharply_at_32f_and_the_legend_labels_it():
    below, at = _colour("temperature_f", 31.95), _colour("temperature_f", 32.0)
    assert below[2] > below[1] and at[1] > at[2]  # blue side, then green side
    assert {"value": 32, "color": "#1b7837", "label": "32°F"} in legend("temperature_f")["stops"]


def test_nan_and_sub_threshold_values_are_transparent():
    assert _colour("temperature_f", float("nan"))[3] == 0
    assert _colour("precip_in", 0.005)[3] == 0 and _colour("precip_in", 0.02)[3] == 255
    assert _colour("reflectivity_dbz", 4.9)[3] == 0


def test_reflectivity_is_stepped_in_5_dbz_bands_of_nws_colours():
    assert _colour("reflectivity_dbz", 20.0) == _colour("reflectivity_dbz", 24.9) == (0x02, 0xFD, 0x02, 255)
    assert _colour("reflectivity_dbz", 25.0) != _colour("reflectivity_dbz", 24.9)


def test_values_past_the_ends_take_the_end_colours():
    assert _colour("temperature_f", -80) == _colour("temperature_f", -40)
    assert _colour("wind_mph", 500) == _colour("wind_mph", 130)


def test_radar_ptype_legend_lists_one_labelled_entry_per_family():
    entry = legend("radar_ptype")
    assert entry["kind"] == "categorical"
    assert [s["label"] for s in entry["stops"]] == ["Rain", "Snow", "Ice pellets", "Freezing rain"]


def test_ptype_values_decode_to_family_and_dbz():
    assert ptype_class(130.0) == ("Snow", 30.0)
    assert ptype_class(45.5) == ("Rain", 45.5)
    assert ptype_class(399.0) == ("Freezing rain", 99.0)
