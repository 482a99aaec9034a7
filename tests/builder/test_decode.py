"""Messages are selected by exact element + level + time + window tags, never by band number."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
import rasterio

from twf.builder.decode import band_key, check_structure, decode, forget_decoded, forget_open_files
from twf.errors import CorruptGrib, MessageNotFound
from twf.models import get_model
from twf.models.base import HTGL_2M, SURFACE
from twf.models.products import EnsembleStdDev, Probability
from twf.models.requirements import MessageRequest, messages_for
from twf.store import parse_run_id
from twf.synthetic.grib import SyntheticMessage, write_grib2

GFS_F000 = "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2"


def test_gfs_2m_temperature_is_not_confused_with_the_2_mb_level(gfs_grib_dir):
    """The sample's first band is TMP at 2 mb, the message a careless `TMP:2 m` pattern picks."""
    model = get_model("gfs")
    [message] = decode([gfs_grib_dir / GFS_F000], messages_for(model, model.variables["tmp2m"], 0),
                       parse_run_id("20260129_12z"))
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO"), rasterio.open(gfs_grib_dir / GFS_F000) as ds:
        assert ds.tags(1)["GRIB_SHORT_NAME"] == "200-ISBL"
        assert np.array_equal(message.data, ds.read(2).astype(np.float32))
    assert 200 < np.nanmean(message.data) < 300  # kelvin: units were not normalised to °C


