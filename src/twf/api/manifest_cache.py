"""Committed run state in memory: manifests, LATEST.json, the run index and series store documents, re-read
only when they change.

Every lookup asks the store for the identity of the document it answers from (`head`: one `stat` locally)
and reads and parses it again only when that identity changed. A store that is not local (S3) sets
`revalidate_seconds`: within that interval a document read (or found missing) is trusted without asking,
so the hot paths make no request to the store at all. Documents are replaced whole (`twf.manifest`), so a
changed identity is always a complete new state. A store that cannot be reached leaves the documents read
before in use (a frame whose blocks are decoded is still served); only what was never read fails (503).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from twf import store
from twf.errors import InvalidManifest, NotPublished, ObjectNotFound, StorageUnavailable
from twf.manifest import Latest, Manifest, decode, parse_latest, parse_manifest, parse_run_index
from twf.series.document import SeriesDocument, parse_series
from twf.storage import ObjectStore
from twf.store import parse_run_id

T = TypeVar("T")
log = logging.getLogger("twf.api.manifests")

LATEST = "latest"
# Keys are built once per run, not per request (InvalidRunId is never cached); runs a server is asked about
# fit with room to spare.
KEYS_KEPT = 4096


@dataclass
class Cached(Generic[T]):
    """One parsed document and the responses derived from it (memoised per key: they change only with it)."""

    identity: Hashable
    value: T
    derived: dict[Any, Any] = field(default_factory=dict)
    checked: float = 0.0  # time.monotonic() when the store last confirmed this identity

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        if key not in self.derived:
            self.derived[key] = build()
        return self.derived[key]


@dataclass(frozen=True)
class ResolvedRun:
    """A run as addressed (`latest` or a concrete id) and the concrete run it means."""

    run: str
    via_latest: bool


_MISSING = object()  # the cached answer "no such document" (trusted for `revalidate_seconds` too)


class ManifestCache:
    def __init__(self, storage: ObjectStore) -> None:
        self.storage = storage
        self._manifest_key = lru_cache(maxsize=KEYS_KEPT)(store.manifest)
        self._series_key = lru_cache(maxsize=KEYS_KEPT)(lambda *names: store.series(*names).document)
        self._entries: dict[tuple[str, ...], Cached[Any]] = {}
        self._lock = threading.Lock()

    def _get(self, name: tuple[str, ...], key: str, parse: Callable[[bytes], T],
             fresh: bool = False) -> Cached[T] | None:
        entry = self._entries.get(name)
        now = time.monotonic()
        if entry is None or fresh or now - entry.checked >= self.storage.revalidate_seconds:
            try:
                info = self.storage.head(key)
            except StorageUnavailable as exc:
                if entry is None:
                    raise
                # The store is away: committed state only moves forward and listed objects never change, so
                # what was read stays true enough to serve (decoded blocks need nothing else); asked again
                # after the next interval.
                log.warning("%s: serving the copy read before (%s)", key, exc)
                entry.checked = now
                return None if entry.identity is _MISSING else entry
            identity = info.identity if info is not None else _MISSING
            if entry is None or entry.identity != identity:
                entry = self._read(key, parse) if info is not None else Cached(_MISSING, None)
            with self._lock:
                held = self._entries.get(name)
                if held is not None and held.identity == entry.identity:
                    entry = held  # another request read this version meanwhile: keep its memos (heads)
                self._entries[name] = entry
            entry.checked = now
        return None if entry.identity is _MISSING else entry

    def _read(self, key: str, parse: Callable[[bytes], T]) -> Cached[Any]:
        try:
            data, info = self.storage.get_with_info(key)
        except ObjectNotFound:  # removed between head and get
            return Cached(_MISSING, None)
        return Cached(info.identity, parse(data))

    def manifest(self, model: str, run: str) -> Cached[Manifest]:
        """The committed manifest of a concrete run; NotPublished when it has none."""
        key = self._manifest_key(model, run)
        entry = self._get(("manifest", model, run), key,
                          lambda d: parse_manifest(decode(d, key), model, run, key))
        if entry is None:
            raise NotPublished(f"{model} run {run} is not published")
        return entry

    def latest(self, model: str) -> Latest | None:
        """The run LATEST.json names, provided its manifest is committed (else None)."""
        key = store.latest(model)
        entry = self._get(("latest", model), key, lambda d: parse_latest(decode(d, key), model, key))
        if entry is None:
            return None
        try:
            self.manifest(model, entry.value.run)
        except NotPublished:
            return None
        except InvalidManifest:  # committed but damaged: the run's own routes answer 503
            pass
        return entry.value

    def runs(self, model: str) -> Cached[list[str]]:
        """Runs with a committed manifest, newest first (from the run index, read again when it changes)."""
        key = store.run_index(model)
        entry = self._get(("runs", model), key,
                          lambda d: list(parse_run_index(decode(d, key), model, key).runs))
        return entry if entry is not None else Cached(_MISSING, [])

    def series(self, model: str, run: str, var: str, fresh: bool = False) -> SeriesDocument | None:
        """The committed document of a variable's series store, or None when it has none. `fresh` asks the
        store even within `revalidate_seconds` (a segment the cached document names is gone). Raises
        InvalidManifest when it is damaged."""
        key = self._series_key(model, run, var)
        entry = self._get(("series", model, run, var), key,
                          lambda d: parse_series(d, model, run, var, key), fresh)
        return entry.value if entry is not None else None

    def resolve(self, model: str, run: str) -> ResolvedRun:
        """`latest` → the run LATEST.json names; a concrete id is checked for form (InvalidRunId)."""
        if run == LATEST:
            latest = self.latest(model)
            if latest is None:
                raise NotPublished(f"no {model} run is published yet")
            return ResolvedRun(latest.run, via_latest=True)
        parse_run_id(run)
        return ResolvedRun(run, via_latest=False)
