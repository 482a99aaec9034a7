"""Retention: keep the newest K runs of a model, delete the rest (index entry, manifest, then the objects).

A run is known by any trace of it: a manifest, published objects or staged objects, so runs left
half-deleted or never committed are cleaned up too. The run `LATEST.json` names is never deleted, whatever
K is. Taking the run out of the run index and deleting its manifest first takes it out of every reader's
view before any of its objects disappear.
"""

from __future__ import annotations

from twf import store
from twf.manifest import manifested_runs, read_latest, unlist_runs, writer_lock
from twf.storage import ObjectStore
from twf.store import RUN_ID_RE, parse_run_id

DEFAULT_KEEP_RUNS = 4  # a day of 6-hourly long runs, or 4 hours of HRRR: enough to step back, small on disk


def run_ids_in(storage: ObjectStore, prefix: str) -> set[str]:
    """Run ids named by the entries directly under `prefix` (folders of runs)."""
    return {name for name in storage.children(prefix) if RUN_ID_RE.match(name)}


def known_runs(storage: ObjectStore, model: str) -> list[str]:
    """Every run with a manifest, published objects or staged objects, newest first."""
    runs = (
        manifested_runs(storage, model)
        | run_ids_in(storage, store.published_model(model))
        | run_ids_in(storage, store.staging_model(model))
    )
    return sorted(runs, key=parse_run_id, reverse=True)


def remove_run(storage: ObjectStore, model: str, run: str) -> None:
    """Delete a run: its manifest (durably) first, then its published and staged objects."""
    manifest = store.manifest(model, run)
    storage.delete(manifest)
    storage.sync([manifest])
    for prefix in (store.published_run(model, run), store.staging_run(model, run)):
        storage.delete_prefix(prefix)


def apply_retention(storage: ObjectStore, model: str, keep: int = DEFAULT_KEEP_RUNS) -> list[str]:
    """Delete every run but the newest `keep` and the one LATEST names; returns the deleted run ids."""
    with writer_lock(storage, model):
        latest = read_latest(storage, model)
        protected = {latest.run} if latest else set()
        removed = [run for run in known_runs(storage, model)[max(keep, 0):] if run not in protected]
        unlist_runs(storage, model, set(removed))
        for run in removed:
            remove_run(storage, model, run)
    return removed
