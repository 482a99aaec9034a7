"""The publish transaction on real built frames, on each store backend: exact layout, manifests that list
exactly what is published, LATEST.json moving forward only once a run has its first frames, one bad frame
failing alone."""

from __future__ import annotations

import json

from twf import store
from twf.artifacts import RGBA
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import ObjectStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN

VARS = ["refc", "tmp2m"]


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, VARS)


def test_published_layout_is_exactly_the_canonical_one(staged_store: ObjectStore,
                                                       expected_bytes: dict) -> None:
    storage = staged_store
    report = publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    assert sorted(report.published) == sorted(OLD_FRAMES) and not report.failed
    assert set(storage.list("published")) == {
        "published/hrrr/LATEST.json",
        *(f"published/hrrr/{OLD_RUN}/refc/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif")),
        *(f"published/hrrr/{OLD_RUN}/tmp2m/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif",
                                                                "contours.iso2f.geojson")),
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
    sidecars = [key[len(top) + 1:].split("/") for key in storage.list(top) if key.endswith(".json")]
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
