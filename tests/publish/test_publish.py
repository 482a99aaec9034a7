"""The publish transaction on real built frames, on each store backend: exact layout, manifests that list
exactly what is published, LATEST.json moving forward only once a run has its first frames, one bad frame
failing alone."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import rasterio

from twf import store
from twf.artifacts import RGBA, VALUE
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.series.document import load_series
from twf.series.segment import decode
from twf.storage import ObjectInfo, ObjectStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN

VARS = ["refc", "tmp2m"]
SEGMENT_NAME = r"/g\d+_[0-9a-f]{8}/"  # a series segment's name: a generation and a random part


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, VARS)


def test_published_layout_is_exactly_the_canonical_one(staged_store: ObjectStore,
                                                       expected_bytes: dict) -> None:
    storage = staged_store
    report = publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    assert sorted(report.published) == sorted(OLD_FRAMES) and not report.failed
    assert {re.sub(SEGMENT_NAME, "/SEGMENT/", key) for key in storage.list("published")} == {
        "published/hrrr/LATEST.json",
        *(f"published/hrrr/{OLD_RUN}/refc/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif")),
        *(f"published/hrrr/{OLD_RUN}/tmp2m/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif",
                                                                "overlay.iso2f.geojson")),
        *(f"published/hrrr/{OLD_RUN}/_series/{var}/{name}" for var in VARS
          for name in ("series.json", "SEGMENT/zarr.json", "SEGMENT/c/0/0/0")),
    }
    assert set(storage.list("manifests")) == {f"manifests/hrrr/{OLD_RUN}.json", "manifests/hrrr/runs.json"}
    assert list(storage.list(store.staging_run(MODEL, OLD_RUN))) == []
    assert read_latest(storage, MODEL).run == OLD_RUN
    for var, fh in OLD_FRAMES:
        published = store.published_var(MODEL, OLD_RUN, var)
        for name in expected_bytes[(OLD_RUN, var, fh)]:
            assert storage.head(f"{published}/{name}") is not None
    assert check_model(storage, get_model(MODEL)) == []


def test_manifest_lists_exactly_the_published_frames_with_every_planned_variable(
        staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    manifest = read_manifest(storage, MODEL, NEW_RUN)
    raw = json.loads(storage.get(store.manifest(MODEL, NEW_RUN)))
    assert raw["variables"]["tmp2m"]["frames"] == [{"fh": 0, "valid_time": "2026-01-29T17:00:00Z"}]
    assert raw["variables"]["tmp2m"]["expected_frames"] == 19  # HRRR 17z: f00-f18
    assert raw["variables"]["refc"] == {"kind": "continuous", "units": "dBZ", "expected_frames": 19,
                                        "available_frames": 0, "frames": []}
    top = store.published_run(MODEL, NEW_RUN)
    sidecars = [key[len(top) + 1:].split("/") for key in storage.list(top)
                if re.fullmatch(r"[a-z0-9]+/fh\d{3}\.json", key[len(top) + 1:])]  # not the series stores
    published = {(var, int(name[2:5])) for var, name in sidecars}
    assert set(manifest.frames()) == published == {("tmp2m", 0)}


def test_new_run_becomes_latest_only_once_every_variable_has_a_frame(staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    report = publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0), ("tmp2m", 1)])
    assert report.latest_run == OLD_RUN and read_latest(storage, MODEL).run == OLD_RUN
    assert list_runs(storage, MODEL) == [NEW_RUN, OLD_RUN]  # committed, browsable, just not LATEST yet
    report = publish_frames(storage, plan(NEW_RUN), [("refc", 1)])
    assert report.latest_run == NEW_RUN and read_latest(storage, MODEL).run == NEW_RUN


def test_a_run_the_scheduler_is_done_with_becomes_latest_with_any_frame(staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    assert read_latest(storage, MODEL).run == OLD_RUN
    assert publish_frames(storage, plan(NEW_RUN), [], final=True).latest_run == NEW_RUN


def test_latest_never_moves_back_to_an_older_run(staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    report = publish_frames(storage, plan(OLD_RUN), OLD_FRAMES, final=True)
    assert report.published and report.latest_run == NEW_RUN
    assert read_latest(storage, MODEL).run == NEW_RUN


def test_one_corrupt_frame_fails_alone_and_the_previous_run_stays_latest(staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    broken = RGBA.key(store.staging_frame(MODEL, NEW_RUN, "refc", 1))
    data = storage.get(broken)
    storage.put(broken, data[: len(data) // 3])  # a new object (locally a new inode: the template is shared)
    report = publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert sorted(report.published) == [("tmp2m", 0), ("tmp2m", 1)]
    assert list(report.failed) == [("refc", 1)] and "fh001.rgba.cog.tif" in report.failed[("refc", 1)]
    assert set(read_manifest(storage, MODEL, NEW_RUN).frames()) == {("tmp2m", 0), ("tmp2m", 1)}
    assert storage.head(RGBA.key(store.published_frame(MODEL, NEW_RUN, "refc", 1))) is None
    assert read_latest(storage, MODEL).run == OLD_RUN  # refc has no frame in the new run yet


def test_a_listed_frame_is_never_rewritten(staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    published, staged = (area(MODEL, NEW_RUN, "tmp2m") for area in (store.published_var, store.staging_var))
    keys = [key for key in storage.list(published) if key.rsplit("/", 1)[1].startswith("fh000.")]
    before = {key: storage.head(key) for key in keys}
    for key in keys:  # a rebuild of the same frame lands in staging again
        storage.put(f"{staged}/{key.rsplit('/', 1)[1]}", storage.get(key))
    report = publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    assert report.published == [] and report.failed == {}
    assert {key: storage.head(key) for key in keys} == before
    assert not [k for k in storage.list(staged) if "/fh000." in k]  # the redundant staged copy is cleaned up


def served_values(storage: ObjectStore, run: str, var: str) -> dict[int, np.ndarray]:
    """fh → the values a run's series store serves for it."""
    loaded = load_series(storage, MODEL, run, var)
    if loaded is None:
        return {}
    document = loaded[0]
    out = {}
    for segment in document.segments:
        values = decode(storage.get(document.keys.segment_shard(segment.name)), segment.shape(document.grid))
        out |= {fh: values[t] for t, fh in enumerate(segment.hours)}
    return out


