"""Synthetic GRIB2 reads back through GDAL, and indexes, exactly like NCEP's files."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import rasterio
from pyproj import CRS

from twf.builder.decode import band_key, decode
from twf.fetch.idx import parse_idx, select
from twf.models import REGISTRY, get_model
from twf.models.base import ENTIRE_ATMOSPHERE, HTGL_2M, HTGL_10M, SURFACE, Profile
from twf.models.requirements import messages_for
from twf.synthetic.codes import PARAMETERS
from twf.synthetic.grib import SyntheticMessage, write_grib2, write_idx
from twf.synthetic.inventory import inventory
from twf.synthetic.plan import file_requests, needed_requests

from .frames import FRAMES

HRRR_REF = datetime(2026, 1, 29, 17, tzinfo=UTC)
GFS_REF = datetime(2026, 1, 29, 12, tzinfo=UTC)


def test_frame_files_hold_every_kind_of_message_the_specs_read() -> None:
    for name in REGISTRY:
        requests = file_requests(name, FRAMES[name][2])
        kinds = {(r.element, r.level, r.window is None, r.statistic) for r in requests}
        for var in get_model(name).variables.values():
            for input_ in var.inputs.values():
                for selector in input_.selectors() if isinstance(input_, Profile) else (input_,):
                    assert (selector.element, selector.level) in {k[:2] for k in kinds}, (name, selector)
        assert any(not instantaneous for _, _, instantaneous, _ in kinds), name


@pytest.mark.parametrize("model_name", sorted(FRAMES))
def test_values_and_tags_round_trip_through_gdal_on_the_native_grid(frame_files, model_name: str) -> None:
    path, messages = frame_files[model_name].paths[-1], frame_files[model_name].messages
    grid = get_model(model_name).native_grid
    # USE_IDX=NO: with a `.idx` beside the file GDAL 3.10 takes band metadata from it instead, and then
    # reports an accumulation's GRIB_FORECAST_SECONDS as the window's end, not its start.
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO"), rasterio.open(path, USE_IDX="NO") as ds:
        assert ds.count == len(messages)
        assert (ds.height, ds.width) == grid.shape
        assert ds.transform.almost_equals(rasterio.Affine(*grid.transform), precision=1e-3)
        assert CRS.from_wkt(ds.crs.to_wkt()).equals(CRS.from_proj4(grid.crs), ignore_axis_order=True)
        for band, message in enumerate(messages, start=1):
            tags = ds.tags(band)
            start, end = message.window or (message.fh, message.fh)
            key = band_key(tags)  # degrib decorates names: APCP06, ProbAPCP06, ASNOW50
            assert (key.element, key.window) == (message.element, message.window)
            assert key.qualifier == (message.qualifier.text if message.qualifier else "")
            assert tags["GRIB_SHORT_NAME"] == message.level.gdal
            assert int(tags["GRIB_FORECAST_SECONDS"]) == start * 3600
            assert int(tags["GRIB_VALID_TIME"]) - int(tags["GRIB_REF_TIME"]) == end * 3600
            windowed = message.window is not None
            plain = 8 if windowed else 0
            template = message.qualifier.template(windowed)[0] if message.qualifier else plain
            assert tags["GRIB_PDS_PDTN"] == str(template)
            decimals = PARAMETERS[message.element].decimals
            averaged = message.window is not None and message.process == "ave"
            tolerance = 0.51 * 10.0 ** -(max(decimals, 2) if averaged else decimals)
            np.testing.assert_allclose(ds.read(band), message.values, atol=tolerance, rtol=1e-6)


@pytest.mark.parametrize(
    ("sample", "band", "message"),
    [
        ("hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2", 1, SyntheticMessage(
            "TMP", HTGL_2M, np.full((1059, 1799), 280.0), HRRR_REF, 1)),
        ("hrrr.t17z.wrfsfcf00.tmp2m-prate.grib2", 2, SyntheticMessage(
            "PRATE", SURFACE, np.zeros((1059, 1799)), HRRR_REF, 0)),
        ("hrrr.t17z.wrfsfcf01.refc-prate.grib2", 1, SyntheticMessage(
            "REFC", ENTIRE_ATMOSPHERE, np.full((1059, 1799), -10.0), HRRR_REF, 1)),
    ],
)
def test_hrrr_tags_equal_the_real_files_tags(hrrr_samples: Path, tmp_path: Path, sample, band, message):
    synthetic = write_grib2(tmp_path / "s.grib2", get_model("hrrr"), [message])
    _assert_same_tags(hrrr_samples / sample, band, synthetic)


def test_gfs_tags_equal_the_real_files_tags(gfs_samples: Path, tmp_path: Path) -> None:
    message = SyntheticMessage("TMP", HTGL_2M, np.full((721, 1440), 280.0), GFS_REF, 0)
    synthetic = write_grib2(tmp_path / "s.grib2", get_model("gfs"), [message])
    _assert_same_tags(gfs_samples / "gfs.t12z.pgrb2.0p25.f000.tmp2m-tmp2mb.grib2", 2, synthetic)


def _assert_same_tags(real: Path, band: int, synthetic: Path) -> None:
    with rasterio.open(real) as r, rasterio.open(synthetic) as s:
        assert s.tags(1) == r.tags(band)
        assert s.crs == r.crs
        assert s.transform.almost_equals(r.transform, precision=1e-3)


# HRRR files carry no `N mb` twins and no ASNOW bucket: there only the needed messages are upstream's.
@pytest.mark.parametrize(("model_name", "ref", "fh", "real_idx", "plan"), [
    ("hrrr", HRRR_REF, 0, "hrrr/20260129_17z/hrrr.t17z.wrfsfcf00.grib2.idx", needed_requests),
    ("hrrr", HRRR_REF, 6, "hrrr/20260129_17z/hrrr.t17z.wrfsfcf06.grib2.idx", needed_requests),
    ("gfs", GFS_REF, 0, "gfs/20260129_12z/gfs.t12z.pgrb2.0p25.f000.idx", file_requests),
    ("gfs", GFS_REF, 6, "gfs/20260129_12z/gfs.t12z.pgrb2.0p25.f006.idx", file_requests),
    ("gfs", GFS_REF, 24, "gfs/20260129_12z/gfs.t12z.pgrb2.0p25.f024.idx", file_requests),
])
def test_idx_lines_are_spelled_as_in_the_real_upstream_inventory(
    samples_dir: Path, tmp_path: Path, model_name: str, ref: datetime, fh: int, real_idx: str, plan,
) -> None:
    shape = get_model(model_name).native_grid.shape
    messages = [SyntheticMessage(r.element, r.level, np.zeros(shape), ref, r.fh, r.window, r.process)
                for r in plan(model_name, fh)]
    idx = write_idx(write_grib2(tmp_path / "f.grib2", get_model(model_name), messages))
    real = {line.split(":", 2)[2] for line in (samples_dir / real_idx).read_text().splitlines()}
    lines = idx.read_text().splitlines()
    assert len(lines) == len(messages)
    for number, line in enumerate(lines, start=1):
        assert line.startswith(f"{number}:")
        assert line.split(":", 2)[2] in real, line


def test_hrrr_decoys_are_spelled_as_wgrib2_would(tmp_path: Path) -> None:
    shape = get_model("hrrr").native_grid.shape
    decoys = [r for r in file_requests("hrrr", 6) if r not in needed_requests("hrrr", 6)]
    messages = [SyntheticMessage(r.element, r.level, np.zeros(shape), HRRR_REF, r.fh, r.window, r.process)
                for r in decoys]
    idx = write_idx(write_grib2(tmp_path / "f.grib2", get_model("hrrr"), messages))
    assert [line.split(":", 3)[3] for line in idx.read_text().splitlines()] == [
        "TMP:2 mb:6 hour fcst:", "UGRD:10 mb:6 hour fcst:", "VGRD:10 mb:6 hour fcst:",
        "APCP:surface:5-6 hour acc fcst:", "ASNOW:surface:5-6 hour acc fcst:",
        "FRZR:surface:5-6 hour acc fcst:",
    ]


@pytest.mark.parametrize("model_name", sorted(FRAMES))
def test_idx_byte_offsets_delimit_whole_messages(frame_files, tmp_path: Path, model_name: str) -> None:
    source, messages = frame_files[model_name].paths[-1], frame_files[model_name].messages
    path = tmp_path / source.name  # a copy: the shared files stay without .idx
    path.write_bytes(source.read_bytes())
    write_idx(path)
    data = path.read_bytes()
    lines = Path(f"{path}.idx").read_text().splitlines()
    offsets = sorted({int(line.split(":")[1]) for line in lines})  # sub-messages share their message's
    assert offsets[0] == 0 and len(lines) == len(messages)
    for start, end in zip(offsets, [*offsets[1:], len(data)], strict=True):
        chunk = data[start:end]  # an inclusive range start..next-1, as a downloader requests it
        assert chunk[:4] == b"GRIB" and chunk[-4:] == b"7777"
        assert int.from_bytes(chunk[8:16], "big") == len(chunk)


def test_truncated_file_is_refused_by_the_indexer(frame_files) -> None:
    path = frame_files["hrrr"].paths[-1]
    with pytest.raises(ValueError, match="truncated"):
        inventory(path.read_bytes()[:-10])


def test_values_off_the_native_grid_are_refused(tmp_path: Path) -> None:
    message = SyntheticMessage("TMP", HTGL_2M, np.zeros((10, 10)), HRRR_REF, 1)
    with pytest.raises(ValueError, match="shape"):
        write_grib2(tmp_path / "x.grib2", get_model("hrrr"), [message])
    assert not list(tmp_path.iterdir())


def test_nam_winds_are_sub_messages_of_one_message_as_in_the_real_files(tmp_path: Path) -> None:
    """NAM writes each level's UGRD and VGRD as the fields `N.1`/`N.2` of one message: the synthetic file
    does too, its inventory numbers them as the real one does, and both components decode from one range."""
    nam = get_model("nam")
    tiny = replace(nam, native_grid=replace(nam.native_grid, shape=(3, 4)))
    ref = datetime(2026, 8, 5, 12, tzinfo=UTC)
    requests = [r for r in file_requests("nam", 6) if r.element in ("TMP", "UGRD", "VGRD")]
    values = {"TMP": 280.0, "UGRD": 3.0, "VGRD": -7.0}
    messages = [SyntheticMessage(r.element, r.level, np.full((3, 4), values[r.element], np.float32), ref, 6)
                for r in requests]
    path = write_grib2(tmp_path / "nam.f006.grib2", tiny, messages)
    inventory_ = parse_idx(write_idx(path).read_text())
    wind = select(inventory_, messages_for(nam, nam.variables["wspd10m"], 6))
    assert [e.number.split(".")[1] for e in wind] == ["1", "2"] and wind[0].start == wind[1].start
    by_message: dict[int, list[tuple[str, str]]] = {}
    for entry in inventory_:
        by_message.setdefault(entry.start, []).append((entry.element, entry.level))
    assert sorted(by_message.values()) == sorted(
        [("UGRD", r.level.idx), ("VGRD", r.level.idx)] if r.element == "UGRD" else [("TMP", r.level.idx)]
        for r in requests if r.element != "VGRD")
    start, end = wind[0].start, wind[0].end
    message = tmp_path / "range.grib2"
    message.write_bytes(path.read_bytes()[start:None if end is None else end + 1])
    decoded = decode([message], [r for r in requests if r.level == HTGL_10M], ref)
    assert [(m.request.element, float(m.data.mean())) for m in decoded] == [("UGRD", 3.0), ("VGRD", -7.0)]
