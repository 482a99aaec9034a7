"""A real HTTP server on 127.0.0.1 that imitates a NOAA bucket, with fault injection.

Objects are served by key with HEAD, GET, single `Range: bytes=a-b` / `bytes=a-` (206 + Content-Range) and
Last-Modified, over keep-alive HTTP/1.1 like S3. Faults are queued per key and each is consumed by one
request: a status code (with a Retry-After header as `503 retry-after=VALUE`), `full200` (ignore Range),
`short` (206 whose body stops early but whose headers agree with it, so only the length check can notice),
`hang` (sleep before answering), `reset` (headers and half the body, then a TCP reset), `slow` (the body
trickled in small pieces for `slow_seconds`), `stale` (the range read from the file as rewritten since its
`.idx`: other bytes at those offsets). An object may be declared to appear only after some requests got a
404 (or the bucket's `missing_status`), or to vanish after some requests were answered.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

_RANGE_RE = re.compile(r"^bytes=(\d+)-(\d*)$")
OLD = time.time() - 3600.0  # a Last-Modified an hour ago: stable for any guard
STALE_PREFIX = b"GRIB" + bytes(3996)  # what a rewritten file holds before the bytes its old `.idx` names


@dataclass
class StoredObject:
    data: bytes
    last_modified: float = OLD
    missing_for: int = 0  # requests still answered 404 before the object "appears"
    present_for: int | None = None  # requests still answered before the object "vanishes" (None: never)


@dataclass
class Bucket:
    objects: dict[str, StoredObject] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    log: list[tuple[float, str, str, str | None]] = field(default_factory=list)  # (time, method, key, range)
    hang_seconds: float = 2.0
    slow_seconds: float = 2.0  # how long a `slow` answer takes to trickle its body
    latency_seconds: float = 0.0  # before every answer: imitates a distant bucket (benchmark)
    missing_status: int = 404  # S3 answers 403 for a missing key when the caller may not list the bucket
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, key: str, data: bytes, *, last_modified: float = OLD, missing_for: int = 0,
            present_for: int | None = None) -> None:
        self.objects[key] = StoredObject(data, last_modified, missing_for, present_for)

    def fail(self, key: str, *faults: str) -> None:
        self.faults[key].extend(faults)

    def requests_for(self, key: str, method: str = "GET") -> list[tuple[float, str, str, str | None]]:
        return [r for r in self.log if r[2] == key and r[1] == method]

    def _take(self, key: str) -> tuple[StoredObject | None, str | None]:
        with self.lock:
            fault = self.faults[key].pop(0) if self.faults.get(key) else None
            obj = self.objects.get(key)
            if obj is not None and obj.missing_for > 0:
                obj.missing_for -= 1
                obj = None
            elif obj is not None and obj.present_for is not None:
                obj.present_for -= 1
                obj = obj if obj.present_for >= 0 else None
            return obj, fault


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: BucketServer

    def log_message(self, *args: object) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        bucket = self.server.bucket
        key = unquote(urlsplit(self.path).path).lstrip("/")
        rng = self.headers.get("Range")
        with bucket.lock:
            bucket.log.append((time.monotonic(), self.command, key, rng))
        obj, fault = bucket._take(key)
        if bucket.latency_seconds:
            time.sleep(bucket.latency_seconds)
        if fault == "hang":
            time.sleep(bucket.hang_seconds)
            fault = None
        status, _, retry_after = (fault or "").partition(" retry-after=")
        if status.isdigit():
            return self._send(int(status), b"error", head, retry_after=retry_after or None)
        if obj is None:
            code = "NoSuchKey" if bucket.missing_status == 404 else "AccessDenied"
            return self._send(bucket.missing_status, f"<Error><Code>{code}</Code></Error>".encode(), head)
        data = STALE_PREFIX + obj.data if fault == "stale" else obj.data
        total = len(data)
        m = _RANGE_RE.match(rng or "")
        if fault == "full200" or m is None:
            return self._send(200, data, head, obj)
        start = int(m.group(1))
        end = min(int(m.group(2)) if m.group(2) else total - 1, total - 1)
        if start >= total:
            return self._send(416, b"", head, obj, content_range=f"bytes */{total}")
        body = data[start : end + 1]
        if fault == "short":
            body = body[: len(body) // 2]
        if fault in ("reset", "slow"):
            return self._misbehave(fault, body, obj, f"bytes {start}-{end}/{total}")
        self._send(206, body, head, obj, content_range=f"bytes {start}-{end}/{total}")

    def _misbehave(self, fault: str, body: bytes, obj: StoredObject, content_range: str) -> None:
        """A 206 whose body is cut by a TCP reset, or trickled over `slow_seconds`."""
        self.send_response(206)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Range", content_range)
        self.send_header("Last-Modified", formatdate(obj.last_modified, usegmt=True))
        self.end_headers()
        try:
            if fault == "reset":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()  # linger 0: the close sends RST, not FIN
                self.close_connection = True
                return
            pieces = 20
            step = max(1, -(-len(body) // pieces))
            for i in range(0, len(body), step):
                self.wfile.write(body[i : i + step])
                self.wfile.flush()
                time.sleep(self.server.bucket.slow_seconds / pieces)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _send(
        self,
        status: int,
        body: bytes,
        head: bool,
        obj: StoredObject | None = None,
        content_range: str | None = None,
        retry_after: str | None = None,
    ) -> None:
        self.send_response(status)
        if retry_after:
            self.send_header("Retry-After", retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        if obj is not None:
            self.send_header("Last-Modified", formatdate(obj.last_modified, usegmt=True))
        if content_range:
            self.send_header("Content-Range", content_range)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass


class BucketServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, bucket: Bucket) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bucket = bucket
        self._thread = threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self) -> BucketServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