def test_a_file_of_another_run_does_not_match(hrrr_grib_dir):
    model = get_model("hrrr")
    requests = messages_for(model, model.variables["tmp2m"], 1)
    with pytest.raises(MessageNotFound, match="TMP 2-HTGL in f001"):
        decode([hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"], requests,
               parse_run_id("20260129_17z") + timedelta(hours=1))


def test_a_file_of_another_forecast_hour_does_not_match(hrrr_grib_dir):
    model = get_model("hrrr")
    with pytest.raises(MessageNotFound):
        decode([hrrr_grib_dir / "hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2"],
               messages_for(model, model.variables["tmp2m"], 1), parse_run_id("20260129_17z"))


def test_windows_and_statistics_are_matched_exactly(tmp_path):
    """Same element and level four times in one file: only window + statistic tell them apart."""
    model = get_model("gfs")
    ref = parse_run_id("20260129_12z")
    shape = model.native_grid.shape
    path = write_grib2(tmp_path / "f006", model, [
        SyntheticMessage("CSNOW", SURFACE, np.full(shape, 1, np.float32), ref, 6),
        SyntheticMessage("CSNOW", SURFACE, np.full(shape, 0, np.float32), ref, 6, (0, 6), process="ave"),
        SyntheticMessage("APCP", SURFACE, np.full(shape, 7, np.float32), ref, 6, (0, 6)),
        SyntheticMessage("APCP", SURFACE, np.full(shape, 3, np.float32), ref, 6, (5, 6)),
    ])
    requests = [MessageRequest(6, "CSNOW", SURFACE, (0, 6), "ave"),
                MessageRequest(6, "CSNOW", SURFACE),
                MessageRequest(6, "APCP", SURFACE, (5, 6)),
                MessageRequest(6, "APCP", SURFACE, (0, 6))]
    got = decode([path], requests, ref)
    assert [float(m.data[0, 0]) for m in got] == [0.0, 1.0, 3.0, 7.0]
    with pytest.raises(MessageNotFound, match="APCP 0-SFC 0-6 h ave"):
        decode([path], [MessageRequest(6, "APCP", SURFACE, (0, 6), "ave")], ref)


def test_gdal_window_suffix_on_element_names_is_understood():
    tags = {"GRIB_ELEMENT": "APCP06", "GRIB_SHORT_NAME": "0-SFC", "GRIB_FORECAST_SECONDS": "64800",
            "GRIB_PDS_PDTN": "8",
            "GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES":
                "1 8 2 0 96 0 0 1 18 1 0 0 255 0 0 2026 1 30 12 0 0 1 0 1 2 1 6 255 0"}
    key = band_key(tags)
    assert (key.element, key.window, key.fh, key.statistic) == ("APCP", (18, 24), 24, "acc")
    assert key.matches(MessageRequest(24, "APCP", SURFACE, (18, 24)))
    assert not key.matches(MessageRequest(24, "APCP", SURFACE, (0, 24)))


def test_truncated_and_foreign_files_are_corrupt(tmp_path, hrrr_grib_dir):
    data = (hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2").read_bytes()
    cut = tmp_path / "cut.grib2"
    cut.write_bytes(data[:-10])
    with pytest.raises(CorruptGrib, match="truncated"):
        check_structure(cut)
    junk = tmp_path / "junk.grib2"
    junk.write_bytes(data + b"trailing garbage")
    with pytest.raises(CorruptGrib, match="no GRIB2 message"):
        check_structure(junk)
    empty = tmp_path / "empty.grib2"
    empty.write_bytes(b"")
    with pytest.raises(CorruptGrib, match="empty"):
        check_structure(empty)


def test_only_the_requested_bands_are_returned_in_request_order(hrrr_grib_dir):
    model = get_model("hrrr")
    requests = [MessageRequest(1, "PRATE", SURFACE), MessageRequest(1, "TMP", HTGL_2M)]
    path = hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"
    got = decode([path], requests, parse_run_id("20260129_17z"))
    assert [m.request.element for m in got] == ["PRATE", "TMP"]
    assert all(m.data.shape == model.native_grid.shape and m.data.dtype == np.float32 for m in got)


def test_a_message_decodes_once_until_the_kept_arrays_are_forgotten(hrrr_grib_dir):
    requests = messages_for(get_model("hrrr"), get_model("hrrr").variables["tmp2m"], 1)
    path, run = hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", parse_run_id("20260129_17z")
    first = decode([path], requests, run)[0].data
    assert decode([path], requests, run)[0].data is first  # shared between the variables of an hour
    for forget in (forget_decoded, forget_open_files):
        forget()
        again = decode([path], requests, run)[0].data
        assert again is not first and np.array_equal(again, first, equal_nan=True)
        first = again


def test_a_wgrib2_idx_beside_the_file_is_ignored(tmp_path):
    """With `<file>.idx` beside it, GDAL 3.10 takes band metadata from the inventory and reports an
    accumulation's forecast time as the window's end: the 5-6 h bucket would pass for 6-7 h."""
    from twf.synthetic.inventory import write_idx

    model = get_model("nam")
    ref = parse_run_id("20260129_12z")
    shape = model.native_grid.shape
    path = write_grib2(tmp_path / "nam.t12z.conusnest.hiresf06.tm00.grib2", model, [
        SyntheticMessage("APCP", SURFACE, np.full(shape, 3, np.float32), ref, 6, (3, 6)),
    ])
    write_idx(path)
    [message] = decode([path], [MessageRequest(6, "APCP", SURFACE, (3, 6))], ref)
    assert float(message.data[0, 0]) == 3.0


# Section-4 template values of real NBM core records (f001 of 2022-11-17 19z, the `degrib2` dump in
# ../shared/data/idx/nbm): what GDAL lists in GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES, both being g2clib's.
_NBM_TMP_2M = "0 0 2 255 104 65535 255 1 1 103 0 2 255 0 0"
_NBM_TMP_2M_SPREAD = _NBM_TMP_2M + " 2 255"
_NBM_APCP_PROB = ("1 8 2 255 104 65535 255 1 0 1 0 0 255 0 0 255 255 1 -127 255 3 254 "
                  "2022 11 17 20 0 0 1 0 1 2 1 1 1 0")
_NBM_APCP = "1 8 2 255 104 65535 255 1 0 1 0 0 255 0 0 2022 11 17 20 0 0 1 0 1 2 1 1 1 0"


def _tags(element: str, level: str, seconds: int, template: int, values: str) -> dict[str, str]:
    return {"GRIB_ELEMENT": element, "GRIB_SHORT_NAME": level, "GRIB_FORECAST_SECONDS": str(seconds),
            "GRIB_PDS_PDTN": str(template), "GRIB_PDS_TEMPLATE_ASSEMBLED_VALUES": values}


def test_real_nbm_spread_and_probability_records_never_stand_in_for_the_value():
    value = band_key(_tags("TMP", "2-HTGL", 3600, 0, _NBM_TMP_2M))
    spread = band_key(_tags("TMP", "2-HTGL", 3600, 2, _NBM_TMP_2M_SPREAD))
    qpf = band_key(_tags("APCP01", "0-SFC", 0, 8, _NBM_APCP))
    chance = band_key(_tags("ProbAPCP01", "0-SFC", 0, 9, _NBM_APCP_PROB))
    assert value.matches(MessageRequest(1, "TMP", HTGL_2M))
    assert not spread.matches(MessageRequest(1, "TMP", HTGL_2M))
    assert spread.matches(MessageRequest(1, "TMP", HTGL_2M, qualifier=EnsembleStdDev()))
    assert qpf.matches(MessageRequest(1, "APCP", SURFACE, (0, 1)))
    assert not chance.matches(MessageRequest(1, "APCP", SURFACE, (0, 1)))
    assert chance.qualifier == "prob >0.254:prob fcst 255/255"  # as the NBM .idx spells it
    assert chance.matches(MessageRequest(1, "APCP", SURFACE, (0, 1), qualifier=Probability(above=0.254)))


def test_a_template_the_project_does_not_read_matches_nothing():
    """Template 4.1 (one ensemble member) shares element and level with the deterministic field."""
    member = band_key(_tags("TMP", "2-HTGL", 3600, 1, _NBM_TMP_2M + " 3 1 30"))
    assert member.qualifier is None and not member.matches(MessageRequest(1, "TMP", HTGL_2M))


def test_qualified_twins_listed_first_are_skipped_and_read_only_on_purpose(tmp_path):
    """NBM's order: the probability of the bucket before the bucket, the spread after the temperature."""
    model = get_model("nbm")
    ref = parse_run_id("20260805_12z")
    shape = model.native_grid.shape
    path = write_grib2(tmp_path / "f012", model, [
        SyntheticMessage("APCP", SURFACE, np.full(shape, 80, np.float32), ref, 12, (6, 12),
                         qualifier=Probability(above=0.254)),
        SyntheticMessage("APCP", SURFACE, np.full(shape, 4.5, np.float32), ref, 12, (6, 12)),
        SyntheticMessage("TMP", HTGL_2M, np.full(shape, 290, np.float32), ref, 12),
        SyntheticMessage("TMP", HTGL_2M, np.full(shape, 1.5, np.float32), ref, 12,
                         qualifier=EnsembleStdDev()),
    ])
    plain = [MessageRequest(12, "APCP", SURFACE, (6, 12)), MessageRequest(12, "TMP", HTGL_2M)]
    chance = MessageRequest(12, "APCP", SURFACE, (6, 12), qualifier=Probability(above=0.254))
    spread = MessageRequest(12, "TMP", HTGL_2M, qualifier=EnsembleStdDev())
    got = decode([path], [*plain, chance, spread], ref)
    assert [float(m.data[0, 0]) for m in got] == [4.5, 290.0, 80.0, 1.5]
    with pytest.raises(MessageNotFound, match=r"APCP 0-SFC 6-12 h acc \[prob >2\.54:prob fcst 255/255\]"):
        decode([path], [MessageRequest(12, "APCP", SURFACE, (6, 12), qualifier=Probability(above=2.54))], ref)
