"""A frame's field from its plan, against hand-computed values: accumulation windows at the first hours and
across bucket resets (never negative), a 24 h change, and running totals that continue the frame before."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS

from twf.builder.decode import Message
from twf.builder.field import native_field
from twf.builder.running_total import RunningTotals
from twf.errors import MissingRunningTotal
from twf.models import get_model
from twf.models.requirements import MessageRequest, frame_plan
from twf.storage import LocalStore

REF = datetime(2026, 1, 29, 12, tzinfo=UTC)
MM_PER_IN = 25.4


def _build(model_name: str, var: str, fh: int, values, tmp_path: Path) -> np.ndarray:
    """`var` at `fh` from messages whose data `values(request)` gives (one number, or an array)."""
    model = get_model(model_name)
    spec = model.variables[var]
    plan = frame_plan(model, spec, fh)
    shape = model.native_grid.shape

    def message(request: MessageRequest) -> Message:
        data = np.broadcast_to(np.asarray(values(request), dtype=np.float32), shape).copy()
        return Message(request, Path("f.grib2"), data, CRS.from_epsg(4326), Affine.identity(), REF, REF)

    return native_field(model, spec, fh, plan, [message(r) for r in plan.requests()],
                        RunningTotals(LocalStore(tmp_path), f"hrrr/run/{var}"))


def _window_values(buckets: dict[tuple[int, int], float]):
    return lambda request: buckets[request.window]


def test_hrrr_1h_precipitation_at_f001_is_the_first_hours_total(tmp_path):
    field = _build("hrrr", "precip_1h", 1, _window_values({(0, 1): 2.54}), tmp_path)
    assert field[0, 0] == pytest.approx(0.1)


def test_hrrr_6h_precipitation_is_the_difference_of_two_run_totals_and_never_negative(tmp_path):
    # 20.32 mm by f008, 7.62 mm by f002: 0.5 in; a point whose later total was packed a hair lower: 0
    def values(request):
        later = np.zeros(get_model("hrrr").native_grid.shape, np.float32)
        later[:] = 20.32
        later[0, 1] = 7.61
        return later if request.window == (0, 8) else 7.62

    field = _build("hrrr", "precip_6h", 8, values, tmp_path)
    assert field[0, 0] == pytest.approx(0.5)
    assert field[0, 1] == 0.0


def test_nam_6h_precipitation_across_a_bucket_reset(tmp_path):
    # NAM buckets reset every 3 h: 0-7 h is 0-3 + 3-6 + 6-7, 0-1 h is its own bucket; the window 1-7 h is
    # 5.08 + 7.62 + 2.54 - 2.54 mm = 0.5 in
    buckets = {(0, 3): 5.08, (3, 6): 7.62, (6, 7): 2.54, (0, 1): 2.54}
    assert _build("nam", "precip_6h", 7, _window_values(buckets), tmp_path)[0, 0] == pytest.approx(0.5)


def test_nam_1h_precipitation_right_after_and_inside_a_bucket(tmp_path):
    # f004: the new bucket 3-4 h alone; f005: the 3-5 h bucket minus the 3-4 h one
    first = _build("nam", "precip_1h", 4, _window_values({(3, 4): 1.27}), tmp_path)
    assert first[0, 0] == pytest.approx(0.05)
    buckets = {(3, 5): 3.81, (3, 4): 1.27}
    assert _build("nam", "precip_1h", 5, _window_values(buckets), tmp_path)[0, 0] == pytest.approx(0.1)


def test_nam_24h_precipitation_reads_only_the_buckets_inside_the_window(tmp_path):
    model = get_model("nam")
    plan = frame_plan(model, model.variables["precip_24h"], 30)
    assert [r.window for r in plan.current["value"]] == [(s, s + 3) for s in range(6, 30, 3)]
    assert plan.earlier == {"value": ()}
    field = _build("nam", "precip_24h", 30, lambda r: 3.175, tmp_path)  # 8 buckets of 1/8 in
    assert field[0, 0] == pytest.approx(1.0)


def test_gfs_24h_snowfall_is_the_10_to_1_snow_of_the_buckets_in_the_window(tmp_path):
    # four 6 h buckets (6-12 .. 24-30 h) of 2.54 mm, snowing half of each: 4 * 2.54 * 0.5 * 10 mm = 2 in
    def values(request):
        return 2.54 if request.element == "APCP" else 0.5

    model = get_model("gfs")
    plan = frame_plan(model, model.variables["snowfall_24h"], 30)
    assert [r.window for r in plan.current["precip"]] == [(6, 12), (12, 18), (18, 24), (24, 30)]
    assert _build("gfs", "snowfall_24h", 30, values, tmp_path)[0, 0] == pytest.approx(2.0)


def test_24h_temperature_change_is_in_fahrenheit_degrees_without_offset(tmp_path):
    # 268.15 K at f024, 278.15 K at f000: 10 K colder is -18 °F
    def values(request):
        return 268.15 if request.fh == 24 else 278.15

    assert _build("gfs", "tmp2m_change_24h", 24, values, tmp_path)[0, 0] == pytest.approx(-18.0, abs=1e-3)


def _kuchera_values(liquid: float):
    """HRRR Kuchera inputs: `liquid` mm of snow water, an all-cold profile (ratio 22), sea-level pressure."""
    def values(request):
        return {"WEASD": liquid, "PRES": 100000.0}.get(request.element, 261.16)
    return values


def test_a_running_total_starts_from_zero_and_continues_the_frame_before(tmp_path):
    first = _build("hrrr", "snowfall_kuchera", 1, _kuchera_values(1.0), tmp_path)
    second = _build("hrrr", "snowfall_kuchera", 2, _kuchera_values(0.5), tmp_path)
    assert first[0, 0] == pytest.approx(22.0 / MM_PER_IN, abs=1e-4)  # 1 mm x 22
    assert second[0, 0] == pytest.approx((22.0 + 11.0) / MM_PER_IN, abs=1e-4)
    kept = RunningTotals(LocalStore(tmp_path), "hrrr/run/snowfall_kuchera").read(2, first.shape)
    assert (tmp_path / "hrrr/run/_totals/snowfall_kuchera/fh002.npy").is_file()
    assert kept[0, 0] == pytest.approx(33.0)


def test_a_running_total_without_the_frame_it_continues_fails_clearly(tmp_path):
    with pytest.raises(MissingRunningTotal, match="running total of f004 is not built yet"):
        _build("hrrr", "snowfall_kuchera", 5, _kuchera_values(1.0), tmp_path)


def test_gfs_kuchera_continues_from_its_last_six_hour_bucket():
    model = get_model("gfs")
    plans = {fh: frame_plan(model, model.variables["snowfall_kuchera"], fh) for fh in (5, 6, 9, 12)}
    assert [plans[fh].continues for fh in (5, 6, 9, 12)] == [None, None, 6, 6]
    assert [r.window for r in plans[9].current["precip"]] == [(6, 9)]
    assert [r.level.gdal for r in plans[9].current["t"]] == [
        "92500-ISBL", "85000-ISBL", "70000-ISBL", "60000-ISBL", "50000-ISBL"]
