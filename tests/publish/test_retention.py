"""Retention keeps the newest K runs per model, deletes manifest and folders together, and spares LATEST."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from twf.manifest import empty_manifest, list_runs, write_latest, write_manifest
from twf.retention import apply_retention, known_runs
from twf.store import Store

NOW = datetime(2026, 1, 29, 18, 30, tzinfo=UTC)
RUNS = [f"20260129_{h:02d}z" for h in range(10, 16)]  # oldest first


def _commit(store: Store, run: str) -> None:
    frame = store.published_frame("hrrr", run, "tmp2m", 0)
    frame.directory.mkdir(parents=True)
    frame.sidecar.write_text("{}")
    manifest = empty_manifest("hrrr", run, NOW).with_frames("tmp2m", "continuous", "°F", 19, {0}, NOW)
    write_manifest(store, manifest)


def test_retention_keeps_the_newest_runs_and_deletes_manifest_and_folder_together(data_root: Path) -> None:
    store = Store(data_root)
    for run in RUNS:
        _commit(store, run)
    write_latest(store, "hrrr", RUNS[-1], NOW)
    removed = apply_retention(store, "hrrr", keep=4)
    assert removed == [RUNS[1], RUNS[0]]
    assert list_runs(store, "hrrr") == RUNS[2:][::-1]
    left = sorted(p.name for p in store.published_model_dir("hrrr").iterdir())
    assert left == sorted([*RUNS[2:], "LATEST.json"])


def test_retention_never_deletes_the_run_latest_names(data_root: Path) -> None:
    store = Store(data_root)
    for run in RUNS:
        _commit(store, run)
    write_latest(store, "hrrr", RUNS[0], NOW)  # e.g. the newer runs never got their first frames of every var
    apply_retention(store, "hrrr", keep=2)
    assert list_runs(store, "hrrr") == [RUNS[-1], RUNS[-2], RUNS[0]]
    assert store.published_run_dir("hrrr", RUNS[0]).is_dir()


def test_retention_cleans_runs_known_only_by_staging_or_an_orphan_folder(data_root: Path) -> None:
    store = Store(data_root)
    for run in RUNS[2:]:
        _commit(store, run)
    store.staging_var_dir("hrrr", RUNS[0], "tmp2m").mkdir(parents=True)
    # a deletion interrupted between the manifest and the folder
    store.published_var_dir("hrrr", RUNS[1], "tmp2m").mkdir(parents=True)
    assert known_runs(store, "hrrr") == RUNS[::-1]
    assert apply_retention(store, "hrrr", keep=4) == [RUNS[1], RUNS[0]]
    assert not store.staging_run_dir("hrrr", RUNS[0]).exists()
    assert not store.published_run_dir("hrrr", RUNS[1]).exists()
