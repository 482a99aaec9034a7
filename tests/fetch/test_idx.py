"""Inventory parsing and exact message selection, on the real HRRR, GFS, NAM and NBM `.idx` files."""

from __future__ import annotations

from pathlib import Path

import pytest

from twf.errors import FetchError, MessageNotFound
from twf.fetch.idx import ByteRange, IdxEntry, merge_ranges, parse_forecast, parse_idx, select
from twf.models import get_model
from twf.models.base import HTGL_2M, ISBL_850, SURFACE, Level
from twf.models.products import EnsembleStdDev, Percentile, Probability
from twf.models.requirements import MessageRequest, messages_for


def entries(folder: Path, name: str) -> list[IdxEntry]:
    return parse_idx((folder / name).read_text())


def test_tmp_2m_selects_2_m_above_ground_never_2_mb(gfs_samples):
    [hit] = select(entries(gfs_samples, "gfs.t12z.pgrb2.0p25.f000.idx"), [MessageRequest(0, "TMP", HTGL_2M)])
    assert (hit.number, hit.level, hit.forecast_text) == ("580", "2 m above ground", "anl")


def test_gfs_duplicate_apcp_lines_resolve_to_the_first(gfs_samples):
    inventory = entries(gfs_samples, "gfs.t12z.pgrb2.0p25.f006.idx")
    request = MessageRequest(6, "APCP", SURFACE, (0, 6))
    assert [e.number for e in inventory if e.label == "APCP:surface:0-6 hour acc fcst"] == ["596", "597"]
    assert [e.number for e in select(inventory, [request])] == ["596"]


def test_run_total_and_bucket_are_told_apart_by_window(hrrr_samples):
    inventory = entries(hrrr_samples, "hrrr.t17z.wrfsfcf06.grib2.idx")
    total = select(inventory, [MessageRequest(6, "APCP", SURFACE, (0, 6))])
    bucket = select(inventory, [MessageRequest(6, "APCP", SURFACE, (5, 6))])
    assert [e.number for e in total] == ["84"] and [e.number for e in bucket] == ["90"]


def test_day_spelled_windows_match_their_hours(gfs_samples, hrrr_samples):
    f024 = entries(gfs_samples, "gfs.t12z.pgrb2.0p25.f024.idx")
    assert [e.forecast_text for e in select(f024, [MessageRequest(24, "APCP", SURFACE, (0, 24))])] == [
        "0-1 day acc fcst"
    ]
    f00 = entries(hrrr_samples, "hrrr.t17z.wrfsfcf00.grib2.idx")
    assert [e.number for e in select(f00, [MessageRequest(0, "APCP", SURFACE, (0, 0))])] == ["84"]


def test_averages_and_accumulations_are_different_messages(gfs_samples):
    f024 = entries(gfs_samples, "gfs.t12z.pgrb2.0p25.f024.idx")
    [ave] = select(f024, [MessageRequest(24, "CSNOW", SURFACE, (18, 24), "ave")])
    assert ave.forecast_text == "18-24 hour ave fcst"
    with pytest.raises(MessageNotFound, match="CSNOW 0-SFC 18-24 h acc in f024"):
        select(f024, [MessageRequest(24, "CSNOW", SURFACE, (18, 24))])


def test_an_instant_field_must_carry_the_files_own_hour(hrrr_samples):
    f03 = entries(hrrr_samples, "hrrr.t17z.wrfsfcf03.grib2.idx")
    assert select(f03, [MessageRequest(3, "TMP", HTGL_2M)])[0].forecast_text == "3 hour fcst"
    with pytest.raises(MessageNotFound, match="TMP 2-HTGL in f006"):
        select(f03, [MessageRequest(6, "TMP", HTGL_2M)])  # an f03 inventory served for f06 is stale


def test_missing_messages_are_all_named(hrrr_samples):
    f01 = entries(hrrr_samples, "hrrr.t17z.wrfsfcf01.grib2.idx")
    with pytest.raises(MessageNotFound, match=r"PRMSL 0-MSL in f001, APCP 0-SFC 0-2 h acc in f001$"):
        select(
            f01,
            [
                MessageRequest(1, "PRMSL", Level("0-MSL", "mean sea level")),
                MessageRequest(1, "TMP", ISBL_850),
                MessageRequest(1, "APCP", SURFACE, (0, 2)),
            ],
        )


def test_ranges_are_inclusive_first_and_last_messages(hrrr_samples):
    f06 = entries(hrrr_samples, "hrrr.t17z.wrfsfcf06.grib2.idx")
    assert (f06[0].start, f06[0].end) == (0, 467389)  # REFC: up to RETOP's offset 467390 minus one
    assert (f06[-1].start, f06[-1].end) == (153007383, None)  # the last runs to the end of the file
    assert (
        ByteRange(0, 467389).header == "bytes=0-467389"
        and ByteRange(153007383, None).header == "bytes=153007383-"
    )
    assert ByteRange(0, 467389).length == 467390


def test_adjacent_ranges_merge_and_gaps_do_not(hrrr_samples):
    f06 = entries(hrrr_samples, "hrrr.t17z.wrfsfcf06.grib2.idx")
    assert merge_ranges([f06[0], f06[1], f06[3]]) == [
        ByteRange(0, f06[1].end),
        ByteRange(f06[3].start, f06[3].end),
    ]
    assert merge_ranges([f06[-2], f06[-1]]) == [ByteRange(f06[-2].start, None)]
    assert merge_ranges([f06[2], f06[2]]) == [ByteRange(f06[2].start, f06[2].end)]


