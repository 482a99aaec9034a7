"""Committed run state in memory: manifests, LATEST.json and run lists, re-read only when their file changes.

Every lookup costs one `stat` of the file it answers from (a run list: one `stat` of the manifests folder,
whose mtime changes when a manifest is added or removed). Manifests and LATEST.json are replaced whole by
rename (`twf.manifest`), so a changed identity is always a complete new state.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from twf.api.identity import FileIdentity, file_identity
from twf.errors import NotPublished
from twf.manifest import Latest, Manifest, list_runs, read_latest, read_manifest
from twf.store import Store, parse_run_id

T = TypeVar("T")

LATEST = "latest"
# A folder's mtime has clock-tick granularity (a few ms), so two manifests added within one tick leave it
# unchanged. While the folder changed this recently, its listing is not trusted and is read again.
FOLDER_SETTLE_NS = 2_000_000_000
# Manifest paths are built once per run, not per request (InvalidRunId is never cached); runs a server
# is asked about fit with room to spare.
PATHS_KEPT = 4096


@dataclass
class Cached(Generic[T]):
    """One parsed file and the responses derived from it (memoised per key: they change only with it)."""

    identity: FileIdentity
    value: T
    derived: dict[Any, Any] = field(default_factory=dict)

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]


@dataclass(frozen=True)
class ResolvedRun:
    """A run as addressed (`latest` or a concrete id) and the concrete run it means."""

    run: str
    via_latest: bool


class ManifestCache:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._manifest_path = lru_cache(maxsize=PATHS_KEPT)(store.manifest_path)
        self._entries: dict[tuple[str, ...], Cached[Any]] = {}
        self._lock = threading.Lock()

    def _get(self, key: tuple[str, ...], path: Path, load: Callable[[], T],
             settle_ns: int = 0) -> Cached[T] | None:
        identity = file_identity(path)
        if identity is None:
            return None
        entry = self._entries.get(key)
        unsettled = settle_ns and time.time_ns() - identity.mtime_ns < settle_ns
        if entry is None or entry.identity != identity or unsettled:
            entry = Cached(identity, load())
            with self._lock:
                self._entries[key] = entry
        return entry

    def manifest(self, model: str, run: str) -> Cached[Manifest]:
        """The committed manifest of a concrete run; NotPublished when it has none."""
        entry = self._get(("manifest", model, run), self._manifest_path(model, run),
                          lambda: read_manifest(self.store, model, run))
        if entry is None:
            raise NotPublished(f"{model} run {run} is not published")
        return entry

    def latest(self, model: str) -> Latest | None:
        """The run LATEST.json names, provided its manifest is committed (else None)."""
        path = self.store.latest_path(model)
        entry = self._get(("latest", model), path, lambda: read_latest(self.store, model))
        if entry is None or entry.value is None:
            return None
        if file_identity(self._manifest_path(model, entry.value.run)) is None:
            return None
        return entry.value

    def runs(self, model: str) -> Cached[list[str]]:
        """Runs with a committed manifest, newest first (listed again only when the folder changes)."""
        path = self.store.manifest_dir(model)
        entry = self._get(("runs", model), path, lambda: list_runs(self.store, model), FOLDER_SETTLE_NS)
        return entry if entry is not None else Cached(FileIdentity(0, 0, 0), [])

    def resolve(self, model: str, run: str) -> ResolvedRun:
        """`latest` → the run LATEST.json names; a concrete id is checked for form (InvalidRunId)."""
        if run == LATEST:
            latest = self.latest(model)
            if latest is None:
                raise NotPublished(f"no {model} run is published yet")
            return ResolvedRun(latest.run, via_latest=True)
        parse_run_id(run)
        return ResolvedRun(run, via_latest=False)
