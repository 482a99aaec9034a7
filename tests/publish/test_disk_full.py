"""A disk that fills up while a run is being committed leaves the committed state exactly as it was, and a
re-run after space is freed commits the run (real ENOSPC from a full tmpfs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twf import store
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import LocalStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, ["refc", "tmp2m"])


def committed_bytes(storage: LocalStore) -> dict[str, bytes]:
    """What a reader of committed state can see: LATEST.json, the run index, the manifests and every object
    they list."""
    keys = [store.latest(MODEL), store.run_index(MODEL)]
    for run in list_runs(storage, MODEL):
        keys.append(store.manifest(MODEL, run))
        for var, fh in read_manifest(storage, MODEL, run).frames():
            frame = store.published_frame(MODEL, run, var, fh)
            keys += sorted(frame.key(p.name) for p in storage.path(frame.prefix).glob(f"{frame.stem}.*"))
    return {key: storage.get(key) for key in keys}


def test_disk_full_while_committing_keeps_the_committed_state(tiny_filesystem, staged_template: Path) -> None:
    storage = LocalStore(tiny_filesystem.path / "v3")
    shutil.copytree(staged_template, storage.root)
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    before = committed_bytes(storage)

    filler = tiny_filesystem.fill()
    with pytest.raises(OSError, match="No space left on device"):
        publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert committed_bytes(storage) == before  # nothing committed changed, nothing new committed
    assert list_runs(storage, MODEL) == [OLD_RUN] and read_latest(storage, MODEL).run == OLD_RUN

    filler.unlink()
    report = publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert not report.failed and read_latest(storage, MODEL).run == NEW_RUN
    assert sorted(read_manifest(storage, MODEL, NEW_RUN).frames()) == sorted(NEW_FRAMES)
