"""The manifest cache answers from memory while a document is unchanged and sees every committed change."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from twf import store
from twf.api.manifest_cache import ManifestCache
from twf.errors import InvalidRunId, NotPublished
from twf.manifest import empty_manifest, load_manifest, write_latest, write_manifest
from twf.storage import LocalStore, ObjectStore

NOW = datetime(2026, 1, 29, 18, tzinfo=UTC)


def commit(storage: ObjectStore, run: str, fhs: set[int]) -> None:
    loaded = load_manifest(storage, "hrrr", run)
    manifest = empty_manifest("hrrr", run, NOW) if loaded is None else loaded[0]
    write_manifest(storage, manifest.with_frames("tmp2m", "continuous", "°F", 19, fhs, NOW),
                   loaded[1] if loaded else None)


class CountingStore(LocalStore):
    """A local store that counts whole-document reads."""

    reads = 0

    def get_with_info(self, key: str):
        self.reads += 1
        return super().get_with_info(key)


class MeetingStore(LocalStore):
    """A local store whose document reads wait until two are inside at once, as concurrent requests'."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.meeting = threading.Barrier(2, timeout=10)

    def get_with_info(self, key: str):
        self.meeting.wait()
        return super().get_with_info(key)


def test_two_first_reads_of_one_manifest_at_once_share_one_entry_and_its_memos(data_root: Path) -> None:
    """A starting server reads the latest manifests while its first request reads one too: the entry
    installed last replaced the other, and the memos a tile route kept on it (its objects' heads) were
    lost."""
    storage = MeetingStore(data_root)
    commit(LocalStore(data_root), "20260129_17z", {0})
    cache = ManifestCache(storage)
    with ThreadPoolExecutor(2) as pool:
        first, second = pool.map(lambda _: cache.manifest("hrrr", "20260129_17z"), range(2))
    assert first is second is cache.manifest("hrrr", "20260129_17z")


def test_unchanged_manifest_is_served_from_memory_and_a_rewrite_is_seen(empty_store: ObjectStore) -> None:
    storage = empty_store
    cache = ManifestCache(storage)
    commit(storage, "20260129_17z", {0})
    first = cache.manifest("hrrr", "20260129_17z")
    assert cache.manifest("hrrr", "20260129_17z") is first
    commit(storage, "20260129_17z", {0, 1})
    assert cache.manifest("hrrr", "20260129_17z").value.variables["tmp2m"].fhs == (0, 1)


def test_run_list_and_latest_follow_commits(empty_store: ObjectStore) -> None:
    storage = empty_store
    cache = ManifestCache(storage)
    assert cache.runs("hrrr").value == [] and cache.latest("hrrr") is None
    commit(storage, "20260129_16z", {0})
    write_latest(storage, "hrrr", "20260129_16z")
    assert cache.runs("hrrr").value == ["20260129_16z"]
    commit(storage, "20260129_17z", {0})
    write_latest(storage, "hrrr", "20260129_17z")
    assert cache.runs("hrrr").value == ["20260129_17z", "20260129_16z"]
    assert cache.resolve("hrrr", "latest").run == "20260129_17z"


def test_an_unchanged_run_index_is_not_read_again(data_root: Path) -> None:
    storage = CountingStore(data_root)
    commit(storage, "20260129_16z", {0})
    cache = ManifestCache(storage)
    listed = cache.runs("hrrr")
    reads = storage.reads
    assert cache.runs("hrrr") is listed and storage.reads == reads


def test_a_remote_store_is_asked_again_only_after_its_revalidation_interval(data_root: Path) -> None:
    storage = CountingStore(data_root)
    storage.revalidate_seconds = 3600.0  # as an object store would set it (seconds, not per request)
    commit(storage, "20260129_16z", {0})
    cache = ManifestCache(storage)
    first = cache.manifest("hrrr", "20260129_16z")
    commit(storage, "20260129_16z", {0, 1})
    assert cache.manifest("hrrr", "20260129_16z") is first  # trusted until the interval has passed
    storage.revalidate_seconds = 0.0
    assert cache.manifest("hrrr", "20260129_16z").value.variables["tmp2m"].fhs == (0, 1)


def test_latest_naming_a_run_without_manifest_resolves_to_nothing(data_root: Path) -> None:
    storage = LocalStore(data_root)
    commit(storage, "20260129_17z", {0})
    write_latest(storage, "hrrr", "20260129_17z")
    storage.delete(store.manifest("hrrr", "20260129_17z"))
    with pytest.raises(NotPublished):
        ManifestCache(storage).resolve("hrrr", "latest")


def test_malformed_run_ids_never_reach_the_store(data_root: Path) -> None:
    with pytest.raises(InvalidRunId):
        ManifestCache(LocalStore(data_root)).resolve("hrrr", "../../etc")
