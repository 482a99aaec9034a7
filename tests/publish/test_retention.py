"""Retention keeps the newest K runs per model, deletes index entry, manifest and objects together, and spares
LATEST; on each store backend."""

from __future__ import annotations

from datetime import UTC, datetime

from twf import store
from twf.artifacts import SIDECAR
from twf.manifest import empty_manifest, list_runs, write_latest, write_manifest
from twf.retention import apply_retention, known_runs
from twf.storage import ObjectStore

NOW = datetime(2026, 1, 29, 18, 30, tzinfo=UTC)
RUNS = [f"20260129_{h:02d}z" for h in range(10, 16)]  # oldest first


def _commit(storage: ObjectStore, run: str) -> None:
    storage.put(SIDECAR.key(store.published_frame("hrrr", run, "tmp2m", 0)), b"{}")
    manifest = empty_manifest("hrrr", run, NOW).with_frames("tmp2m", "continuous", "°F", 19, {0}, NOW)
    write_manifest(storage, manifest, None)


def test_retention_keeps_the_newest_runs_and_deletes_manifest_and_objects_together(
        empty_store: ObjectStore) -> None:
    storage = empty_store
    for run in RUNS:
        _commit(storage, run)
    write_latest(storage, "hrrr", RUNS[-1], NOW)
    removed = apply_retention(storage, "hrrr", keep=4)
    assert removed == [RUNS[1], RUNS[0]]
    assert list_runs(storage, "hrrr") == RUNS[2:][::-1]
    assert storage.children(store.published_model("hrrr")) == {*RUNS[2:], "LATEST.json"}
    assert storage.children(store.manifests("hrrr")) == {*(f"{run}.json" for run in RUNS[2:]), "runs.json"}


def test_retention_never_deletes_the_run_latest_names(empty_store: ObjectStore) -> None:
    storage = empty_store
    for run in RUNS:
        _commit(storage, run)
    write_latest(storage, "hrrr", RUNS[0], NOW)  # e.g. the newer runs never got a first frame of every var
    apply_retention(storage, "hrrr", keep=2)
    assert list_runs(storage, "hrrr") == [RUNS[-1], RUNS[-2], RUNS[0]]
    assert list(storage.list(store.published_run("hrrr", RUNS[0])))


def test_retention_cleans_runs_known_only_by_staging_or_orphan_objects(empty_store: ObjectStore) -> None:
    storage = empty_store
    for run in RUNS[2:]:
        _commit(storage, run)
    storage.put(SIDECAR.key(store.staging_frame("hrrr", RUNS[0], "tmp2m", 0)), b"{}")
    # a deletion interrupted between the manifest and the objects
    storage.put(SIDECAR.key(store.published_frame("hrrr", RUNS[1], "tmp2m", 0)), b"{}")
    assert known_runs(storage, "hrrr") == RUNS[::-1]
    assert apply_retention(storage, "hrrr", keep=4) == [RUNS[1], RUNS[0]]
    assert list(storage.list(store.staging_run("hrrr", RUNS[0]))) == []
    assert list(storage.list(store.published_run("hrrr", RUNS[1]))) == []


def test_retention_deletes_a_runs_series_stores_with_it(empty_store: ObjectStore) -> None:
    storage = empty_store
    for run in RUNS:
        _commit(storage, run)
        storage.put(store.series("hrrr", run, "tmp2m").document, b"{}")
    write_latest(storage, "hrrr", RUNS[-1], NOW)
    apply_retention(storage, "hrrr", keep=4)
    assert list(storage.list(store.series_area("hrrr", RUNS[0]))) == []
    assert storage.head(store.series("hrrr", RUNS[-1], "tmp2m").document) is not None
