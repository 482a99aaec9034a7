"""Filling a series store from committed frames: exact values, one block rewritten per published frame, one
segment once the variable is complete, and a store that never serves what the manifest does not list."""

from __future__ import annotations

import json

import numpy as np
import pytest

from twf import store
from twf.errors import WriteConflict
from twf.series.document import SeriesDocument, load_series
from twf.series.layout import BLOCK_BUDGET_BYTES, tile_size
from twf.series.segment import decode
from twf.series.write import litter, update_series
from twf.storage import LocalStore, ObjectInfo, ObjectStore

from .conftest import Frames, field

ALL = tuple(range(19))


def values(frames: Frames, document: SeriesDocument, fh: int) -> np.ndarray:
    index, t = document.served[fh]
    segment = document.segments[index]
    shard = frames.storage.get(document.keys.segment_shard(segment.name))
    return decode(shard, segment.shape(document.grid))[t]


def test_a_store_serves_exactly_the_listed_hours_with_their_frames_values(frames: Frames) -> None:
    frames.put(0, 1, 2, 8, 9)
    document = frames.commit(0, 1, 2, 8)  # f09 placed but not listed: never in the store
    assert document.hours == {0, 1, 2, 8}
    assert [s.hours for s in document.segments] == [(0, 1, 2), (8,)]  # one segment per block
    for fh in (0, 1, 2, 8):
        np.testing.assert_array_equal(values(frames, document, fh), field(fh, frames.model.value_grid.shape))
    assert load_series(frames.storage, frames.model.name, frames.run, frames.var)[0] == document


def test_a_published_frame_rewrites_only_the_block_of_its_hour(frames: Frames) -> None:
    frames.put(*range(9))
    before = frames.commit(*range(8))
    written_before = {k: frames.storage.head(k) for k in frames.keys()}
    after = frames.commit(*range(9))
    assert after.generation == before.generation + 1
    assert after.segments[0] == before.segments[0]  # block f00-f06 untouched
    assert after.segments[1].hours == (7, 8) and before.segments[1].hours == (7,)
    new = {k for k in frames.keys() if written_before.get(k) != frames.storage.head(k)}
    assert new == {after.keys.document, after.keys.segment_metadata(after.segments[1].name),
                   after.keys.segment_shard(after.segments[1].name)}
    assert sum(frames.storage.head(k).size for k in new) < BLOCK_BUDGET_BYTES
    assert not any(before.segments[1].name in k for k in frames.keys())  # the replaced segment is deleted


def test_a_complete_variable_is_one_segment_of_every_hour(frames: Frames) -> None:
    frames.put(*ALL)
    for n in range(1, len(ALL)):
        frames.commit(*ALL[:n])
    document = frames.commit(*ALL)
    assert len(document.segments) == 1 and document.segments[0].hours == ALL
    assert document.segments[0].tile == tile_size(len(ALL))
    assert len(frames.keys()) == 3  # the document, one zarr.json, one shard: the blocks are gone
    for fh in (0, 7, 18):
        np.testing.assert_array_equal(values(frames, document, fh), field(fh, frames.model.value_grid.shape))
    assert frames.commit(*ALL) == document  # up to date: nothing written


def test_a_store_serving_an_unlisted_hour_is_written_anew(frames: Frames) -> None:
    frames.put(0, 1, 2)
    frames.commit(0, 1, 2)
    document = frames.commit(0, 2)  # `twf check --fix` unlisted f01
    assert document.hours == {0, 2}
    assert [s.hours for s in document.segments] == [(0, 2)]


def test_a_damaged_document_is_written_anew_from_the_frames(frames: Frames) -> None:
    frames.put(0, 1)
    frames.commit(0, 1)
    frames.storage.put(store.series(frames.model.name, frames.run, frames.var).document, b"{not json")
    document = frames.commit(0, 1)
    assert document.hours == {0, 1} and len(frames.keys()) == 3


class FailingShards(LocalStore):
    """A store whose puts of segment shards fail (a full disk, a refused request)."""

    def put(self, key: str, data: bytes) -> ObjectInfo:
        if key.endswith("/c/0/0/0"):
            raise OSError(28, "No space left on device")
        return super().put(key, data)


def test_a_failed_write_leaves_the_previous_document_in_force(frames: Frames) -> None:
    frames.put(0, 1)
    before = frames.commit(0)
    failing = Frames(FailingShards(frames.storage.root), frames.work, frames.model)
    with pytest.raises(OSError):
        failing.commit(0, 1)
    assert load_series(frames.storage, frames.model.name, frames.run, frames.var)[0] == before
    after = frames.commit(0, 1)  # the next write deletes what the failed one left
    assert after.hours == {0, 1} and len(frames.keys()) == 3


class RacedStore(LocalStore):
    """A store where another writer commits the series document just before this one does."""

    def replace(self, key: str, data: bytes, expected: ObjectInfo) -> ObjectInfo:
        if key.endswith("series.json"):
            doc = json.loads(self.get(key))
            super().replace(key, json.dumps(doc | {"generation": doc["generation"] + 5}).encode(), expected)
        return super().replace(key, data, expected)


def test_a_writer_that_lost_the_compare_and_swap_commits_nothing_and_leaves_nothing(frames: Frames) -> None:
    frames.put(0, 1)
    frames.commit(0)
    raced = Frames(RacedStore(frames.storage.root), frames.work, frames.model)
    with pytest.raises(WriteConflict):
        raced.commit(0, 1)
    document = load_series(frames.storage, frames.model.name, frames.run, frames.var)[0]
    assert document.hours == {0} and document.generation == 6
    assert litter(frames.storage, document) == []  # its segments, which no document names, are gone


def test_rebuild_writes_every_listed_hour_anew(frames: Frames, storage: ObjectStore) -> None:
    frames.put(0, 1, 2)
    before = frames.commit(0, 1, 2)
    rebuilt = update_series(storage, frames.model, frames.manifest(0, 1, 2), frames.var, rebuild=True)
    assert rebuilt.hours == before.hours and rebuilt.generation == before.generation + 1
    assert {s.name for s in rebuilt.segments}.isdisjoint({s.name for s in before.segments})


def test_a_variable_without_committed_frames_has_no_store(frames: Frames) -> None:
    assert frames.commit() is None and frames.keys() == set()
