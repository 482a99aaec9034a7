"""Every variable of every model resolves to the deterministic record of the inventories its files carry.

The real inventories where we have them (HRRR 17z f00/f01/f03/f06 and GFS 12z f000/f006/f024 beside the
samples, NBM f012 and NAM f06 in ../shared/data/idx), and the synthetic writer's at the first hour, bucket
boundaries and the last hour of each model, where NBM's files carry probability, percentile and spread twins.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.tiny_grib import write_tiny_file

from twf.fetch.idx import IdxEntry, parse_idx, select
from twf.models import REGISTRY, get_model
from twf.models.base import ModelSpec
from twf.models.requirements import MessageRequest, frame_hours, messages_for
from twf.synthetic.inventory import idx_path
from twf.synthetic.plan import file_requests

# model → (fixture of the folder, path template, file hours, cycle whose frames read them). HRRR's files of
# f00-f06 are alike in every cycle; a long one (18z, to f48) also has the 24 h windows, which read f06.
REAL = {
    "hrrr": ("samples_dir", "hrrr/20260129_17z/hrrr.t17z.wrfsfcf{fh:02d}.grib2.idx", (0, 1, 3, 6), 18),
    "gfs": ("samples_dir", "gfs/20260129_12z/gfs.t12z.pgrb2.0p25.f{fh:03d}.idx", (0, 6, 24), 12),
    "nbm": ("inventories_dir", "nbm/20260805_12z/blend.t12z.core.f{fh:03d}.co.grib2.idx", (12,), 12),
    "nam": ("inventories_dir", "nam/20260805_12z/nam.t12z.awphys{fh:02d}.tm00.grib2.idx", (6,), 12),
}

_REF = datetime(2026, 8, 5, 12, tzinfo=UTC)

# Frame hours per model: the first, bucket boundaries either side, a long-range one, the last.
SPREAD = {
    "hrrr": (0, 1, 2, 18, 48),
    "gfs": (0, 3, 6, 7, 120, 123, 384),
    "nam": (0, 1, 3, 4, 6, 7, 60),
    "nbm": (1, 5, 6, 7, 12, 13, 36, 42, 264),
}


def _requests_by_file(model: ModelSpec, cycle: int, frames: tuple[int, ...] | None = None,
                      ) -> dict[int, dict[str, set[MessageRequest]]]:
    """file hour → variable → the requests its frames (the cycle's, or only `frames`) read from that file."""
    by_file: dict[int, dict[str, set[MessageRequest]]] = {}
    for name, var in model.variables.items():
        for fh in frame_hours(model, var, cycle):
            if frames is None or fh in frames:
                for request in messages_for(model, var, fh):
                    by_file.setdefault(request.fh, {}).setdefault(name, set()).add(request)
    return by_file


def _assert_deterministic(chosen: list[IdxEntry], where: str) -> None:
    assert all(e.qualifier == "" for e in chosen), where


@pytest.mark.parametrize("model_name", sorted(REAL))
def test_every_variable_reads_the_deterministic_records_of_real_inventories(request, model_name):
    fixture, template, hours, cycle = REAL[model_name]
    folder: Path = request.getfixturevalue(fixture)
    model = get_model(model_name)
    by_file = _requests_by_file(model, cycle)
    checked: set[str] = set()
    for fh in hours:
        name = template.format(fh=fh)
        inventory = parse_idx((folder / name).read_text())
        for var, requests in by_file.get(fh, {}).items():
            chosen = select(inventory, requests, url=name)  # raises MessageNotFound if any is missing
            _assert_deterministic(chosen, f"{name} {var}")
            checked.add(var)
    assert checked == set(model.variables)


def test_nbm_f012_twins_are_listed_first_for_precipitation(inventories_dir):
    """The real file sets the trap this project must avoid: for APCP the first line of the right element,
    level and window is a probability, so "first match" would read it."""
    inventory = parse_idx((inventories_dir / REAL["nbm"][1].format(fh=12)).read_text())
    same_field = [e for e in inventory if e.element == "APCP" and e.forecast_text == "6-12 hour acc fcst"]
    assert [e.qualifier for e in same_field] == ["prob >0.254:prob fcst 255/255", ""]


def _synthetic_inventory(model_name: str, fh: int, fields: set[tuple[str, str]], folder: Path,
                         ) -> list[IdxEntry]:
    """The `.idx` the synthetic writer gives the model's file at `fh`, for the records of `fields` (element,
    level) with their twins and decoys in file order (through the real writer, on a tiny grid)."""
    path = write_tiny_file(folder / f"{model_name}.f{fh:03d}.grib2", model_name, _REF, fh, fields)
    return parse_idx(idx_path(path).read_text())


@pytest.mark.parametrize("model_name", sorted(REGISTRY))
def test_every_variable_reads_the_deterministic_records_of_synthetic_inventories(tmp_path, model_name):
    model = get_model(model_name)
    cycle = REAL[model_name][3]
    by_file = _requests_by_file(model, cycle, SPREAD[model_name])
    qualified = 0
    for fh, by_var in sorted(by_file.items()):
        fields = {(r.element, r.level.idx) for requests in by_var.values() for r in requests}
        inventory = _synthetic_inventory(model_name, fh, fields, tmp_path)
        qualified += sum(1 for e in inventory if e.qualifier)
        for var, requests in by_var.items():
            _assert_deterministic(select(inventory, requests, url=f"f{fh:03d}"), f"f{fh:03d} {var}")
    assert {v for by_var in by_file.values() for v in by_var} == set(model.variables)
    assert (qualified > 0) == bool(model.record_layout)  # NBM's files carry twins, the others' do not


def test_synthetic_nbm_files_list_their_records_as_the_real_file_does(inventories_dir, tmp_path):
    """Every line of the synthetic f012 inventory is a line of the real one (same spelling, qualifiers
    included), in the real order: twins before and after their deterministic records as NBM puts them."""
    real = [e.label for e in parse_idx((inventories_dir / REAL["nbm"][1].format(fh=12)).read_text())]
    fields = {(r.element, r.level.idx) for r in file_requests("nbm", 12)}
    synthetic = [e.label for e in _synthetic_inventory("nbm", 12, fields, tmp_path)]
    assert any(":prob >" in label for label in synthetic)
    assert any("ens std dev" in label for label in synthetic)
    positions = [real.index(label) for label in synthetic]  # ValueError: a line the real file does not have
    assert positions == sorted(positions)
