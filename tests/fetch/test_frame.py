"""fetch_frame against a real HTTP bucket on 127.0.0.1: exact subsets, integrity guards, retries, fallback."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import rasterio

from twf.errors import FetchError, ForecastHourOutOfRange, MessageNotFound, NotYetAvailable, RecordAbsent
from twf.fetch.budget import RateBudgets
from twf.fetch.cache import DownloadCache
from twf.fetch.frame import fetch_frame, fetch_frame_files
from twf.fetch.sources import Source, parse_source
from twf.fetch.transport import Transport
from twf.fetch.validate import grib_message_lengths
from twf.models import get_model
from twf.models.base import ISBL_850, Selector
from twf.store import parse_run_id

from .conftest import FAST, HRRR_RUN, NAM_RUN, hrrr_file, put_file, put_hrrr, put_nam
from .gribfiles import build_file

HRRR = get_model("hrrr")
NAM = get_model("nam")
F01_KEY = HRRR.file_key(parse_run_id(HRRR_RUN), 1)


def bands_by_element(path: Path) -> dict[str, np.ndarray]:
    with rasterio.open(path) as ds:
        return {ds.tags(b)["GRIB_ELEMENT"]: ds.read(b) for b in ds.indexes}


def test_subset_decodes_to_the_same_fields_as_the_source(hrrr_server, transport, tmp_path, hrrr_grib_dir):
    _, _, source = hrrr_server
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m", "refc"], tmp_path, [source], transport=transport)
    got = bands_by_element(path)
    tmp = bands_by_element(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2")["TMP"]
    refc = bands_by_element(hrrr_grib_dir / "hrrr.t17z.wrfsfcf01.refc-prate.grib2")["REFC"]
    assert sorted(got) == ["REFC", "TMP"]
    np.testing.assert_array_equal(got["TMP"], tmp)
    np.testing.assert_array_equal(got["REFC"], refc)


def test_only_the_needed_bytes_are_downloaded(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    files = fetch_frame_files(
        HRRR, HRRR_RUN, 1, ["tmp2m", "wspd10m"], tmp_path, [source], transport=transport
    )
    fetched = files[(1, "wrfsfc")]
    idx_bytes = len(bucket.objects[F01_KEY + ".idx"].data)
    assert fetched.messages == (
        "TMP:2 m above ground:1 hour fcst",
        "UGRD:10 m above ground:1 hour fcst",
        "VGRD:10 m above ground:1 hour fcst",
    )
    assert fetched.bytes_written == len(real_messages["tmp2m_f01"]) * 2 + len(real_messages["prate_f01"])
    assert fetched.bytes_downloaded == fetched.bytes_written + idx_bytes
    # TMP (message 2) alone, UGRD + VGRD (messages 4 and 5) merged into one request because they are adjacent
    idx = hrrr_file(1, real_messages)[1]
    assert sorted(r[3] for r in bucket.requests_for(F01_KEY)) == sorted(
        [_range_of_messages(idx, 2, 2), _range_of_messages(idx, 4, 5)]
    )


def _range_of_messages(idx: str, first: int, last: int) -> str:
    offsets = [int(line.split(":")[1]) for line in idx.splitlines()]
    return f"bytes={offsets[first - 1]}-{offsets[last] - 1}"


def test_last_message_of_a_file_is_fetched_to_the_end(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    files = fetch_frame_files(HRRR, HRRR_RUN, 1, ["radar_ptype"], tmp_path, [source], transport=transport)
    assert files[(1, "wrfsfc")].messages[-1] == "CSNOW:surface:1 hour fcst"
    last = grib_message_lengths(files[(1, "wrfsfc")].path.read_bytes())[-1]
    assert last == len(real_messages["prate_f01"])
    assert any(r[3].endswith("-") for r in bucket.requests_for(F01_KEY))


def test_tmp2m_never_takes_the_2_mb_message(make_server, transport, tmp_path, real_messages):
    bucket, _, source = make_server()
    gfs = get_model("gfs")
    data, idx = build_file(
        "2026012912",
        [
            ("TMP:2 mb:anl", real_messages["gfs_tmp2mb_f000"]),
            ("TMP:2 m above ground:anl", real_messages["gfs_tmp2m_f000"]),
        ],
    )
    put_file(bucket, gfs.file_key(parse_run_id("20260129_12z"), 0), data, idx)
    path = fetch_frame(gfs, "20260129_12z", 0, ["tmp2m"], tmp_path, [source], transport=transport)
    with rasterio.open(path) as ds:
        assert ds.count == 1
        assert ds.tags(1)["GRIB_SHORT_NAME"] == "2-HTGL"


def test_200_with_the_whole_file_is_rejected_naming_url_and_status(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, "full200")
    with pytest.raises(FetchError, match=r"wrfsfcf01\.grib2 \[bytes=\d+-\d+\]: HTTP 200 instead of 206"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert not list(tmp_path.iterdir())


def test_200_instead_of_206_falls_back_to_the_next_source(make_server, real_messages, transport, tmp_path):
    primary, _, first = make_server()
    backup, _, second = make_server()
    put_hrrr(primary, real_messages)
    put_hrrr(backup, real_messages)
    primary.fail(F01_KEY, "full200")
    files = fetch_frame_files(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [first, second], transport=transport)
    assert files[(1, "wrfsfc")].source == second.name
    assert files[(1, "wrfsfc")].path.read_bytes() == real_messages["tmp2m_f01"]


def test_truncated_body_is_rejected(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, "short")
    with pytest.raises(FetchError, match=r"body has \d+ bytes, expected \d+"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)


def test_stale_idx_is_rejected_and_the_fresh_source_used(make_server, real_messages, transport, tmp_path):
    stale, _, first = make_server()
    fresh, _, second = make_server()
    put_hrrr(fresh, real_messages)
    data, idx = hrrr_file(1, real_messages)
    extra, _ = build_file("2026012917", [("RETOP:cloud top:1 hour fcst", real_messages["prate_f01"][:5000])])
    stale.put(F01_KEY, extra[:3000] + data)  # the file was rewritten; its old .idx offsets now miss
    stale.put(F01_KEY + ".idx", idx.encode())
    with pytest.raises(FetchError, match="stale .idx"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [first], transport=transport)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [first, second], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]


@pytest.mark.parametrize("status", ["503", "500", "429", "302"])
def test_transient_statuses_are_retried(status, hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, status, status)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]
    assert len(bucket.requests_for(F01_KEY)) == 3


def test_persistent_503_fails_after_the_configured_attempts(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, *["503"] * 5)
    with pytest.raises(FetchError, match="HTTP 503 after 3 attempts"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)


def test_404_means_not_yet_available_until_the_file_appears(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    data, idx = hrrr_file(1, real_messages)
    put_file(bucket, F01_KEY, data, idx, missing_for=1)
    with pytest.raises(NotYetAvailable, match="404"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]


@pytest.mark.parametrize("name", ["aws", "google"])
def test_a_403_from_an_object_store_means_not_yet_available(name, make_server, transport, tmp_path):
    bucket, server, _ = make_server()
    bucket.missing_status = 403  # S3/GCS without list permission: a missing key is "Access Denied"
    source = Source(name, server.url)
    with pytest.raises(NotYetAvailable, match=r"wrfsfcf01\.grib2\.idx: HTTP 403 \(not published yet\)"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)


@pytest.mark.parametrize("name", ["nomads", "http"])
def test_a_403_from_elsewhere_is_an_error_naming_url_and_status(name, make_server, transport, tmp_path):
    bucket, server, url_source = make_server()
    bucket.missing_status = 403
    source = url_source if name == "http" else Source(name, server.url)
    idx_url = re.escape(server.url + F01_KEY + ".idx")
    with pytest.raises(FetchError, match=rf"^GET {idx_url}: HTTP 403 Forbidden$") as raised:
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert not isinstance(raised.value, NotYetAvailable)
    assert len(bucket.log) == 1  # a refusal is not retried


def test_a_hanging_server_hits_the_timeout_then_the_retry_succeeds(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, "hang")
    started = time.monotonic()
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert time.monotonic() - started < bucket.hang_seconds
    assert path.exists()


def test_a_server_that_keeps_hanging_fails_with_a_timeout(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, "hang", "hang", "hang")
    with pytest.raises(FetchError, match="timed out"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)


def test_an_idx_modified_moments_ago_is_not_read(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    data, idx = hrrr_file(1, real_messages)
    put_file(bucket, F01_KEY, data, idx, last_modified=time.time() - 5)
    with pytest.raises(NotYetAvailable, match="Last-Modified"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert not bucket.requests_for(F01_KEY)


def test_a_missing_message_is_named(hrrr_server, transport, tmp_path):
    _, _, source = hrrr_server
    with pytest.raises(MessageNotFound, match="GUST 0-SFC in f001"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["wgst10m"], tmp_path, [source], transport=transport)


def test_a_run_total_cannot_be_fetched_at_f000(hrrr_server, transport, tmp_path):
    _, _, source = hrrr_server
    with pytest.raises(ForecastHourOutOfRange):
        fetch_frame(HRRR, HRRR_RUN, 0, ["precip_total"], tmp_path, [source], transport=transport)


def test_summed_run_total_fetches_each_bucket_file(make_server, transport, tmp_path, real_messages):
    bucket, _, source = make_server()
    put_nam(bucket, real_messages)
    files = fetch_frame_files(
        NAM, NAM_RUN, 7, ["precip_total", "tmp2m"], tmp_path, [source], transport=transport
    )
    assert sorted(files) == [(3, "conusnest"), (6, "conusnest"), (7, "conusnest")]
    assert files[(3, "conusnest")].messages == ("APCP:surface:0-3 hour acc fcst",)
    assert files[(7, "conusnest")].messages == (
        "TMP:2 m above ground:7 hour fcst", "APCP:surface:6-7 hour acc fcst")
    assert files[(7, "conusnest")].path.name == "nam.t12z.conusnest.hiresf07.tm00.precip_total-tmp2m.grib2"


def test_a_run_totals_files_are_fetched_concurrently(make_server, transport, tmp_path, real_messages):
    bucket, _, source = make_server()
    put_nam(bucket, real_messages)
    bucket.latency_seconds = 0.25  # one after another, each inventory would be asked >= 0.5 s after the last
    fetch_frame_files(NAM, NAM_RUN, 7, ["precip_total"], tmp_path, [source], transport=transport)
    idx_asked = [t for t, method, key, _ in bucket.log if method == "GET" and key.endswith(".idx")]
    assert len(idx_asked) == 3
    assert max(idx_asked) - min(idx_asked) < bucket.latency_seconds


def test_a_mirror_folder_serves_the_same_bytes(tmp_path, real_messages):
    mirror = tmp_path / "mirror"
    data, idx = hrrr_file(1, real_messages)
    (mirror / F01_KEY).parent.mkdir(parents=True)
    (mirror / F01_KEY).write_bytes(data)
    (mirror / (F01_KEY + ".idx")).write_text(idx)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path / "out", [parse_source(f"mirror:{mirror}")])
    assert path.read_bytes() == real_messages["tmp2m_f01"]


def test_concurrent_fetches_share_the_cache_without_corruption(
    hrrr_server, transport, tmp_path, real_messages
):
    bucket, _, source = hrrr_server
    cache = DownloadCache(tmp_path / "cache")
    results: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def fetch(i: int) -> None:
        try:
            path = fetch_frame(
                HRRR,
                HRRR_RUN,
                1,
                ["tmp2m", "refc"],
                tmp_path / f"out{i}",
                [source],
                cache=cache,
                transport=transport,
            )
            results[i] = path.read_bytes()
        except BaseException as exc:  # noqa: BLE001 - collected and re-raised by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    expected = real_messages["refc_f01"] + real_messages["tmp2m_f01"]
    assert all(body == expected for body in results.values()) and len(results) == 6
    entries = list((tmp_path / "cache").glob("??/*.bin"))
    assert entries and all(grib_message_lengths(p.read_bytes()) for p in entries)
    assert not list((tmp_path / "cache").glob("??/.*.part"))
    before = len(bucket.requests_for(F01_KEY))
    fetch_frame(
        HRRR, HRRR_RUN, 1, ["tmp2m", "refc"], tmp_path / "again", [source], cache=cache, transport=transport
    )
    assert len(bucket.requests_for(F01_KEY)) == before


def test_a_record_a_stable_inventory_lacks_is_given_up_for_good(hrrr_server, transport, tmp_path):
    """The inventory is an hour old: a record it does not list will not appear, so the failure says so."""
    _, _, source = hrrr_server
    with pytest.raises(RecordAbsent, match=r"GUST 0-SFC in f001.*complete and stable") as failure:
        fetch_frame(HRRR, HRRR_RUN, 1, ["wgst10m"], tmp_path, [source], transport=transport)
    assert failure.value.permanent


def test_a_record_lacking_on_one_source_is_taken_from_the_next(make_server, transport, tmp_path,
                                                                real_messages):
    partial, _, first = make_server()
    data, idx = hrrr_file(1, real_messages)
    kept = [line for line in idx.splitlines() if ":REFC:" not in line]
    put_file(partial, F01_KEY, data, "\n".join(kept) + "\n")
    whole, _, second = make_server()
    put_file(whole, F01_KEY, data, idx)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["refc"], tmp_path, [first, second], transport=transport)
    assert path.read_bytes() == real_messages["refc_f01"]


def test_a_record_every_mirror_lacks_is_absent_naming_each(tmp_path, real_messages):
    data, idx = hrrr_file(1, real_messages)
    sources = []
    for name in ("a", "b"):
        mirror = tmp_path / name
        (mirror / F01_KEY).parent.mkdir(parents=True)
        (mirror / F01_KEY).write_bytes(data)
        (mirror / (F01_KEY + ".idx")).write_text(idx)
        sources.append(parse_source(f"mirror:{mirror}"))
    with pytest.raises(RecordAbsent, match=r"/a/.*GUST 0-SFC in f001.*; .*/b/.*GUST 0-SFC in f001"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["wgst10m"], tmp_path / "out", sources)


def test_an_unreadable_line_in_a_stable_inventory_fails_naming_line_and_file(tmp_path, real_messages):
    mirror = tmp_path / "mirror"
    data, idx = hrrr_file(1, real_messages)
    (mirror / F01_KEY).parent.mkdir(parents=True)
    (mirror / F01_KEY).write_bytes(data)
    (mirror / (F01_KEY + ".idx")).write_text(idx + "garbage without fields\n")
    with pytest.raises(RecordAbsent, match=r"wrfsfcf01\.grib2\.idx: line \d+ is not a wgrib2 inventory line"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path / "out", [parse_source(f"mirror:{mirror}")])


def test_a_reset_mid_body_is_retried_and_the_subset_is_exact(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, "reset")
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]
    assert len(bucket.requests_for(F01_KEY)) == 2


def test_resets_on_every_attempt_fail_naming_the_url(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    bucket.fail(F01_KEY, *["reset"] * transport.policy.attempts)
    with pytest.raises(FetchError, match=r"wrfsfcf01\.grib2 .*connection failed"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert not list(tmp_path.iterdir())


def test_a_body_trickling_past_the_deadline_is_abandoned_and_retried(hrrr_server, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    bucket.slow_seconds = 2.0
    bucket.fail(F01_KEY, "slow")
    policy = dataclasses.replace(FAST, deadline_s=0.5)
    started = time.monotonic()
    with Transport(policy, RateBudgets({})) as transport:
        path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]
    assert time.monotonic() - started < bucket.slow_seconds


def test_a_field_of_a_second_file_product_is_fetched_from_that_products_file(
        make_server, transport, tmp_path, real_messages):
    # HRRR with a variable reading the pressure-level product (`wrfprs`) beside a surface-file variable
    prs_var = replace(HRRR.variables["tmp850"], name="tmp850_prs",
                      inputs={"value": Selector("TMP", ISBL_850, product="wrfprs")})
    model = replace(HRRR, variables={**HRRR.variables, prs_var.name: prs_var})
    bucket, _, source = make_server()
    ref = parse_run_id(HRRR_RUN)
    put_file(bucket, model.file_key(ref, 1), *hrrr_file(1, real_messages))
    put_file(bucket, model.file_key(ref, 1, "wrfprs"),
             *build_file("2026012917", [("TMP:850 mb:1 hour fcst", real_messages["tmp2m_f01"])]))
    files = fetch_frame_files(model, HRRR_RUN, 1, ["tmp2m", "tmp850_prs"], tmp_path, [source],
                              transport=transport)
    assert sorted(files) == [(1, "wrfprs"), (1, "wrfsfc")]
    assert files[(1, "wrfprs")].messages == ("TMP:850 mb:1 hour fcst",)
    assert files[(1, "wrfsfc")].messages == ("TMP:2 m above ground:1 hour fcst",)
    assert files[(1, "wrfprs")].path.name == "hrrr.t17z.wrfprsf01.tmp2m-tmp850_prs.grib2"
    assert bucket.requests_for(model.file_key(ref, 1, "wrfprs") + ".idx")
