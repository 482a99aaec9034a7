"""The publish transaction on real built frames: exact layout, manifests that list exactly what is on disk,
LATEST.json moving forward only once a run has its first frames, one bad frame failing alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twf import store
from twf.artifacts import RGBA
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import LocalStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN, link_copy

VARS = ["refc", "tmp2m"]


@pytest.fixture
def storage(staged_template: Path, tmp_path: Path) -> LocalStore:
    return link_copy(staged_template, tmp_path / "v3")


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, VARS)


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_published_layout_is_exactly_the_canonical_one(storage: LocalStore, expected_bytes: dict) -> None:
    report = publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    assert sorted(report.published) == sorted(OLD_FRAMES) and not report.failed
    assert files_under(storage.root / "published") == {
        "hrrr/LATEST.json",
        *(f"hrrr/{OLD_RUN}/refc/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif")),
        *(f"hrrr/{OLD_RUN}/tmp2m/fh000.{s}" for s in ("json", "rgba.cog.tif", "val.cog.tif",
                                                      "contours.iso2f.geojson")),
    }
    assert files_under(storage.root / "manifests") == {f"hrrr/{OLD_RUN}.json", "hrrr/runs.json"}
    assert not storage.path(store.staging_run(MODEL, OLD_RUN)).exists()
    assert read_latest(storage, MODEL).run == OLD_RUN
    for var, fh in OLD_FRAMES:
        published = storage.path(store.published_var(MODEL, OLD_RUN, var))
        for name in expected_bytes[(OLD_RUN, var, fh)]:
            assert (published / name).is_file()
    assert check_model(storage, get_model(MODEL)) == []


def test_manifest_lists_exactly_the_frames_on_disk_with_every_planned_variable(storage: LocalStore) -> None:
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    manifest = read_manifest(storage, MODEL, NEW_RUN)
    raw = json.loads(storage.get(store.manifest(MODEL, NEW_RUN)))
    assert raw["variables"]["tmp2m"]["frames"] == [{"fh": 0, "valid_time": "2026-01-29T17:00:00Z"}]
    assert raw["variables"]["tmp2m"]["expected_frames"] == 19  # HRRR 17z: f00-f18
    assert raw["variables"]["refc"] == {"kind": "continuous", "units": "dBZ", "expected_frames": 19,
                                        "available_frames": 0, "frames": []}
    sidecars = storage.path(store.published_run(MODEL, NEW_RUN)).rglob("fh*.json")
    on_disk = {(p.parent.name, int(p.name[2:5])) for p in sidecars}
    assert set(manifest.frames()) == on_disk == {("tmp2m", 0)}


def test_new_run_becomes_latest_only_once_every_variable_has_a_frame(storage: LocalStore) -> None:
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    report = publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0), ("tmp2m", 1)])
    assert report.latest_run == OLD_RUN and read_latest(storage, MODEL).run == OLD_RUN
    assert list_runs(storage, MODEL) == [NEW_RUN, OLD_RUN]  # committed, browsable, just not LATEST yet
    report = publish_frames(storage, plan(NEW_RUN), [("refc", 1)])
    assert report.latest_run == NEW_RUN and read_latest(storage, MODEL).run == NEW_RUN


def test_a_run_the_scheduler_is_done_with_becomes_latest_with_any_frame(storage: LocalStore) -> None:
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    assert read_latest(storage, MODEL).run == OLD_RUN
    assert publish_frames(storage, plan(NEW_RUN), [], final=True).latest_run == NEW_RUN


def test_a_variable_marked_unavailable_does_not_hold_latest_back(storage: LocalStore) -> None:
    """Reflectivity cannot be built (its record is absent upstream): the run becomes LATEST without it, its
    manifest says why, and the mark goes once a reflectivity frame lands."""
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    why = "RecordAbsent: hrrr.t17z.wrfsfcf00.grib2.idx: no inventory line for REFC 0-EATM in f000"
    report = publish_frames(storage, plan(NEW_RUN), [], unavailable={"refc": why})
    assert report.latest_run == NEW_RUN and read_latest(storage, MODEL).run == NEW_RUN
    raw = json.loads(storage.get(store.manifest(MODEL, NEW_RUN)))
    assert raw["variables"]["refc"]["unavailable"] == why and "unavailable" not in raw["variables"]["tmp2m"]
    publish_frames(storage, plan(NEW_RUN), [("refc", 1)], unavailable={})
    assert read_manifest(storage, MODEL, NEW_RUN).variables["refc"].unavailable is None


def test_latest_never_moves_back_to_an_older_run(storage: LocalStore) -> None:
    publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    report = publish_frames(storage, plan(OLD_RUN), OLD_FRAMES, final=True)
    assert report.published and report.latest_run == NEW_RUN
    assert read_latest(storage, MODEL).run == NEW_RUN


def test_one_corrupt_frame_fails_alone_and_the_previous_run_stays_latest(storage: LocalStore) -> None:
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    broken = storage.path(RGBA.key(store.staging_frame(MODEL, NEW_RUN, "refc", 1)))
    data = broken.read_bytes()
    broken.unlink()  # a fresh inode: the template's file is shared by hard link
    broken.write_bytes(data[: len(data) // 3])
    report = publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert sorted(report.published) == [("tmp2m", 0), ("tmp2m", 1)]
    assert list(report.failed) == [("refc", 1)] and "fh001.rgba.cog.tif" in report.failed[("refc", 1)]
    assert set(read_manifest(storage, MODEL, NEW_RUN).frames()) == {("tmp2m", 0), ("tmp2m", 1)}
    assert storage.head(RGBA.key(store.published_frame(MODEL, NEW_RUN, "refc", 1))) is None
    assert read_latest(storage, MODEL).run == OLD_RUN  # refc has no frame in the new run yet


def test_a_listed_frame_is_never_rewritten(storage: LocalStore, staged_template: Path) -> None:
    publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    published = storage.path(store.published_var(MODEL, NEW_RUN, "tmp2m"))
    before = {p.name: p.stat().st_ino for p in published.glob("fh000.*")}
    staged = storage.path(store.staging_var(MODEL, NEW_RUN, "tmp2m"))
    staged.mkdir(parents=True, exist_ok=True)
    for name in before:  # a rebuild of the same frame lands in staging again
        (staged / name).write_bytes((published / name).read_bytes())
    report = publish_frames(storage, plan(NEW_RUN), [("tmp2m", 0)])
    assert report.published == [] and report.failed == {}
    assert {p.name: p.stat().st_ino for p in published.glob("fh000.*")} == before
    assert not list(staged.glob("fh000.*"))  # the redundant staged copy is cleaned up
