"""A disk that fills up while a run is being committed leaves the committed state exactly as it was, and a
re-run after space is freed commits the run (real ENOSPC from a full tmpfs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.store import Store

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN


def plan(run: str) -> RunPlan:
    return RunPlan.for_run(get_model(MODEL), run, ["refc", "tmp2m"])


def committed_bytes(store: Store) -> dict[str, bytes]:
    """What a reader of committed state can see: LATEST.json, the manifests and every file they list."""
    files = [store.latest_path(MODEL)]
    for run in list_runs(store, MODEL):
        files.append(store.manifest_path(MODEL, run))
        for var, fh in read_manifest(store, MODEL, run).frames():
            frame = store.published_frame(MODEL, run, var, fh)
            files += sorted(frame.directory.glob(f"{frame.stem}.*"))
    return {str(p.relative_to(store.root)): p.read_bytes() for p in files}


def test_disk_full_while_committing_keeps_the_committed_state(tiny_filesystem, staged_template: Path) -> None:
    store = Store(tiny_filesystem.path / "v3")
    shutil.copytree(staged_template, store.root)
    publish_frames(store, plan(OLD_RUN), OLD_FRAMES)
    before = committed_bytes(store)

    filler = tiny_filesystem.fill()
    with pytest.raises(OSError, match="No space left on device"):
        publish_frames(store, plan(NEW_RUN), NEW_FRAMES)
    assert committed_bytes(store) == before  # nothing committed changed, nothing new committed
    assert list_runs(store, MODEL) == [OLD_RUN] and read_latest(store, MODEL).run == OLD_RUN

    filler.unlink()
    report = publish_frames(store, plan(NEW_RUN), NEW_FRAMES)
    assert not report.failed and read_latest(store, MODEL).run == NEW_RUN
    assert sorted(read_manifest(store, MODEL, NEW_RUN).frames()) == sorted(NEW_FRAMES)
