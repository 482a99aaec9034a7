"""Retention: keep the newest K runs of a model, delete the rest (manifest first, then the folders).

A run is known by any trace of it: a manifest, a published run folder or a staging run folder, so runs left
half-deleted or never committed are cleaned up too. The run `LATEST.json` names is never deleted, whatever
K is. Deleting the manifest first (and fsyncing its directory) takes the run out of every reader's view
before any of its files disappear.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from twf.atomic import fsync_dir
from twf.manifest import read_latest, writer_lock
from twf.store import RUN_ID_RE, Store, parse_run_id

DEFAULT_KEEP_RUNS = 4  # a day of 6-hourly long runs, or 4 hours of HRRR: enough to step back, small on disk


def run_ids_in(directory: Path, suffix: str = "") -> set[str]:
    """Run ids named by the entries of `directory` (folders, or files ending in `suffix`)."""
    if not directory.is_dir():
        return set()
    names = (p.name.removesuffix(suffix) for p in directory.iterdir() if p.name.endswith(suffix))
    return {name for name in names if RUN_ID_RE.match(name)}


def known_runs(store: Store, model: str) -> list[str]:
    """Every run with a manifest, a published folder or a staging folder, newest first."""
    runs = (
        run_ids_in(store.manifest_dir(model), ".json")
        | run_ids_in(store.published_model_dir(model))
        | run_ids_in(store.staging_model_dir(model))
    )
    return sorted(runs, key=parse_run_id, reverse=True)


def remove_run(store: Store, model: str, run: str) -> None:
    """Delete a run: manifest (durably) first, then its published and staging folders."""
    manifest = store.manifest_path(model, run)
    with contextlib.suppress(FileNotFoundError):
        manifest.unlink()
        fsync_dir(manifest.parent)
    for directory in (store.published_run_dir(model, run), store.staging_run_dir(model, run)):
        shutil.rmtree(directory, ignore_errors=True)


def apply_retention(store: Store, model: str, keep: int = DEFAULT_KEEP_RUNS) -> list[str]:
    """Delete every run but the newest `keep` and the one LATEST names; returns the deleted run ids."""
    with writer_lock(store, model):
        latest = read_latest(store, model)
        protected = {latest.run} if latest else set()
        removed = [run for run in known_runs(store, model)[max(keep, 0):] if run not in protected]
        for run in removed:
            remove_run(store, model, run)
    return removed
