"""Source names and URLs: what `--source` accepts and where each source puts a model's files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from twf.fetch.sources import InvalidSource, chosen_sources, default_sources, parse_source
from twf.models import REGISTRY, get_model
from twf.store import parse_run_id

RUN = parse_run_id("20260129_12z")


def test_bucket_urls_follow_the_noaa_key_layout():
    hrrr, gfs = get_model("hrrr"), get_model("gfs")
    assert parse_source("aws").idx_url(hrrr, parse_run_id("20260129_17z"), 1) == (
        "https://noaa-hrrr-bdp-pds.s3.amazonaws.com/hrrr.20260129/conus/hrrr.t17z.wrfsfcf01.grib2.idx"
    )
    assert parse_source("nomads").file_url(gfs, RUN, 6) == (
        "https://nomads.ncep.noaa.gov/pub/data/nccf/com/gfs/prod/gfs.20260129/12/atmos/gfs.t12z.pgrb2.0p25.f006"
    )


def test_mirror_and_file_and_http_sources_use_the_same_keys(tmp_path):
    hrrr = get_model("hrrr")
    key = hrrr.file_key(RUN, 3)
    mirror = parse_source(f"mirror:{tmp_path}")
    assert mirror.is_local and mirror.stable_seconds == 0
    assert mirror.file_url(hrrr, RUN, 3) == f"{tmp_path.as_uri()}/{key}"
    assert parse_source(f"file://{tmp_path}").file_url(hrrr, RUN, 3) == f"{tmp_path.as_uri()}/{key}"
    assert parse_source("http://127.0.0.1:8123/base").file_url(hrrr, RUN, 3) == f"http://127.0.0.1:8123/base/{key}"


@pytest.mark.parametrize("text", ["s3", "", "mirror", "file://relative", "ftp://host/", "http://"])
def test_unknown_sources_are_rejected_with_the_accepted_forms(text):
    with pytest.raises(InvalidSource, match="use aws, nomads, google, mirror:PATH"):
        parse_source(text)


def test_fresh_runs_try_nomads_first_and_history_the_buckets():
    nam = get_model("nam")
    fresh = default_sources(nam, RUN, datetime(2026, 1, 29, 15, tzinfo=UTC))
    old = default_sources(nam, RUN, datetime(2026, 2, 3, tzinfo=UTC))
    assert [s.name for s in fresh] == ["nomads", "aws"]  # NAM is not on Google Cloud
    assert [s.name for s in old] == ["aws", "nomads"]


def test_without_named_sources_each_run_gets_the_order_its_age_suits():
    """The scheduler's workers pass no names when none were given: history must not start at NOMADS."""
    hrrr = get_model("hrrr")
    now = datetime(2026, 2, 3, tzinfo=UTC)
    assert [s.name for s in chosen_sources(hrrr, (), RUN, now)][0] == "aws"
    assert [s.name for s in chosen_sources(hrrr, (), now - timedelta(hours=2), now)][0] == "nomads"
    assert [s.name for s in chosen_sources(hrrr, ("google", "aws"), RUN, now)] == ["google", "aws"]


def test_every_model_has_a_bucket_and_nomads():
    for model in REGISTRY.values():
        assert {"aws", "nomads"} <= set(model.sources)
