"""Manifests and LATEST.json round-trip through the contract's schema; damage is named, never a traceback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from twf.errors import InvalidManifest, NotPublished
from twf.manifest import (
    empty_manifest,
    list_runs,
    read_latest,
    read_manifest,
    write_latest,
    write_manifest,
)
from twf.store import Store

NOW = datetime(2026, 1, 29, 18, 30, tzinfo=UTC)


def test_manifest_written_is_read_back_with_the_contract_fields(data_root: Path) -> None:
    store = Store(data_root)
    manifest = empty_manifest("hrrr", "20260129_17z", NOW)
    manifest = manifest.with_frames("tmp2m", "continuous", "°F", 19, {1, 0}, NOW)
    write_manifest(store, manifest)

    raw = json.loads(store.manifest_path("hrrr", "20260129_17z").read_text())
    assert raw == {
        "contract_version": "3.0", "model": "hrrr", "run": "20260129_17z", "ref_time": "2026-01-29T17:00:00Z",
        "variables": {"tmp2m": {
            "kind": "continuous", "units": "°F", "expected_frames": 19, "available_frames": 2,
            "frames": [{"fh": 0, "valid_time": "2026-01-29T17:00:00Z"},
                       {"fh": 1, "valid_time": "2026-01-29T18:00:00Z"}]}},
        "last_updated": "2026-01-29T18:30:00Z",
    }
    assert read_manifest(store, "hrrr", "20260129_17z") == manifest
    assert not manifest.complete


def test_missing_manifest_is_not_published_and_a_damaged_one_is_invalid(data_root: Path) -> None:
    store = Store(data_root)
    with pytest.raises(NotPublished):
        read_manifest(store, "hrrr", "20260129_17z")
    path = store.manifest_path("hrrr", "20260129_17z")
    path.parent.mkdir(parents=True)
    path.write_text('{"model": "hrrr"')
    with pytest.raises(InvalidManifest):
        read_manifest(store, "hrrr", "20260129_17z")
    path.write_text('{"model": "hrrr", "run": "20260129_17z"}')
    with pytest.raises(InvalidManifest, match="schema"):
        read_manifest(store, "hrrr", "20260129_17z")


def test_list_runs_is_newest_first_and_ignores_temp_files(data_root: Path) -> None:
    store = Store(data_root)
    for run in ("20260129_06z", "20260129_17z", "20260128_23z"):
        write_manifest(store, empty_manifest("hrrr", run, NOW))
    (store.manifest_dir("hrrr") / ".20260129_18z.json.tmp-123").write_text("{")
    assert list_runs(store, "hrrr") == ["20260129_17z", "20260129_06z", "20260128_23z"]


def test_latest_never_moves_back_to_an_older_run(data_root: Path) -> None:
    store = Store(data_root)
    assert read_latest(store, "hrrr") is None
    for run in ("20260129_16z", "20260129_17z"):
        write_manifest(store, empty_manifest("hrrr", run, NOW))
    assert write_latest(store, "hrrr", "20260129_17z", NOW)
    assert not write_latest(store, "hrrr", "20260129_16z", NOW)
    assert read_latest(store, "hrrr").run == "20260129_17z"
    assert json.loads(store.latest_path("hrrr").read_text()) == {
        "contract_version": "3.0", "model": "hrrr", "run": "20260129_17z", "updated": "2026-01-29T18:30:00Z"}


def test_latest_cannot_name_a_run_without_a_committed_manifest(data_root: Path) -> None:
    with pytest.raises(NotPublished):
        write_latest(Store(data_root), "hrrr", "20260129_17z", NOW)
