"""The transport on a real bucket at 127.0.0.1: how long it waits before a retry, and what a status means."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from twf.fetch.budget import RateBudgets
from twf.fetch.transport import Transport, parse_retry_after

from .conftest import FAST

KEY = "hrrr.20260129/conus/hrrr.t17z.wrfsfcf01.grib2.idx"


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


def gap_between_attempts(make_server, fault: str, backoff_cap_s: float) -> float:
    """Seconds between a failed GET answered with `fault` and its retry (which succeeds)."""
    bucket, server, _ = make_server()
    bucket.put(KEY, b"inventory")
    bucket.fail(KEY, fault)
    policy = dataclasses.replace(FAST, backoff_cap_s=backoff_cap_s)
    with Transport(policy, RateBudgets({})) as transport:
        assert transport.get(server.url + KEY).body == b"inventory"
    first, second = (t for t, *_ in bucket.requests_for(KEY))
    return second - first


def test_retry_after_seconds_is_waited_out(make_server):
    assert 0.95 <= gap_between_attempts(make_server, "429 retry-after=1", backoff_cap_s=5.0) < 1.6


def test_retry_after_as_an_http_date_is_waited_out(make_server):
    # HTTP dates have whole seconds: "2 s from now" is between 1 and 2 s away when the answer is read
    gap = gap_between_attempts(make_server, f"503 retry-after={http_date(2)}", backoff_cap_s=5.0)
    assert 0.9 <= gap < 2.5


def test_retry_after_is_capped_by_the_maximum_backoff(make_server):
    assert 0.25 <= gap_between_attempts(make_server, "503 retry-after=3600", backoff_cap_s=0.3) < 0.9


def test_without_retry_after_the_backoff_is_exponential(make_server):
    assert gap_between_attempts(make_server, "503", backoff_cap_s=5.0) < 0.3  # FAST's base is 10 ms


def test_retry_after_forms():
    now = datetime(2026, 1, 29, 18, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Thu, 29 Jan 2026 18:00:30 GMT", now) == 30.0
    assert parse_retry_after("Thu, 29 Jan 2026 17:00:00 GMT", now) == 0.0  # in the past: retry now
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