def test_sub_messages_sharing_an_offset_share_a_range():
    inventory = parse_idx(
        "1:0:d=2026012912:UGRD:10 m above ground:anl:\n"
        "1.2:0:d=2026012912:VGRD:10 m above ground:anl:\n"
        "2:500:d=2026012912:TMP:2 m above ground:anl:\n"
    )
    assert [(e.start, e.end) for e in inventory] == [(0, 499), (0, 499), (500, None)]


def test_forecast_spellings():
    assert parse_forecast("anl").end == 0
    assert parse_forecast("7 hour fcst").end == 7
    assert parse_forecast("2 day fcst").end == 48
    f = parse_forecast("0-1 day acc fcst")
    assert (f.statistic, f.start, f.end) == ("acc", 0, 24)
    assert parse_forecast("5-6 hour max fcst").statistic == "max"
    assert parse_forecast("0-6 hour ave fcst").statistic == "ave"
    assert parse_forecast("bogus") is None


def test_a_malformed_inventory_is_rejected():
    with pytest.raises(FetchError, match="line 1 is not a wgrib2 inventory line"):
        parse_idx("<html>503 Service Unavailable</html>", url="x.idx")


NBM_F012 = "nbm/20260805_12z/blend.t12z.core.f012.co.grib2.idx"


def test_nbm_precip_reads_the_deterministic_qpf_never_its_probability_twin(inventories_dir):
    """NBM lists `APCP ... prob >0.254` (lines 77-79) before the QPF itself (99, 100): the first line of the
    right element, level and window is a probability in percent, not precipitation."""
    model = get_model("nbm")
    f012 = entries(inventories_dir, NBM_F012)
    requests = [r for r in messages_for(model, model.variables["precip_total"], 12) if r.fh == 12]
    chosen = select(f012, requests)
    assert [(e.number, e.label) for e in chosen] == [("100", "APCP:surface:6-12 hour acc fcst")]
    assert f012[77].label == "APCP:surface:6-12 hour acc fcst:prob >0.254:prob fcst 255/255"
    hourly = MessageRequest(12, "APCP", SURFACE, (11, 12))
    assert [e.number for e in select(f012, [hourly])] == ["99"]


@pytest.mark.parametrize(("var", "number"), [
    ("tmp2m", "192"), ("dp2m", "35"), ("wspd10m", "212"), ("wgst10m", "208"), ("snowfall_total", "159"),
])
def test_nbm_spread_percentile_and_probability_twins_are_never_taken(inventories_dir, var, number):
    model = get_model("nbm")
    requests = [r for r in messages_for(model, model.variables[var], 12) if r.fh == 12]
    chosen = select(entries(inventories_dir, NBM_F012), requests)
    assert number in [e.number for e in chosen] and all(e.qualifier == "" for e in chosen)


def test_a_selector_asks_for_a_probability_on_purpose(inventories_dir):
    f012 = entries(inventories_dir, NBM_F012)
    chance = MessageRequest(12, "APCP", SURFACE, (6, 12), qualifier=Probability(above=0.254))
    median = MessageRequest(12, "ASNOW", SURFACE, (11, 12), qualifier=Percentile(50))
    spread = MessageRequest(12, "TMP", HTGL_2M, qualifier=EnsembleStdDev())
    assert [e.number for e in select(f012, [chance, median, spread])] == ["78", "127", "193"]


def test_a_record_listed_only_with_qualifiers_is_missing_and_named(inventories_dir):
    """NBM f012 has a 0-12 h APCP only as a probability: a run-total request fails, naming the file and
    the lines it found instead, rather than reading the probability."""
    f012 = entries(inventories_dir, NBM_F012)
    expected = (r"blend\.t12z\.core\.f012\.co\.grib2\.idx: no inventory line for "
                r"APCP 0-SFC 0-12 h acc in f012 \(only: line 79 `prob >0\.254:prob fcst 255/255`\)")
    with pytest.raises(MessageNotFound, match=expected):
        select(f012, [MessageRequest(12, "APCP", SURFACE, (0, 12))], url=NBM_F012)


def test_a_qualifier_the_code_does_not_know_never_matches_a_plain_request():
    inventory = parse_idx(
        "1:0:d=2026012912:TMP:2 m above ground:6 hour fcst:ENS=+1\n"
        "2:100:d=2026012912:TMP:2 m above ground:6 hour fcst:wt ens mean\n"
        "3:200:d=2026012912:TMP:2 m above ground:6 hour fcst:\n"
    )
    assert [e.number for e in select(inventory, [MessageRequest(6, "TMP", HTGL_2M)])] == ["3"]
    with pytest.raises(MessageNotFound, match="only: line 1 `ENS=\\+1`"):
        select(inventory[:2], [MessageRequest(6, "TMP", HTGL_2M)])


def test_nbm_percentile_windows_are_spelled_with_their_time_increment():
    f = parse_forecast("6-12 hour acc@(fcst,dt=6 hour),missing=0")
    assert (f.statistic, f.start, f.end) == ("acc", 6, 12)


def test_nam_wind_sub_messages_share_one_range(inventories_dir):
    f06 = entries(inventories_dir, "nam/20260805_12z/nam.t12z.awphys06.tm00.grib2.idx")
    model = get_model("nam")
    u, v = select(f06, messages_for(model, model.variables["wspd10m"], 6))
    assert (u.number, v.number) == ("329.1", "329.2") and (u.start, u.end) == (v.start, v.end)
    assert merge_ranges([u, v]) == [ByteRange(50215119, 50606879)]  # up to MAXUW (line 330) minus one
