"""The synthetic mirror is laid out like the NOAA buckets and holds every input of every variable."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import rasterio

from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import write_grib2, write_idx
from twf.synthetic.mirror import forecast_file_path, is_complete, write_forecast_file, write_mirror
from twf.synthetic.plan import file_requests


def _band_identity(tags: dict[str, str]) -> tuple[str, str, int]:
    return tags["GRIB_SHORT_NAME"], tags["GRIB_PDS_PDTN"], int(tags["GRIB_FORECAST_SECONDS"])


def test_every_file_sits_at_its_bucket_key_with_an_idx(synthetic_mirror: Path, synthetic_mirror_runs) -> None:
    for name, (run, hours) in synthetic_mirror_runs.items():
        model = get_model(name)
        for fh in hours:
            path = synthetic_mirror / model.file_key(parse_run_id(run), fh)
            assert is_complete(path, file_requests(name, fh)), path
            lines = Path(f"{path}.idx").read_text().splitlines()
            assert [line.split(":")[3] for line in lines] == [r.element for r in file_requests(name, fh)]


def test_files_hold_every_requested_message_on_the_native_grid(synthetic_mirror: Path, synthetic_mirror_runs):
    for name, (run, hours) in synthetic_mirror_runs.items():
        model = get_model(name)
        for fh in hours:
            requests = file_requests(name, fh)
            with rasterio.open(synthetic_mirror / model.file_key(parse_run_id(run), fh), USE_IDX="NO") as ds:
                assert (ds.height, ds.width) == model.native_grid.shape
                assert ds.count == len(requests)
                for band, request in enumerate(requests, start=1):
                    start = request.window[0] if request.window else fh
                    expected = (request.level.gdal, "8" if request.window else "0", start * 3600)
                    assert _band_identity(ds.tags(band)) == expected


def test_rewriting_a_complete_mirror_touches_nothing(synthetic_mirror: Path, synthetic_mirror_runs) -> None:
    run, hours = synthetic_mirror_runs["gfs"]
    model = get_model("gfs")
    paths = [synthetic_mirror / model.file_key(parse_run_id(run), fh) for fh in hours]
    before = [p.stat().st_mtime_ns for p in paths]
    assert write_mirror(synthetic_mirror, model, parse_run_id(run), hours) == paths
    assert [p.stat().st_mtime_ns for p in paths] == before


def test_a_truncated_file_is_written_again(tmp_path: Path) -> None:
    model, ref = get_model("gfs"), parse_run_id("20260129_12z")
    path, written = write_forecast_file(tmp_path, model, ref, 0)
    assert written and path == forecast_file_path(tmp_path, model, ref, 0)
    good = path.read_bytes()
    with path.open("r+b") as f:
        f.truncate(len(good) - 100)
    assert not is_complete(path, file_requests("gfs", 0))
    _, written = write_forecast_file(tmp_path, model, ref, 0)
    assert written and path.read_bytes() == good  # deterministic: the same bytes again
    assert sorted(os.listdir(path.parent)) == [path.name, f"{path.name}.idx"]  # no temporary left


def test_a_file_written_for_an_older_catalogue_is_written_again(tmp_path: Path) -> None:
    """A mirror kept from before a variable or overlay started reading a field (the demo's fixed run ids):
    its files lack that record, so they are written again rather than failing those frames forever."""
    model, ref = get_model("gfs"), parse_run_id("20260129_12z")
    path = forecast_file_path(tmp_path, model, ref, 0)
    write_idx(write_grib2(path, model, forecast_messages(model, ref, 0)[:-1]))  # one record short
    assert not is_complete(path, file_requests("gfs", 0))
    _, written = write_forecast_file(tmp_path, model, ref, 0)
    assert written and is_complete(path, file_requests("gfs", 0))


def test_hrrr_run_total_precipitation_never_decreases(synthetic_mirror: Path, synthetic_mirror_runs) -> None:
    run, hours = synthetic_mirror_runs["hrrr"]
    model = get_model("hrrr")
    previous = None
    for fh in [h for h in hours if h > 0]:
        path = synthetic_mirror / model.file_key(parse_run_id(run), fh)
        band = 1 + [(r.element, r.window) for r in file_requests("hrrr", fh)].index(("APCP", (0, fh)))
        with rasterio.open(path, USE_IDX="NO") as ds:
            assert ds.tags(band)["GRIB_PDS_PDTN"] == "8"
            total = ds.read(band)
        assert total.max() > 1.0  # it rains somewhere
        if previous is not None:
            assert (total >= previous - 0.011).all()  # packing precision 0.01 kg/m^2
            assert total.sum() > previous.sum()
        previous = total
    assert previous is not None
    assert np.isfinite(previous).all()


def test_decoys_sit_beside_the_needed_messages_with_other_values(synthetic_mirror, synthetic_mirror_runs):
    run, hours = synthetic_mirror_runs["gfs"]
    model, fh = get_model("gfs"), hours[-1]
    identities = [(r.element, r.level.gdal) for r in file_requests("gfs", fh)]
    path = synthetic_mirror / model.file_key(parse_run_id(run), fh)
    with rasterio.Env(GRIB_NORMALIZE_UNITS="NO"), rasterio.open(path, USE_IDX="NO") as ds:
        near_ground = ds.read(1 + identities.index(("TMP", "2-HTGL")))
        two_mb = ds.read(1 + identities.index(("TMP", "200-ISBL")))
    assert two_mb.max() < 240 < near_ground.mean()  # a careless `TMP:2 m` match would be obvious


def test_gfs_averaged_snow_flag_keeps_its_fractions_in_the_file(synthetic_mirror, synthetic_mirror_runs):
    run, hours = synthetic_mirror_runs["gfs"]
    model, fh = get_model("gfs"), hours[-1]
    band = 1 + [(r.element, r.statistic) for r in file_requests("gfs", fh)].index(("CSNOW", "ave"))
    with rasterio.open(synthetic_mirror / model.file_key(parse_run_id(run), fh), USE_IDX="NO") as ds:
        average = ds.read(band)
    assert ((average > 0.05) & (average < 0.95)).any()  # not rounded to whole flags
    assert average.min() >= 0 and average.max() <= 1.0001
