"""SIGKILL the publisher anywhere during a publish into S3 (SeaweedFS): a manifest never lists a missing or
partial object, LATEST never names an uncommitted run, a series store never serves values other than its
listed frames', and a rerun completes (its series stores too).

Each trial clones a staged prefix (the previous run committed, the new run's real built frames staged) by
server-side copies, then runs the publisher in a fresh process that is killed either at a seeded random
request to the store (the Nth obstore call: put, copy, get, head, delete, list) or after a seeded random
delay. The parent then reads like the API does and compares every listed object byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid

import pytest
from tests.conftest import S3_BUCKET, s3_environ, s3_store, upload_tree

from twf import store
from twf.manifest import list_runs, manifested_runs, read_latest, read_manifest
from twf.publish import publish_frames
from twf.storage.s3 import S3Store

from .frames import MODEL, NEW_FRAMES, NEW_RUN, OLD_FRAMES, OLD_RUN
from .test_crash_safety import assert_series_agree, assert_series_complete, plan

REQUEST_TRIALS = 22
DELAY_TRIALS = 10
SEED = 20260130

CHILD = """
import os, signal, sys
from tests.publish.frames import MODEL, NEW_FRAMES, NEW_RUN
from tests.publish.test_crash_safety import plan
from twf.publish import publish_frames
from twf.storage import open_store
from twf.storage import s3

kill_at = int(sys.argv[2])
calls = 0
real = s3.obstore


class Counting:
    def __getattr__(self, name):
        fn = getattr(real, name)

        def request(*args, **kwargs):
            global calls
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return fn(*args, **kwargs)
        return request


s3.obstore = Counting()
publish_frames(open_store(sys.argv[1]), plan(NEW_RUN), NEW_FRAMES)
print(calls)
"""


def publish_in_child(url: str, kill_at: int = 0, kill_after: float | None = None) -> tuple[int, str]:
    """Run a publisher of the new run into `url`; returns (the signal that ended it or 0, its stdout)."""
    env = {**os.environ, **s3_environ(url), "TWF_STORAGE_REVALIDATE_SECONDS": "0"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, url, str(kill_at)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if kill_after is not None:
        time.sleep(kill_after)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode in (0, -signal.SIGKILL), err
    return (signal.SIGKILL if proc.returncode == -signal.SIGKILL else 0), out


def clone(template: S3Store, url: str) -> S3Store:
    """A copy of the template prefix (server-side copies; committed objects are immutable)."""
    root = s3_store(f"s3://{S3_BUCKET}?endpoint={template.location.endpoint}")
    target = s3_store(url)
    for key in template.list(""):
        root.copy(f"{template.location.prefix}/{key}", f"{target.location.prefix}/{key}")
    return target


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def assert_committed_state_is_whole(storage: S3Store, expected_bytes: dict) -> None:
    latest = read_latest(storage, MODEL)
    assert latest is not None and latest.run in (OLD_RUN, NEW_RUN)
    assert latest.run in list_runs(storage, MODEL)
    for run in manifested_runs(storage, MODEL):
        for var, fh in read_manifest(storage, MODEL, run).frames():
            prefix = store.published_var(MODEL, run, var)
            for name, digest in expected_bytes[(run, var, fh)].items():
                data = storage.get(f"{prefix}/{name}")
                assert sha256(data) == digest, f"{run} {var} f{fh}: {name} is not the built object"
    assert_series_agree(storage)


def assert_rerun_completes(storage: S3Store) -> None:
    report = publish_frames(storage, plan(NEW_RUN), NEW_FRAMES)
    assert not report.failed
    assert sorted(read_manifest(storage, MODEL, NEW_RUN).frames()) == sorted(NEW_FRAMES)
    assert read_latest(storage, MODEL).run == NEW_RUN
    assert list_runs(storage, MODEL) == [NEW_RUN, OLD_RUN]
    assert list(storage.list(store.staging_run(MODEL, NEW_RUN))) == []
    assert_series_complete(storage)


@pytest.fixture(scope="module")
def s3_committed_template(object_server, staged_template) -> S3Store:
    storage = s3_store(object_server.url(S3_BUCKET, f"crash-template-{uuid.uuid4().hex[:8]}"))
    upload_tree(staged_template, storage)
    publish_frames(storage, plan(OLD_RUN), OLD_FRAMES)
    assert read_latest(storage, MODEL).run == OLD_RUN
    return storage


def test_sigkill_of_an_s3_publish_at_random_points_never_exposes_a_partial_frame(
        s3_committed_template: S3Store, object_server, expected_bytes: dict) -> None:
    probe_url = object_server.url(S3_BUCKET, f"crash-probe-{uuid.uuid4().hex[:8]}")
    clone(s3_committed_template, probe_url)
    started = time.monotonic()
    signum, out = publish_in_child(probe_url)
    duration = time.monotonic() - started
    total = int(out.strip())
    assert signum == 0 and total > 20
    rng = random.Random(SEED)
    trials = [("request", rng.randint(1, total)) for _ in range(REQUEST_TRIALS)]
    trials += [("delay", rng.uniform(0.5, duration)) for _ in range(DELAY_TRIALS)]
    killed = 0
    for how, where in trials:
        storage = clone(s3_committed_template, object_server.url(S3_BUCKET, f"crash-{uuid.uuid4().hex[:8]}"))
        if how == "request":
            signum, _ = publish_in_child(storage.url, kill_at=int(where))
        else:
            signum, _ = publish_in_child(storage.url, kill_after=float(where))
        killed += signum == signal.SIGKILL
        assert_committed_state_is_whole(storage, expected_bytes)
        assert_rerun_completes(storage)
        assert_committed_state_is_whole(storage, expected_bytes)
    assert killed >= REQUEST_TRIALS  # every request trial, at least, really died mid-publish