def frame_values(storage: ObjectStore, run: str, var: str, fh: int) -> np.ndarray:
    key = VALUE.key(store.published_frame(MODEL, run, var, fh))
    with storage.gdal_env(), rasterio.open(storage.gdal_path(key)) as ds:
        return ds.read(1)


def test_each_published_variable_s_series_store_serves_its_committed_frames(
        staged_store: ObjectStore) -> None:
    storage = staged_store
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 1), ("refc", 1)])
    for var, hours in (("tmp2m", {0, 1}), ("refc", {1})):
        served = served_values(storage, NEW_RUN, var)
        assert set(served) == hours
        for fh in hours:
            np.testing.assert_array_equal(served[fh], frame_values(storage, NEW_RUN, var, fh))


class SeriesFails:
    """A store that refuses every series store object (a full disk, a refused request), else `storage`."""

    def __init__(self, storage: ObjectStore) -> None:
        self._storage = storage

    def __getattr__(self, name: str):
        return getattr(self._storage, name)

    def put(self, key: str, data: bytes) -> ObjectInfo:
        if "/_series/" in key:
            raise OSError(28, "No space left on device")
        return self._storage.put(key, data)


def test_a_failing_series_store_write_never_fails_the_publish(staged_store: ObjectStore,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    storage = staged_store
    report = publish_frames(SeriesFails(storage), plan(NEW_RUN), NEW_FRAMES)
    assert sorted(report.published) == sorted(NEW_FRAMES) and not report.failed
    assert set(read_manifest(storage, MODEL, NEW_RUN).frames()) == set(NEW_FRAMES)
    assert read_latest(storage, MODEL).run == NEW_RUN
    assert served_values(storage, NEW_RUN, "tmp2m") == {}
    assert "series store of hrrr 20260129_17z tmp2m not updated" in caplog.text
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 1)])  # the variable's next publish catches up
    assert set(served_values(storage, NEW_RUN, "tmp2m")) == {0, 1}
