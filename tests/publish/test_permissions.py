"""A publisher refused by file permissions (EACCES from the kernel) while promoting staged frames leaves the
committed state exactly as it was and no half-published run, and a re-run once the permissions are fixed
commits the run. The publisher runs in a child process that file modes apply to (`Unprivileged`)."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import Unprivileged

from twf import store
from twf.check import check_model
from twf.manifest import list_runs, read_latest, read_manifest
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import LocalStore

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN, digests
from .test_disk_full import committed_bytes

VARIABLES = ["refc", "tmp2m"]
PUBLISH = """
import json, sys
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import LocalStore
root, run, frames = sys.argv[1], sys.argv[2], [tuple(f) for f in json.loads(sys.argv[3])]
report = publish_frames(LocalStore(root), RunPlan.for_run(get_model("hrrr"), run, json.loads(sys.argv[4])),
                        frames)
print(json.dumps({"published": report.published, "failed": [[*f, why] for f, why in report.failed.items()],
                  "latest": report.latest_run}))
"""


def committed_old_run(staged_template: Path, root: Path) -> LocalStore:
    shutil.copytree(staged_template, root)
    storage = LocalStore(root)
    publish_frames(storage, RunPlan.for_run(get_model(MODEL), OLD_RUN, VARIABLES), OLD_FRAMES)
    return storage


def publish_new_run(user: Unprivileged, storage: LocalStore) -> tuple[int, dict | None, str]:
    done = user.run([sys.executable, "-c", PUBLISH, str(storage.root), NEW_RUN, json.dumps(NEW_FRAMES),
                     json.dumps(VARIABLES)])
    return done.returncode, json.loads(done.stdout) if done.returncode == 0 else None, done.stderr


def assert_new_run_committed(user: Unprivileged, storage: LocalStore, staged: dict) -> None:
    code, report, stderr = publish_new_run(user, storage)
    assert code == 0 and not report["failed"] and report["latest"] == NEW_RUN, stderr
    assert sorted(read_manifest(storage, MODEL, NEW_RUN).frames()) == sorted(NEW_FRAMES)
    assert published_digests(storage) == staged  # every object byte for byte what was built
    assert check_model(storage, get_model(MODEL)) == []


def published_digests(storage: LocalStore) -> dict:
    out = {}
    for var, fh in NEW_FRAMES:
        frame = store.published_frame(MODEL, NEW_RUN, var, fh)
        out[(var, fh)] = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                          for p in storage.path(frame.prefix).glob(f"{frame.stem}.*")}
    return out


@dataclass(frozen=True)
class Refused:
    """A publish of the new run into a store where one folder was read-only: what the publisher answered."""

    code: int
    report: dict | None
    stderr: str


def publish_refused_by(user: Unprivileged, staged_template: Path, folder: Callable[[LocalStore], Path],
                       then: Callable[[Refused], None]) -> None:
    """Publish the new run with `folder` read-only, check `then` and that nothing committed changed and every
    frame is still staged; then make the folder writable and check a re-run commits the run."""
    storage = committed_old_run(staged_template, user.path / "v3")
    staged = digests(storage, NEW_RUN, NEW_FRAMES)
    before = committed_bytes(storage)
    user.deny_writes(folder(storage))

    then(Refused(*publish_new_run(user, storage)))
    assert committed_bytes(storage) == before  # a frame placed before the refusal is not listed
    assert list_runs(storage, MODEL) == [OLD_RUN] and read_latest(storage, MODEL).run == OLD_RUN
    assert digests(storage, NEW_RUN, NEW_FRAMES) == staged  # still staged, for the next attempt

    user.allow_writes(folder(storage))
    assert_new_run_committed(user, storage, staged)


def test_a_published_folder_the_publisher_may_not_write_fails_every_frame_and_commits_nothing(
        unprivileged: Unprivileged, staged_template: Path) -> None:
    def each_frame_failed_with_the_kernels_reason(refused: Refused) -> None:
        assert refused.code == 0, refused.stderr
        assert refused.report["published"] == [] and len(refused.report["failed"]) == len(NEW_FRAMES)
        assert all("Permission denied" in why for *_, why in refused.report["failed"])
        assert refused.report["latest"] == OLD_RUN

    publish_refused_by(unprivileged, staged_template, lambda s: s.path(store.published_model(MODEL)),
                       each_frame_failed_with_the_kernels_reason)


def test_a_manifest_folder_the_publisher_may_not_write_leaves_no_half_published_run(
        unprivileged: Unprivileged, staged_template: Path) -> None:
    def the_publish_failed_naming_the_refusal(refused: Refused) -> None:
        assert refused.code == 1, refused.stderr
        assert "PermissionError" in refused.stderr and "Permission denied" in refused.stderr, refused.stderr

    publish_refused_by(unprivileged, staged_template, lambda s: s.path(store.manifests(MODEL)),
                       the_publish_failed_naming_the_refusal)
