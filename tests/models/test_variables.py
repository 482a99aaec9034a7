"""What the shared variable specs promise on every model: a wind map draws the barbs of its own wind, and an
upper-air jet map draws height lines exactly where the real files carry that level's heights."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from tests.models.test_inventories import REAL

from twf.fetch.idx import parse_idx
from twf.models import REGISTRY, get_model
from twf.models.base import Barbs, Isolines, Selector, VarSpec

WIND_ELEMENTS = frozenset({"UGRD", "VGRD", "WIND"})


def _wind_levels(inputs: Mapping[str, object]) -> set[str]:
    return {s.level.idx for s in inputs.values() if isinstance(s, Selector) and s.element in WIND_ELEMENTS}


def _is_wind_map(var: VarSpec) -> bool:
    return var.derive == "wind_speed" or any(
        isinstance(s, Selector) and s.element == "WIND" for s in var.inputs.values())


@pytest.mark.parametrize("model_name", sorted(REGISTRY))
def test_every_wind_map_draws_barbs_of_the_wind_it_shades(model_name):
    wind_maps = [v for v in get_model(model_name).variables.values() if _is_wind_map(v)]
    assert wind_maps
    for var in wind_maps:
        barbs = [o for o in var.overlays if isinstance(o, Barbs)]
        assert len(barbs) == 1 and _wind_levels(barbs[0].inputs) == _wind_levels(var.inputs), var.name


@pytest.mark.parametrize("model_name", ["gfs", "hrrr", "nam"])
def test_jet_maps_draw_heights_exactly_where_the_real_files_carry_them(request, model_name):
    fixture, template, hours, _ = REAL[model_name]
    inventory = parse_idx((request.getfixturevalue(fixture) / template.format(fh=hours[-1])).read_text())
    carried = {(e.element, e.level) for e in inventory if not e.qualifier}
    model = get_model(model_name)
    for hpa in (250, 300):
        var = model.variables[f"wind{hpa}"]
        lines = [o for o in var.overlays if isinstance(o, Isolines) and o.key == "heights"]
        assert bool(lines) == (("HGT", f"{hpa} mb") in carried), var.name
        assert {("UGRD", f"{hpa} mb"), ("VGRD", f"{hpa} mb")} <= carried
