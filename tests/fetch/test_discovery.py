"""Run discovery and hour availability on a bucket at 127.0.0.1 and a mirror folder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from twf.errors import FetchError
from twf.fetch.discovery import available_hours, latest_run
from twf.fetch.sources import Source, parse_source
from twf.models import get_model
from twf.store import parse_run_id

HRRR = get_model("hrrr")
NOW = datetime(2026, 1, 29, 20, 10, tzinfo=UTC)
OLD = NOW.timestamp() - 3600


def publish_idx(bucket, run: str, hours, *, last_modified: float | None = None) -> None:
    """Inventories (their content is not read by discovery), by default published an hour before NOW."""
    for fh in hours:
        key = HRRR.file_key(parse_run_id(run), fh) + HRRR.idx_suffix
        bucket.put(key, b"1:0:d=x:TMP:2 m above ground:anl:\n", last_modified=last_modified or OLD)


def test_available_hours_are_those_with_a_present_and_stable_idx(make_server, transport):
    bucket, _, source = make_server()
    publish_idx(bucket, "20260129_17z", range(0, 5))
    publish_idx(bucket, "20260129_17z", [5], last_modified=NOW.timestamp() - 10)  # still being written
    assert available_hours(HRRR, "20260129_17z", [source], now=NOW, transport=transport) == {0, 1, 2, 3, 4}


def test_an_hour_is_available_if_any_source_has_it(make_server, transport):
    first, _, a = make_server()
    second, _, b = make_server()
    publish_idx(first, "20260129_17z", [0, 1])
    publish_idx(second, "20260129_17z", [2])
    assert available_hours(HRRR, "20260129_17z", [a, b], now=NOW, transport=transport) == {0, 1, 2}


def test_a_404_hour_becomes_available_when_its_idx_appears(make_server, transport):
    bucket, _, source = make_server()
    publish_idx(bucket, "20260129_17z", [0])
    bucket.objects[HRRR.file_key(parse_run_id("20260129_17z"), 0) + ".idx"].missing_for = 1
    assert available_hours(HRRR, "20260129_17z", [source], now=NOW, transport=transport) == set()
    assert available_hours(HRRR, "20260129_17z", [source], now=NOW, transport=transport) == {0}


def test_latest_run_is_the_newest_complete_one(make_server, transport):
    bucket, _, source = make_server()
    publish_idx(bucket, "20260129_17z", range(0, 19))  # complete (17z runs go to f18)
    publish_idx(bucket, "20260129_18z", range(0, 49))  # complete (18z runs go to f48)
    publish_idx(bucket, "20260129_19z", range(0, 10))  # still coming in
    assert latest_run(HRRR, [source], now=NOW, transport=transport) == "20260129_18z"
    first_hours = latest_run(HRRR, [source], now=NOW, needed_hours=range(0, 7), transport=transport)
    assert first_hours == "20260129_19z"


def test_latest_run_is_none_when_nothing_is_published(make_server, transport):
    _, _, source = make_server()
    assert latest_run(HRRR, [source], now=NOW, lookback_hours=3, transport=transport) is None


def test_a_mirror_is_listed_whatever_the_date(tmp_path):
    mirror = tmp_path / "mirror"
    for run, hours in (("20260129_16z", range(0, 19)), ("20260129_17z", range(0, 3))):
        for fh in hours:
            path = mirror / (HRRR.file_key(parse_run_id(run), fh) + HRRR.idx_suffix)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("1:0:d=2026012917:TMP:2 m above ground:anl:\n")
    source = parse_source(f"mirror:{mirror}")
    assert latest_run(HRRR, [source]) == "20260129_16z"
    assert latest_run(HRRR, [source], needed_hours=[0, 1]) == "20260129_17z"


def test_a_failing_source_is_skipped_after_its_retries(make_server, transport):
    broken, _, a = make_server()
    working, _, b = make_server()
    publish_idx(working, "20260129_17z", range(0, 19))
    for key in [HRRR.file_key(parse_run_id("20260129_17z"), fh) + ".idx" for fh in range(19)]:
        broken.fail(key, *["503"] * 3)
    assert latest_run(HRRR, [a, b], now=NOW, lookback_hours=3, transport=transport) == "20260129_17z"
    assert len([r for r in broken.log if r[1] == "HEAD"]) <= 3 * transport.policy.concurrency


def test_every_source_failing_is_an_error_not_an_empty_answer(make_server, transport):
    bucket, _, source = make_server()
    publish_idx(bucket, "20260129_17z", range(0, 19))
    for fh in range(19):
        bucket.fail(HRRR.file_key(parse_run_id("20260129_17z"), fh) + ".idx", *["503"] * 3)
    with pytest.raises(FetchError, match="every source failed: HEAD .*HTTP 503 after 3 attempts"):
        available_hours(HRRR, "20260129_17z", [source], now=NOW, transport=transport)


def test_a_403_from_a_bucket_is_an_hour_not_published_yet(make_server, transport):
    bucket, server, _ = make_server()
    bucket.missing_status = 403
    publish_idx(bucket, "20260129_17z", [0, 1])
    aws = Source("aws", server.url)
    assert available_hours(HRRR, "20260129_17z", [aws], now=NOW, transport=transport) == {0, 1}


def test_a_403_from_another_source_is_a_failure_naming_the_status(make_server, transport):
    bucket, _, source = make_server()
    bucket.missing_status = 403
    with pytest.raises(FetchError, match="every source failed: HEAD .*wrfsfcf.*HTTP 403 Forbidden"):
        available_hours(HRRR, "20260129_17z", [source], now=NOW, transport=transport)
