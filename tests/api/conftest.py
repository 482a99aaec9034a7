"""A real published run (built by the real builder from the NOAA samples, committed by the real publisher)
served by a real `twf serve` process on 127.0.0.1, shared by the whole API test session.

The HRRR run also holds a radar_ptype frame built from synthetic GRIB (the samples lack the type flags), and
its plan names a variable (mslp) that has no frame yet, as every run's manifest does until it fills.

Beside the committed runs the data root holds the states a crash can leave, which discovery must never show:
a run only in staging, and a run whose files are in `published/` but that has no manifest.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from tests.conftest import GFS_RUN, HRRR_RUN, S3_BUCKET, s3_environ, s3_store, upload_tree

from twf import store
from twf.api.app import create_app
from twf.artifacts import ArtifactKind
from twf.builder.pipeline import build_frame
from twf.config import Settings
from twf.models import get_model
from twf.publish import RunPlan, publish_frames
from twf.storage import LocalStore
from twf.storage.seaweed import ObjectServer
from twf.store import parse_run_id

HRRR_FRAMES = {("tmp2m", 0): "wrfsfcf00.tmp2m-prate", ("tmp2m", 1): "wrfsfcf01.tmp2m-prate",
               ("refc", 1): "wrfsfcf01.refc-prate"}
GFS_FRAMES = {("tmp2m", 0): "pgrb2.0p25.f000.tmp2m-tmp2mb"}
SYNTHETIC_HRRR_FRAMES = (("radar_ptype", 1),)  # from the synthetic mirror's file of that hour
PENDING_VAR = "mslp"  # planned for the HRRR run, no frame published
STAGING_ONLY_RUN = "20260129_15z"  # built into staging, never published
UNLISTED_RUN = "20260129_16z"  # files placed in published/ but no manifest: a publish that died before step 3


@dataclass(frozen=True)
class Published:
    root: Path
    storage: LocalStore
    secret: Path  # a file beside (outside) the data root that no request may ever return

    def file(self, kind: ArtifactKind, model: str, run: str, var: str, fh: int, item: str = "") -> Path:
        """The file of one object of a published frame."""
        return self.storage.path(kind.key(store.published_frame(model, run, var, fh), item))


def _build_and_publish(storage: LocalStore, model: str, run: str, gribs: dict[tuple[str, int], Path],
                       planned: tuple[str, ...] = ()) -> None:
    for (var, fh), grib in gribs.items():
        build_frame(model, run, var, fh, [grib], storage, store.staging_var(model, run, var))
    plan = RunPlan.for_run(get_model(model), run, variables=sorted({v for v, _ in gribs} | set(planned)))
    report = publish_frames(storage, plan, list(gribs), final=True)
    assert not report.failed, report.failed


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, hrrr_grib_dir: Path, gfs_grib_dir: Path,
              synthetic_mirror: Path) -> Published:
    base = tmp_path_factory.mktemp("api")
    root = base / "data" / "v3"
    storage = LocalStore(root)
    hrrr = get_model("hrrr")
    hrrr_gribs = {frame: hrrr_grib_dir / f"hrrr.t17z.{name}.grib2" for frame, name in HRRR_FRAMES.items()}
    hrrr_gribs |= {(var, fh): synthetic_mirror / hrrr.file_key(parse_run_id(HRRR_RUN), fh)
                   for var, fh in SYNTHETIC_HRRR_FRAMES}
    _build_and_publish(storage, "hrrr", HRRR_RUN, hrrr_gribs, planned=(PENDING_VAR,))
    gfs_gribs = {frame: gfs_grib_dir / f"gfs.t12z.{name}.grib2" for frame, name in GFS_FRAMES.items()}
    _build_and_publish(storage, "gfs", GFS_RUN, gfs_gribs)
    committed = storage.path(store.published_var("hrrr", HRRR_RUN, "tmp2m"))
    for run in (STAGING_ONLY_RUN, UNLISTED_RUN):
        area = store.staging_var if run == STAGING_ONLY_RUN else store.published_var
        target = storage.path(area("hrrr", run, "tmp2m"))
        target.mkdir(parents=True)
        for f in committed.glob("fh001.*"):
            shutil.copy(f, target / f.name)
    secret = base / "data" / "secret.json"
    secret.write_text('{"secret": "must never be served"}')
    return Published(root, storage, secret)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    log: Path

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def raw_get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """GET with the path sent byte for byte (no client-side normalisation of `..` or encodings)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            resp = conn.getresponse()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
        finally:
            conn.close()


def start_server(data_root: Path, log: Path, command: str = "serve", **env: str) -> Iterator[Server]:
    port = free_port()
    environ = {**os.environ, "TWF_DATA_ROOT": str(data_root), **env}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "twf", command, "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=environ,
        )
    server = Server(f"http://127.0.0.1:{port}", port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{server.url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"twf {command} did not start: {log.read_text()}")
            time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def s3_published(published: Published, object_server: ObjectServer) -> str:
    """The published data root's objects in the session's object store (uploaded once): their URL."""
    url = object_server.url(S3_BUCKET, "api")
    upload_tree(published.root, s3_store(url))
    return url


@pytest.fixture(scope="session", params=["local", "s3"])
def server(request: pytest.FixtureRequest, published: Published,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`twf serve` over the published state (debug scan off, no web viewer): once on the local data root, once
    on the same objects in S3 (every API test runs against both; its id says which)."""
    log = tmp_path_factory.mktemp("logs") / f"serve-{request.param}.log"
    no_viewer = str(log.parent / "none")
    s3 = s3_environ(request.getfixturevalue("s3_published")) if request.param == "s3" else {}
    yield from start_server(published.root, log, TWF_ENABLE_DEBUG_SCAN="", TWF_WEB_DIST=no_viewer, **s3)


@pytest.fixture(scope="session")
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def in_process_app(root: Path) -> FastAPI:
    """The API app over a data root, in this process (to reach into its services)."""
    return create_app(Settings(data_root=root, cache_dir=root / "cache", enable_debug_scan=False))


class HeldBack:
    """Stands in for a blocking read of an app's services (a decode) and holds every call back, as a busy
    disk or CPU would, until `crowd` has seen the other requests answered; `only` limits that to the calls
    whose first argument (a path) it accepts."""

    def __init__(self, read: Callable[..., Any], only: Callable[[str], bool] = lambda path: True) -> None:
        self.read, self.only = read, only
        self.release, self.entered = threading.Event(), threading.Semaphore(0)

    def __call__(self, *args: Any) -> Any:
        if self.only(str(args[0])):
            self.entered.release()
            self.release.wait(60)
        return self.read(*args)

    async def crowd(self, app: FastAPI, crowd: list[str],
                    others: list[str]) -> tuple[list[int], list[int], int]:
        """Send `crowd` at once; once its reads are held back, `others` (20 s at most): their statuses, the
        crowd's once released, and how many of the crowd still waited when the others were answered."""
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://twf") as client:
            waiting = [asyncio.ensure_future(client.get(path)) for path in crowd]
            try:
                deadline = time.monotonic() + 20
                while not self.entered.acquire(blocking=False):
                    assert time.monotonic() < deadline, "no read of the crowd was held back"
                    await asyncio.sleep(0.01)
                await asyncio.sleep(0.5)  # every request of the crowd has asked for its read by now
                answers = await asyncio.wait_for(asyncio.gather(*(client.get(path) for path in others)),
                                                 timeout=20)
                still_waiting = sum(not request.done() for request in waiting)
            finally:
                self.release.set()
            answered = await asyncio.gather(*waiting)
        return [r.status_code for r in answers], [r.status_code for r in answered], still_waiting
