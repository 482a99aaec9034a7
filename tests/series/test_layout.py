"""How series stores are cut: blocks bounded in bytes while a run fills, chunks bounded for a point's read."""

from __future__ import annotations

import pytest

from twf.models import get_model
from twf.series.layout import BLOCK_BUDGET_BYTES, CHUNK_BUDGET_BYTES, VALUE_BYTES, SeriesLayout, tile_size

RUNS = {"hrrr": "20260129_18z", "nam": "20260129_18z", "nbm": "20260129_18z", "gfs": "20260129_12z"}


@pytest.mark.parametrize(("model", "block_hours"), [("hrrr", 7), ("nam", 7), ("nbm", 5), ("gfs", 70)])
def test_a_block_holds_as_many_hours_as_fit_the_write_budget(model: str, block_hours: int) -> None:
    spec = get_model(model)
    layout = SeriesLayout.for_variable(spec, spec.variables["tmp2m"], RUNS[model])
    frame_bytes = layout.grid[0] * layout.grid[1] * VALUE_BYTES
    assert layout.block_hours == block_hours
    assert layout.block_hours * frame_bytes <= BLOCK_BUDGET_BYTES < (layout.block_hours + 1) * frame_bytes


def test_blocks_cut_the_planned_hours_in_order() -> None:
    spec = get_model("gfs")
    layout = SeriesLayout.for_variable(spec, spec.variables["tmp2m"], RUNS["gfs"])
    assert len(layout.hours) == 209 and layout.hours[-2:] == (381, 384)
    assert [layout.block(b)[0] for b in range(3)] == [0, 70, 180]  # hourly to f120, then 3-hourly
    assert layout.block_of(69) == 0 and layout.block_of(70) == 1 and layout.block_of(384) == 2
    assert sum(len(layout.block(b)) for b in range(3)) == 209 and layout.block(3) == ()


@pytest.mark.parametrize(("steps", "tile"), [(1, 32), (7, 32), (16, 32), (17, 16), (49, 16), (61, 16),
                                              (100, 8), (209, 8), (5000, 1)])
def test_a_chunk_of_every_hour_of_a_segment_fits_the_chunk_budget(steps: int, tile: int) -> None:
    assert tile_size(steps) == tile
    assert steps * tile * tile * VALUE_BYTES <= CHUNK_BUDGET_BYTES or tile == 1


def test_a_variable_is_complete_once_every_planned_hour_is_listed() -> None:
    spec = get_model("hrrr")
    layout = SeriesLayout.for_variable(spec, spec.variables["precip_total"], "20260129_17z")
    assert layout.hours == tuple(range(1, 19))  # a run total has no f00
    assert layout.complete(set(range(1, 19))) and layout.complete(set(range(0, 19)))
    assert not layout.complete(set(range(1, 18)))
