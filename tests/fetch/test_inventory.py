"""Inventories read moments ago are reused (a real bucket at 127.0.0.1): fewer requests against the budget."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from twf.errors import FetchError
from twf.fetch.frame import fetch_frame, fetch_frame_files
from twf.fetch.inventory import InventoryCache
from twf.models import get_model
from twf.store import parse_run_id

from .conftest import HRRR_RUN, NAM_BUCKETS, NAM_RUN, hrrr_file, put_nam
from .gribfiles import build_file

HRRR, NAM = get_model("hrrr"), get_model("nam")
F01_IDX = HRRR.file_key(parse_run_id(HRRR_RUN), 1) + HRRR.idx_suffix


def idx_gets(bucket, model, run: str, hours) -> dict[int, int]:
    ref = parse_run_id(run)
    return {fh: len(bucket.requests_for(model.file_key(ref, fh) + model.idx_suffix)) for fh in hours}


def test_several_variables_of_one_hour_read_its_inventory_once(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    def fetch(var: str):
        files = fetch_frame_files(HRRR, HRRR_RUN, 1, [var], tmp_path, [source], transport=transport)
        return files[(1, "wrfsfc")]

    first = fetch("tmp2m")
    later = [fetch(var) for var in ("refc", "wspd10m")]
    assert len(bucket.requests_for(F01_IDX)) == 1
    idx_bytes = len(bucket.objects[F01_IDX].data)
    assert first.bytes_downloaded == first.bytes_written + idx_bytes
    assert [f.bytes_downloaded for f in later] == [f.bytes_written for f in later]


def test_a_run_total_reuses_the_earlier_hours_inventories(make_server, transport, tmp_path, real_messages):
    bucket, _, source = make_server()
    put_nam(bucket, real_messages)
    fetch_frame_files(NAM, NAM_RUN, 6, ["precip_total"], tmp_path, [source], transport=transport)
    fetch_frame_files(NAM, NAM_RUN, 7, ["precip_total", "tmp2m"], tmp_path, [source], transport=transport)
    assert idx_gets(bucket, NAM, NAM_RUN, NAM_BUCKETS) == {3: 1, 6: 1, 7: 1}


def test_an_inventory_is_read_again_after_its_time_to_live(hrrr_server, transport, tmp_path):
    bucket, _, source = hrrr_server
    brief = InventoryCache(ttl_seconds=0.2)

    def fetch() -> None:
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport, inventories=brief)

    fetch()
    fetch()
    time.sleep(0.25)
    fetch()
    assert len(bucket.requests_for(F01_IDX)) == 2


def test_a_kept_inventory_that_turns_out_stale_is_dropped(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    data, idx = hrrr_file(1, real_messages)  # republished with one more message in front
    extra, _ = build_file("2026012917", [("RETOP:cloud top:1 hour fcst", real_messages["prate_f01"])])
    bucket.put(F01_IDX.removesuffix(".idx"), extra + data)
    shifted = "".join(
        f"{n}:{int(offset) + len(extra)}:{rest}\n"
        for n, offset, rest in (line.split(":", 2) for line in idx.splitlines())
    )
    bucket.put(F01_IDX, shifted.encode())
    with pytest.raises(FetchError, match="stale .idx"):
        fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path, [source], transport=transport)
    assert path.read_bytes() == real_messages["tmp2m_f01"]
    assert len(bucket.requests_for(F01_IDX)) == 2


def test_concurrent_readers_of_an_inventory_share_a_download(hrrr_server, transport, tmp_path, real_messages):
    bucket, _, source = hrrr_server
    bucket.latency_seconds = 0.2

    def fetch(i: int) -> bytes:
        path = fetch_frame(HRRR, HRRR_RUN, 1, ["tmp2m"], tmp_path / str(i), [source], transport=transport)
        return path.read_bytes()

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(fetch, range(4))) == {real_messages["tmp2m_f01"]}
    assert len(bucket.requests_for(F01_IDX)) == 1
