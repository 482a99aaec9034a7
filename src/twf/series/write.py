"""Filling a series store from committed frames: the publisher (after each commit) and `twf check --fix`
(a rebuild). Every write of a store happens here, through the storage interface, under the model's writer
lock held by the caller.

Only committed frames go in: their value COGs are immutable once a manifest lists them, so whatever happens
to a store write (an error, a crash, a lost compare-and-swap), an hour it serves holds exactly the values
of the frame the manifest lists. Each write puts new segments under fresh names, then commits the document
(`twf.series.document`), then deletes what the document no longer names; a write that dies half-way leaves
the previous document and unreferenced objects, which the next update of the store (or `twf check --fix`)
deletes; one that loses its compare-and-swap to another writer deletes its new segments itself.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict

import numpy as np
import rasterio
from rasterio.errors import RasterioError

from twf import store
from twf.artifacts import VALUE
from twf.errors import DamagedSeries, InvalidManifest, TWFError, WriteConflict
from twf.manifest import Manifest
from twf.models.base import ModelSpec
from twf.series.document import SegmentEntry, SeriesDocument, commit_series, load_series
from twf.series.layout import SeriesLayout, tile_size
from twf.series.segment import decode, encode, metadata
from twf.storage import ObjectInfo, ObjectStore

log = logging.getLogger("twf.series")


def frame_values(storage: ObjectStore, document: SeriesDocument, fh: int) -> np.ndarray:
    key = VALUE.key(store.published_frame(document.model, document.run, document.var, fh))
    with storage.gdal_env(), rasterio.open(storage.gdal_path(key)) as ds:
        values = ds.read(1)
    if values.shape != document.grid:
        raise DamagedSeries(f"{key} is {values.shape}, not the value grid {document.grid}")
    return values


def _gather(storage: ObjectStore, document: SeriesDocument, hours: tuple[int, ...]) -> np.ndarray:
    """(hours, rows, cols): each hour from the segment serving it (each segment read and decoded once), or
    from its frame's value COG."""
    out = np.empty((len(hours), *document.grid), dtype=np.float32)
    keys = document.keys
    from_segment: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for i, fh in enumerate(hours):
        served = document.served.get(fh)
        if served is None:
            out[i] = frame_values(storage, document, fh)
        else:
            from_segment[served[0]].append((served[1], i))
    for index, pairs in from_segment.items():
        segment = document.segments[index]
        decoded = decode(storage.get(keys.segment_shard(segment.name)), segment.shape(document.grid))
        for t, i in pairs:
            out[i] = decoded[t]
    return out


def _put_segment(storage: ObjectStore, document: SeriesDocument, hours: tuple[int, ...]) -> SegmentEntry:
    """Put one segment holding `hours` (its `zarr.json`, then its shard) under a name no other write uses."""
    keys = document.keys
    segment = SegmentEntry(f"g{document.generation + 1}_{secrets.token_hex(4)}", hours, tile_size(len(hours)))
    shape = segment.shape(document.grid)
    storage.put(keys.segment_metadata(segment.name), metadata(shape, hours))
    storage.put(keys.segment_shard(segment.name), encode(_gather(storage, document, hours), shape))
    return segment


def planned_segments(layout: SeriesLayout, document: SeriesDocument,
                     listed: set[int]) -> list[tuple[int, ...]]:
    """The hours of each segment a write adds (none: the store is up to date): every listed hour in one
    segment once the variable's run is complete, else the listed hours of each block that lacks one."""
    missing = listed - document.hours
    if layout.complete(listed):
        whole = len(document.segments) == 1 and not missing
        return [] if whole else [tuple(fh for fh in layout.hours if fh in listed)]
    blocks = sorted({layout.block_of(fh) for fh in missing})
    return [tuple(fh for fh in layout.block(b) if fh in listed) for b in blocks]


def _current(storage: ObjectStore, model: str, run: str,
             var: str) -> tuple[SeriesDocument | None, ObjectInfo | None]:
    """The committed document (None when there is none or it is damaged) and the version to replace."""
    try:
        loaded = load_series(storage, model, run, var)
    except InvalidManifest as exc:
        log.warning("series store of %s %s %s: %s; writing it anew from the frames", model, run, var, exc)
        return None, storage.head(store.series(model, run, var).document)
    return loaded if loaded else (None, None)


def update_series(storage: ObjectStore, model: ModelSpec, manifest: Manifest, var: str, *,
                  rebuild: bool = False) -> SeriesDocument | None:
    """Bring the store of one variable up to the committed manifest; returns the store's document (None when
    it has none and the variable no committed frame). A store that is damaged, or that serves an hour the
    manifest does not list (only `twf check --fix` unlists frames), is written anew from the frames, as is
    any store with `rebuild` (`twf check --fix`).

    Raises WriteConflict when another writer committed the store in between, OSError or a TWFError when an
    object cannot be read or written; the previous document then stays in force."""
    layout = SeriesLayout.for_variable(model, model.variables[var], manifest.run)
    entry = manifest.variables.get(var)
    listed = set(entry.fhs if entry else ()) & set(layout.hours)
    current, based_on = _current(storage, model.name, manifest.run, var)
    valid = (not rebuild and current is not None and current.grid == layout.grid
             and current.hours <= listed)
    document = current if valid else SeriesDocument(
        model.name, manifest.run, var, layout.grid, generation=current.generation if current else 0)
    hours = planned_segments(layout, document, listed)
    if not hours and (valid or based_on is None):
        if current is not None:
            collect_garbage(storage, current)  # what a writer killed after its commit left behind
        return current  # up to date (or nothing to store and nothing stored)
    added = tuple(_put_segment(storage, document, h) for h in hours)
    try:
        committed = commit_series(storage, document.with_segments((*document.segments, *added)), based_on)
    except WriteConflict:  # another writer (a second scheduler) committed first: our fresh segments, which
        keys = document.keys  # no document can name, go now rather than as litter for the next update
        for segment in added:
            storage.delete(keys.segment_metadata(segment.name))
            storage.delete(keys.segment_shard(segment.name))
        raise
    collect_garbage(storage, committed)
    return committed


def litter(storage: ObjectStore, document: SeriesDocument) -> list[str]:
    """Every object under the store's prefix that `document` does not name: segments it replaced, objects
    of a write that died before its commit, temporary files (a writer's listing)."""
    keys = document.keys
    named = {keys.document} | {k for s in document.segments
                               for k in (keys.segment_metadata(s.name), keys.segment_shard(s.name))}
    found = [k for k in storage.list(keys.prefix) if k not in named]
    return found + storage.partial_writes(keys.prefix, recursive=True)


def collect_garbage(storage: ObjectStore, document: SeriesDocument) -> None:
    """Delete the `litter` of a store."""
    for key in litter(storage, document):
        storage.delete(key)


def update_stores(storage: ObjectStore, model: ModelSpec, manifest: Manifest, variables: set[str]) -> None:
    """The publisher's step after a commit: each variable's store brought up to the manifest. A store that
    cannot be written is logged and left as it was (the route reads its missing hours from the frames);
    it never fails the publish, whose frames are committed already."""
    for var in sorted(variables & set(manifest.variables)):
        try:
            update_series(storage, model, manifest, var)
        except (TWFError, RasterioError, OSError, ValueError) as exc:
            log.error("series store of %s %s %s not updated (its hours are read from the frames): %s",
                      model.name, manifest.run, var, exc)
