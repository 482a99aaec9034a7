"""The committed document of a series store (`series.json`): which segments hold which hours.

Segments are immutable objects under names no other write uses (`g{generation}_{random}`); the document,
replaced whole by compare-and-swap with a generation number like a manifest, is the only thing that says
which of them count. A reader follows the document, never a listing, and can cache a segment's index for as
long as it likes: the bytes under a segment's name never change. When two segments hold an hour, the later
one in the list serves it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

from twf import CONTRACT_VERSION, store
from twf.errors import InvalidManifest, ObjectNotFound
from twf.manifest import commit_document, decode
from twf.series.segment import SegmentShape
from twf.storage import ObjectInfo, ObjectStore


@dataclass(frozen=True)
class SegmentEntry:
    name: str
    hours: tuple[int, ...]  # the segment's time axis, ascending
    tile: int

    def shape(self, grid: tuple[int, int]) -> SegmentShape:
        return SegmentShape(len(self.hours), grid, self.tile)


@dataclass(frozen=True)
class SegmentPart:
    """The hours a reader takes from one segment: its shard's key and cut, the hours' positions on its time
    axis (`steps`) and in the hours asked (`slots`), both (n, 1) for indexing."""

    key: str
    shape: SegmentShape
    steps: np.ndarray
    slots: np.ndarray


@dataclass(frozen=True)
class SeriesDocument:
    model: str
    run: str
    var: str
    grid: tuple[int, int]  # (rows, cols) of the value grid
    segments: tuple[SegmentEntry, ...] = ()
    generation: int = 0
    contract_version: str = field(default=CONTRACT_VERSION)

    @cached_property
    def served(self) -> dict[int, tuple[int, int]]:
        """fh → (index of the segment serving it, its position on that segment's time axis)."""
        out: dict[int, tuple[int, int]] = {}
        for i, segment in enumerate(self.segments):
            out.update({fh: (i, t) for t, fh in enumerate(segment.hours)})
        return out

    @cached_property
    def keys(self) -> store.SeriesKeys:
        return store.series(self.model, self.run, self.var)

    @property
    def hours(self) -> frozenset[int]:
        return frozenset(self.served)

    def parts(self, hours: tuple[int, ...]) -> tuple[SegmentPart, ...]:
        """Where each of `hours` (all served) is read: per segment, its positions on the segment's time axis
        and in `hours`. Worked out once per set of hours (a reader asks for the same hours point after
        point)."""
        found = self._parts.get(hours)
        if found is None:
            found = self._parts[hours] = self._cut(hours)
        return found

    @cached_property
    def _parts(self) -> dict[tuple[int, ...], tuple[SegmentPart, ...]]:
        return {}

    def _cut(self, hours: tuple[int, ...]) -> tuple[SegmentPart, ...]:
        by_segment: dict[int, tuple[list[int], list[int]]] = {}
        for slot, fh in enumerate(hours):
            index, step = self.served[fh]
            steps, slots = by_segment.setdefault(index, ([], []))
            steps.append(step)
            slots.append(slot)
        return tuple(SegmentPart(self.keys.segment_shard(self.segments[index].name),
                                 self.segments[index].shape(self.grid),
                                 np.array(steps)[:, None], np.array(slots)[:, None])
                     for index, (steps, slots) in sorted(by_segment.items()))

    def with_segments(self, segments: tuple[SegmentEntry, ...]) -> SeriesDocument:
        """A copy holding `segments`, less any segment that serves no hour any more (later ones hold all of
        its hours)."""
        probe = replace(self, segments=segments)
        serving = {i for i, _ in probe.served.values()}
        return replace(self, segments=tuple(s for i, s in enumerate(segments) if i in serving))

    def to_dict(self) -> dict[str, Any]:
        return {"contract_version": self.contract_version, "model": self.model, "run": self.run,
                "var": self.var, "grid": list(self.grid),
                "segments": [{"name": s.name, "hours": list(s.hours), "tile": s.tile} for s in self.segments],
                "generation": self.generation}

    @classmethod
    def from_dict(cls, data: Any, source: str) -> SeriesDocument:
        try:
            rows, cols = (int(n) for n in data["grid"])
            segments = tuple(
                SegmentEntry(store.safe_segment(str(s["name"]), "series segment"),
                             tuple(int(fh) for fh in s["hours"]), int(s["tile"]))
                for s in data["segments"])
            generation = data["generation"]
            document = cls(str(data["model"]), str(data["run"]), str(data["var"]), (rows, cols), segments,
                           generation, str(data["contract_version"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InvalidManifest(f"{source} does not follow the series schema ({exc!r})") from None
        shapes_ok = all(s.hours and list(s.hours) == sorted(set(s.hours)) and s.tile > 0 for s in segments)
        if not shapes_ok or not isinstance(generation, int) or isinstance(generation, bool) or generation < 0:
            raise InvalidManifest(f"{source} has an empty, unsorted or malformed segment or generation")
        return document


def parse_series(data: bytes, model: str, run: str, var: str, key: str) -> SeriesDocument:
    """A series document read from `key`, checked to be of that (model, run, var); InvalidManifest if not."""
    document = SeriesDocument.from_dict(decode(data, key), key)
    if (document.model, document.run, document.var) != (model, run, var):
        raise InvalidManifest(f"{key} names {document.model} {document.run} {document.var}")
    return document


def load_series(storage: ObjectStore, model: str, run: str,
                var: str) -> tuple[SeriesDocument, ObjectInfo] | None:
    """The committed document and the identity of the version read; None when there is none.
    Raises InvalidManifest when it is damaged."""
    key = store.series(model, run, var).document
    try:
        data, info = storage.get_with_info(key)
    except ObjectNotFound:
        return None
    return parse_series(data, model, run, var, key), info


def commit_series(storage: ObjectStore, document: SeriesDocument,
                  based_on: ObjectInfo | None) -> SeriesDocument:
    """Commit `document` with the next generation over the version `based_on` describes (None: only if there
    is none). Raises WriteConflict when another writer committed in between."""
    committed = replace(document, generation=document.generation + 1)
    data = json.dumps(committed.to_dict(), indent=1).encode()
    key = document.keys.document
    commit_document(storage, key, data, based_on)
    return committed
