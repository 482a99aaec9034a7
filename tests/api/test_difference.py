"""The difference operator on value grids: A − B on the coarser grid, block means, no-data and the palette."""

from __future__ import annotations

import numpy as np
import pytest

from twf.api.difference import difference, difference_palette
from twf.api.raster_cache import Level, LevelGeometry
from twf.api.webmercator import Bounds
from twf.errors import NotComparable
from twf.grid import CONUS_BOUNDS_3857
from twf.models import get_model
from twf.palettes import get_palette, rgba

LEFT, BOTTOM, RIGHT, TOP = CONUS_BOUNDS_3857


def level(res: float, values: np.ndarray | float) -> Level:
    width, height = round((RIGHT - LEFT) / res), round((TOP - BOTTOM) / res)
    array = np.broadcast_to(np.float32(values), (height, width)).copy() if np.isscalar(values) else values
    return Level(LevelGeometry(0, LEFT, TOP, res, res, width, height), array.astype(np.float32))


def test_difference_of_two_grids_lies_on_the_coarser_grid() -> None:
    fine, coarse = level(12_000, 50.0), level(36_000, 40.0)
    d = difference(fine, coarse, get_palette("difference_f"))
    assert d.geometry.res_x == 36_000 and d.a.shape == coarse.array.shape
    assert np.allclose(d.a - d.b, 10.0)
    d = difference(coarse, fine, get_palette("difference_f"))
    assert d.geometry.res_x == 36_000 and np.allclose(d.a - d.b, -10.0)


def test_finer_field_is_block_averaged_onto_the_coarser_cells() -> None:
    fine = level(12_000, 0.0)
    fine.array[:3, :3] = np.arange(9, dtype=np.float32).reshape(3, 3)  # one 36 km cell: mean 4
    d = difference(fine, level(36_000, 0.0), get_palette("difference_f"))
    assert d.a[0, 0] == pytest.approx(4.0)
    assert d.a[0, 1] == 0.0


def test_no_data_on_either_side_is_transparent_and_not_covered() -> None:
    a = level(12_000, 5.0)
    a.array[:, :100] = np.nan  # A has no data in the western 1200 km
    d = difference(a, level(12_000, 5.0), get_palette("difference_f"))
    assert (d.rgba[:, :100, 3] == 0).all() and (d.rgba[:, 100:, 3] == 255).all()
    west = Bounds(LEFT, BOTTOM, LEFT + 100 * 12_000, TOP)
    assert not d.covers(west)
    assert d.covers(west._replace(right=west.right + 1))  # one metre into the data
    assert not d.covers(Bounds(RIGHT + 1, BOTTOM, RIGHT + 1000, TOP))  # beyond the grid


def test_a_difference_with_no_common_data_covers_nothing() -> None:
    d = difference(level(12_000, np.nan), level(12_000, 1.0), get_palette("difference_f"))
    assert not d.covers(Bounds(*CONUS_BOUNDS_3857))


def test_colours_follow_the_fixed_symmetric_scale() -> None:
    palette = get_palette("difference_f")
    d = difference(level(36_000, 15.0), level(36_000, 0.0), palette)
    assert tuple(d.rgba[0, 0]) == rgba(palette.stops[-1].color)  # +15 °F: the warm end
    d = difference(level(36_000, 0.0), level(36_000, 40.0), palette)
    assert tuple(d.rgba[0, 0]) == rgba(palette.stops[0].color)  # −40 °F: clipped to the cold end
    d = difference(level(36_000, 3.0), level(36_000, 3.0), palette)
    assert tuple(d.rgba[0, 0]) == rgba("#f7f7f7")  # no change: the white middle


def test_every_continuous_variable_has_a_symmetric_difference_scale_in_its_units() -> None:
    for model in ("hrrr", "gfs", "nam", "nbm"):
        for var in get_model(model).variables.values():
            if var.kind == "categorical":
                continue
            palette = difference_palette(var, var)
            assert palette.units == var.units
            assert -palette.stops[0].value == palette.stops[-1].value > 0


def test_categorical_and_mismatched_variables_have_no_difference() -> None:
    hrrr = get_model("hrrr").variables
    with pytest.raises(NotComparable, match="radar_ptype"):
        difference_palette(hrrr["radar_ptype"], hrrr["radar_ptype"])
    with pytest.raises(NotComparable, match="not the same quantity"):
        difference_palette(hrrr["tmp2m"], hrrr["wspd10m"])
    assert difference_palette(hrrr["tmp2m"], hrrr["dp2m"]).name == "difference_f"  # dew-point depression
