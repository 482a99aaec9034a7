"""The manifest cache answers from memory while a file is unchanged and sees every committed change."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from twf.api.manifest_cache import FOLDER_SETTLE_NS, ManifestCache
from twf.errors import InvalidRunId, NotPublished
from twf.manifest import empty_manifest, write_latest, write_manifest
from twf.store import Store

NOW = datetime(2026, 1, 29, 18, tzinfo=UTC)


def commit(store: Store, run: str, fhs: set[int]) -> None:
    manifest = empty_manifest("hrrr", run, NOW).with_frames("tmp2m", "continuous", "°F", 19, fhs, NOW)
    write_manifest(store, manifest)


def test_unchanged_manifest_is_served_from_memory_and_a_rewrite_is_seen(data_root: Path) -> None:
    store = Store(data_root)
    cache = ManifestCache(store)
    commit(store, "20260129_17z", {0})
    first = cache.manifest("hrrr", "20260129_17z")
    assert cache.manifest("hrrr", "20260129_17z") is first
    commit(store, "20260129_17z", {0, 1})
    assert cache.manifest("hrrr", "20260129_17z").value.variables["tmp2m"].fhs == (0, 1)


def test_run_list_and_latest_follow_commits(data_root: Path) -> None:
    store = Store(data_root)
    cache = ManifestCache(store)
    assert cache.runs("hrrr").value == [] and cache.latest("hrrr") is None
    commit(store, "20260129_16z", {0})
    write_latest(store, "hrrr", "20260129_16z")
    assert cache.runs("hrrr").value == ["20260129_16z"]
    commit(store, "20260129_17z", {0})
    write_latest(store, "hrrr", "20260129_17z")
    assert cache.runs("hrrr").value == ["20260129_17z", "20260129_16z"]
    assert cache.resolve("hrrr", "latest").run == "20260129_17z"


def test_a_settled_run_list_is_not_listed_again(data_root: Path) -> None:
    store = Store(data_root)
    commit(store, "20260129_16z", {0})
    old = time.time_ns() - 10 * FOLDER_SETTLE_NS
    os.utime(store.manifest_dir("hrrr"), ns=(old, old))
    cache = ManifestCache(store)
    listed = cache.runs("hrrr")
    assert cache.runs("hrrr") is listed


def test_latest_naming_a_run_without_manifest_resolves_to_nothing(data_root: Path) -> None:
    store = Store(data_root)
    commit(store, "20260129_17z", {0})
    write_latest(store, "hrrr", "20260129_17z")
    store.manifest_path("hrrr", "20260129_17z").unlink()
    with pytest.raises(NotPublished):
        ManifestCache(store).resolve("hrrr", "latest")


def test_malformed_run_ids_never_reach_the_filesystem(data_root: Path) -> None:
    with pytest.raises(InvalidRunId):
        ManifestCache(Store(data_root)).resolve("hrrr", "../../etc")
