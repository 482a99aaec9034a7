"""Which messages a frame needs: run totals read where the files carry them, else tiled from buckets."""

from __future__ import annotations

import pytest

from twf.models import REGISTRY, get_model
from twf.models.base import SURFACE, Selector
from twf.models.requirements import MessageRequest, frame_hours, messages_for, planned_hours


def _windows(model: str, var: str, fh: int) -> list[tuple]:
    spec = get_model(model)
    return [(r.fh, r.element, r.window, r.statistic) for r in messages_for(spec, spec.variables[var], fh)]


def test_instantaneous_variables_read_one_message_from_the_frames_own_file():
    hrrr = get_model("hrrr")
    assert messages_for(hrrr, hrrr.variables["tmp2m"], 7) == (MessageRequest(7, "TMP", hrrr.variables[
        "tmp2m"].inputs["value"].level),)
    assert [r.element for r in messages_for(hrrr, hrrr.variables["wspd10m"], 3)] == ["UGRD", "VGRD"]


@pytest.mark.parametrize("model", ["hrrr", "gfs"])
def test_models_with_a_run_total_message_read_the_0_to_fh_window(model):
    assert _windows(model, "precip_total", 6) == [(6, "APCP", (0, 6), "acc")]
    assert _windows(model, "precip_total", 13) == [(13, "APCP", (0, 13), "acc")]


def test_hrrr_snowfall_is_its_own_run_total_asnow():
    assert _windows("hrrr", "snowfall_total", 5) == [(5, "ASNOW", (0, 5), "acc")]


def test_nam_sums_three_hour_resetting_buckets():
    assert _windows("nam", "precip_total", 7) == [
        (3, "APCP", (0, 3), "acc"), (6, "APCP", (3, 6), "acc"), (7, "APCP", (6, 7), "acc")]


def test_nam_10_to_1_snowfall_pairs_each_bucket_with_the_snow_flag_at_its_end():
    assert _windows("nam", "snowfall_total", 5) == [
        (3, "APCP", (0, 3), "acc"), (5, "APCP", (3, 5), "acc"),
        (3, "CSNOW", None, None), (5, "CSNOW", None, None)]


def test_gfs_10_to_1_snowfall_uses_six_hour_buckets_and_bucket_averaged_snow():
    assert _windows("gfs", "snowfall_total", 9) == [
        (6, "APCP", (0, 6), "acc"), (9, "APCP", (6, 9), "acc"),
        (6, "CSNOW", (0, 6), "ave"), (9, "CSNOW", (6, 9), "ave")]


def test_nbm_tiles_six_hour_buckets_then_hourly_ones():
    assert _windows("nbm", "precip_total", 14) == [
        (6, "APCP", (0, 6), "acc"), (12, "APCP", (6, 12), "acc"), (13, "APCP", (12, 13), "acc"),
        (14, "APCP", (13, 14), "acc")]


def test_nbm_hours_its_buckets_cannot_tile_are_not_frame_hours():
    nbm = get_model("nbm")
    hours = frame_hours(nbm, nbm.variables["precip_total"], 0)
    assert 36 in hours and 39 not in hours and 42 in hours and 264 in hours
    assert messages_for(nbm, nbm.variables["precip_total"], 39) == ()


def test_accumulations_start_after_f000_and_instantaneous_fields_at_the_first_file():
    for model in REGISTRY.values():
        cycle = model.cycles[0]
        for var in model.variables.values():
            hours = frame_hours(model, var, cycle)
            assert hours and set(hours) <= set(model.forecast_hours(cycle))
            if var.change_hours:
                assert hours[0] >= var.change_hours
            elif any(isinstance(s, Selector) and s.window for s in var.inputs.values()):
                assert 0 not in hours
            else:
                assert hours == model.forecast_hours(cycle)


def test_every_request_reads_a_file_the_model_publishes_with_a_window_ending_there():
    for model in REGISTRY.values():
        published = {h for c in model.cycles for h in model.forecast_hours(c)}
        for var in model.variables.values():
            for fh in frame_hours(model, var, model.cycles[0])[:30]:
                for request in messages_for(model, var, fh):
                    assert request.fh in published and request.fh <= fh
                    assert request.window is None or request.window[1] == request.fh


def test_describe_names_element_level_window_and_file():
    assert MessageRequest(6, "APCP", SURFACE, (0, 6)).describe() == "APCP 0-SFC 0-6 h acc in f006"


def test_the_hrrr_catalogue_has_35_or_more_variables():
    assert len(get_model("hrrr").variables) >= 35


@pytest.mark.parametrize("model", ["hrrr", "nam", "nbm", "gfs"])
def test_planned_hours_of_every_cycle_are_its_frame_hours(model):
    spec = get_model(model)
    for cycle in spec.cycles:
        for var in ("tmp2m", "precip_total", "snowfall_total"):
            assert planned_hours(model, var, cycle) == frame_hours(spec, spec.variables[var], cycle)
