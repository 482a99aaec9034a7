"""Manifests, the run index and LATEST.json round-trip through the contract's schema; damage is named, never a
traceback; every commit is a compare-and-swap with the next generation, so a second writer never commits over
the first."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from twf import store
from twf.errors import InvalidManifest, NotPublished, WriteConflict
from twf.manifest import (
    empty_manifest,
    list_runs,
    load_manifest,
    read_latest,
    read_manifest,
    unlist_runs,
    write_latest,
    write_manifest,
)
from twf.storage import LocalStore, ObjectStore

NOW = datetime(2026, 1, 29, 18, 30, tzinfo=UTC)
RUN = "20260129_17z"


@pytest.fixture
def storage(empty_store: ObjectStore) -> ObjectStore:
    return empty_store


def test_manifest_written_is_read_back_with_the_contract_fields(storage: ObjectStore) -> None:
    manifest = empty_manifest("hrrr", RUN, NOW)
    manifest = manifest.with_frames("tmp2m", "continuous", "°F", 19, {1, 0}, NOW)
    committed = write_manifest(storage, manifest, None)

    raw = json.loads(storage.get(store.manifest("hrrr", RUN)))
    assert raw == {
        "contract_version": "3.1", "model": "hrrr", "run": RUN, "ref_time": "2026-01-29T17:00:00Z",
        "variables": {"tmp2m": {
            "kind": "continuous", "units": "°F", "expected_frames": 19, "available_frames": 2,
            "frames": [{"fh": 0, "valid_time": "2026-01-29T17:00:00Z"},
                       {"fh": 1, "valid_time": "2026-01-29T18:00:00Z"}]}},
        "last_updated": "2026-01-29T18:30:00Z",
        "generation": 1,
    }
    assert read_manifest(storage, "hrrr", RUN) == committed == replace(manifest, generation=1)
    assert not manifest.complete


def test_each_commit_raises_the_generation_and_lists_the_run_once(storage: ObjectStore) -> None:
    write_manifest(storage, empty_manifest("hrrr", RUN, NOW), None)
    manifest, info = load_manifest(storage, "hrrr", RUN)
    again = write_manifest(storage, manifest.with_frames("tmp2m", "continuous", "°F", 19, {0}, NOW), info)
    assert again.generation == 2 == read_manifest(storage, "hrrr", RUN).generation
    assert list_runs(storage, "hrrr") == [RUN]


def test_a_second_writer_working_from_an_older_read_gets_a_write_conflict(storage: ObjectStore) -> None:
    write_manifest(storage, empty_manifest("hrrr", RUN, NOW), None)
    first, info = load_manifest(storage, "hrrr", RUN)
    write_manifest(storage, first.with_frames("tmp2m", "continuous", "°F", 19, {0}, NOW), info)
    with pytest.raises(WriteConflict):  # read before the first writer's commit, writes after it
        write_manifest(storage, first.with_frames("refc", "continuous", "dBZ", 19, {0}, NOW), info)
    with pytest.raises(WriteConflict):  # a new run both writers start at once
        write_manifest(storage, empty_manifest("hrrr", RUN, NOW), None)
    assert set(read_manifest(storage, "hrrr", RUN).variables) == {"tmp2m"}


def test_missing_manifest_is_not_published_and_a_damaged_one_is_invalid(storage: ObjectStore) -> None:
    with pytest.raises(NotPublished):
        read_manifest(storage, "hrrr", RUN)
    key = store.manifest("hrrr", RUN)
    storage.put(key, b'{"model": "hrrr"')
    with pytest.raises(InvalidManifest):
        read_manifest(storage, "hrrr", RUN)
    storage.put(key, b'{"model": "hrrr", "run": "20260129_17z"}')
    with pytest.raises(InvalidManifest, match="schema"):
        read_manifest(storage, "hrrr", RUN)


def test_run_index_is_newest_first(storage: ObjectStore) -> None:
    for run in ("20260129_06z", "20260129_17z", "20260128_23z"):
        write_manifest(storage, empty_manifest("hrrr", run, NOW), None)
    assert list_runs(storage, "hrrr") == ["20260129_17z", "20260129_06z", "20260128_23z"]


def test_a_store_written_before_the_run_index_gets_one_from_its_manifests(storage: ObjectStore) -> None:
    for run in ("20260129_06z", "20260129_16z"):
        legacy = json.dumps(empty_manifest("hrrr", run, NOW).to_dict()).encode()
        storage.put(store.manifest("hrrr", run), legacy)
    if isinstance(storage, LocalStore):  # a temp file of a dead writer is no manifest
        (storage.path(store.manifests("hrrr")) / ".20260129_18z.json.tmp-123").write_text("{")
    assert list_runs(storage, "hrrr") == []
    write_manifest(storage, empty_manifest("hrrr", RUN, NOW), None)
    assert list_runs(storage, "hrrr") == [RUN, "20260129_16z", "20260129_06z"]


class _AnotherWriterFirst:
    """The store as one writer sees it while another commits `run` to the run index between this writer's
    read of the index and its write (two schedulers of a model, each committing a manifest at once)."""

    def __init__(self, storage: ObjectStore, run: str) -> None:
        self._storage, self._run = storage, run

    def __getattr__(self, name: str):
        return getattr(self._storage, name)

    def create(self, key: str, data: bytes):
        self._other_writer(key)
        return self._storage.create(key, data)

    def replace(self, key: str, data: bytes, expected):
        self._other_writer(key)
        return self._storage.replace(key, data, expected)

    def _other_writer(self, key: str) -> None:
        if key == store.run_index("hrrr") and self._run:
            run, self._run = self._run, ""
            write_manifest(self._storage, empty_manifest("hrrr", run, NOW), None)


def test_a_manifest_committed_while_another_writer_lists_its_run_is_committed_and_both_runs_listed(
    storage: ObjectStore,
) -> None:
    racing = _AnotherWriterFirst(storage, "20260129_16z")
    committed = write_manifest(racing, empty_manifest("hrrr", RUN, NOW), None)  # type: ignore[arg-type]
    assert read_manifest(storage, "hrrr", RUN) == committed
    assert list_runs(storage, "hrrr") == [RUN, "20260129_16z"]
    racing = _AnotherWriterFirst(storage, "20260129_18z")
    unlist_runs(racing, "hrrr", {"20260129_16z"})  # type: ignore[arg-type]  # retention, while a run is listed
    assert list_runs(storage, "hrrr") == ["20260129_18z", RUN]


def test_latest_never_moves_back_to_an_older_run(storage: ObjectStore) -> None:
    assert read_latest(storage, "hrrr") is None
    for run in ("20260129_16z", RUN):
        write_manifest(storage, empty_manifest("hrrr", run, NOW), None)
    assert write_latest(storage, "hrrr", RUN, NOW)
    assert not write_latest(storage, "hrrr", "20260129_16z", NOW)
    assert read_latest(storage, "hrrr").run == RUN
    assert json.loads(storage.get(store.latest("hrrr"))) == {
        "contract_version": "3.1", "model": "hrrr", "run": RUN, "updated": "2026-01-29T18:30:00Z",
        "generation": 1}


def test_latest_cannot_name_a_run_without_a_committed_manifest(storage: ObjectStore) -> None:
    with pytest.raises(NotPublished):
        write_latest(storage, "hrrr", RUN, NOW)
