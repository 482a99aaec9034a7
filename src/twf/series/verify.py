"""`twf check` of series stores: does each store serve exactly its committed frames' values?

A store may lack committed hours (a store write failed or died: the route reads those from the frames), and
must never serve an hour the manifest does not list or values other than its frame's. `--fix` writes a
store anew from the frames (`twf.series.write.update_series(rebuild=True)`), deletes objects no document
names, and the stores of variables without committed frames.
"""

from __future__ import annotations

import numpy as np
from rasterio.errors import RasterioError

from twf import store
from twf.errors import DamagedSeries, InvalidManifest, ObjectNotFound
from twf.manifest import Manifest
from twf.models.base import ModelSpec
from twf.series.document import SeriesDocument, load_series
from twf.series.segment import decode
from twf.series.write import collect_garbage, frame_values, litter, update_series
from twf.storage import ObjectStore
from twf.store import frame_stem


def _hours(hours: set[int] | frozenset[int]) -> str:
    return ", ".join(frame_stem(fh) for fh in sorted(hours))


def _value_problems(storage: ObjectStore, document: SeriesDocument) -> list[str]:
    """Segments that are missing or damaged, and hours whose values are not their frame's."""
    problems = []
    for index, segment in enumerate(document.segments):
        key = document.keys.segment_shard(segment.name)
        try:
            values = decode(storage.get(key), segment.shape(document.grid))
        except ObjectNotFound:
            problems.append(f"segment {segment.name} is missing")
            continue
        except DamagedSeries as exc:
            problems.append(f"segment {segment.name}: {exc}")
            continue
        differ = {fh for t, fh in enumerate(segment.hours)
                  if document.served[fh][0] == index and not _agrees(storage, document, fh, values[t])}
        if differ:
            problems.append(f"serves values other than the frames' at {_hours(differ)}")
    return problems


def _agrees(storage: ObjectStore, document: SeriesDocument, fh: int, values: np.ndarray) -> bool:
    """The values are the frame's; a frame that cannot be read is the frame check's finding, not this one."""
    try:
        return np.array_equal(values, frame_values(storage, document, fh), equal_nan=True)
    except (RasterioError, OSError, DamagedSeries):
        return True


def series_problems(storage: ObjectStore, model: ModelSpec, manifest: Manifest, var: str) -> list[str]:
    """Why the store of one variable disagrees with its committed frames (empty: it agrees)."""
    entry = manifest.variables.get(var)
    listed = set(entry.fhs) if entry else set()
    try:
        loaded = load_series(storage, model.name, manifest.run, var)
    except InvalidManifest as exc:
        return [str(exc)]
    if loaded is None:
        return [f"no series store for {len(listed)} committed hour(s)"] if listed else []
    document = loaded[0]
    problems = []
    if document.hours - listed:
        problems.append(f"serves {_hours(document.hours - listed)}, which the manifest does not list")
    if listed - document.hours:
        problems.append(f"lacks committed {_hours(listed - document.hours)}")
    problems += _value_problems(storage, document)
    if unnamed := litter(storage, document):
        problems.append(f"{len(unnamed)} object(s) no document names")
    return problems


def fix_series(storage: ObjectStore, model: ModelSpec, manifest: Manifest, var: str) -> None:
    """Write the store of one variable anew from its committed frames (and drop what it does not name)."""
    document = update_series(storage, model, manifest, var, rebuild=True)
    if document is not None:
        collect_garbage(storage, document)


def stray_stores(storage: ObjectStore, model: str, run: str, manifest: Manifest | None) -> list[str]:
    """The variables with a series store but no committed frame in the run (all, for a run without a
    manifest)."""
    listed = {var for var, entry in manifest.variables.items() if entry.frames} if manifest else set()
    names = storage.children(store.series_area(model, run))
    return [var for var in sorted(names) if store.is_segment(var) and var not in listed]
