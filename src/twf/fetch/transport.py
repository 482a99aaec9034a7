"""Getting bytes from a URL: pooled HTTP with retries, backoff and the host's request budget; `file://` reads.

Retries (capped exponential backoff with jitter) cover what passes by itself: timeouts, dropped connections,
302 (NOMADS redirects when overloaded), 429 and 5xx. A 429 or 503 that says when to come back
(`Retry-After`, in seconds or as an HTTP date) is waited out instead, up to the backoff cap, so a client never
hangs for as long as a server asks. A 404 is not an error to retry here: the file is not there yet, which the
caller reports as NotYetAvailable; so are the other statuses a source names as `missing` (S3 answers 403 for
a missing key). Any other 4xx is an error naming the URL and status. Range bodies are returned with their
status and Content-Range for `validate` to judge; this module never decides that bytes are good.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from twf.errors import FetchError, NotYetAvailable
from twf.fetch.budget import MACHINE_BUDGETS, RateBudgets
from twf.fetch.idx import ByteRange

NOT_FOUND = frozenset({404})
RETRY_STATUSES = frozenset({302, 429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})  # where a server's Retry-After is honoured (RFC 9110 §10.2.3)


@dataclass(frozen=True)
class TransportPolicy:
    timeout_s: float = 30.0  # connect / read / write / pool, each
    deadline_s: float = 300.0  # a whole response, so a server trickling bytes cannot hold a worker forever
    attempts: int = 5
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    concurrency: int = 8  # ranges of one file fetched at once; also the connection pool size
    user_agent: str = "twf-models/3.0"


@dataclass(frozen=True)
class Response:
    url: str
    status: int
    body: bytes
    content_range: str | None
    last_modified: datetime | None
    retry_after: float | None = None  # seconds the server asked us to wait (429/503), if it said


class Transport:
    """One pooled HTTP client plus local-file reads. Thread-safe; share one per process where possible."""

    def __init__(
        self, policy: TransportPolicy = TransportPolicy(), budgets: RateBudgets = MACHINE_BUDGETS
    ) -> None:
        self.policy = policy
        self.budgets = budgets
        limits = httpx.Limits(
            max_connections=policy.concurrency * 2, max_keepalive_connections=policy.concurrency
        )
        self._client = httpx.Client(
            # waiting for a connection of our own pool is queueing (a run total's files and their ranges
            # share it), not a network fault: only connect/read/write time out
            timeout=httpx.Timeout(policy.timeout_s, pool=None),
            limits=limits,
            follow_redirects=False,
            headers={"User-Agent": policy.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(
        self, url: str, rng: ByteRange | None = None, *, missing: frozenset[int] = NOT_FOUND
    ) -> Response:
        """GET the URL (or one range of it). NotYetAvailable on a `missing` status, FetchError on other
        4xx and once retries run out."""
        if url.startswith("file://"):
            return _read_local(url, rng)
        headers = {"Range": rng.header} if rng else {}
        return self._with_retries("GET", url, headers, missing)

    def head(self, url: str, *, missing: frozenset[int] = NOT_FOUND) -> Response:
        if url.startswith("file://"):
            return _stat_local(url)
        return self._with_retries("HEAD", url, {}, missing)

    def _with_retries(
        self, method: str, url: str, headers: dict[str, str], missing: frozenset[int]
    ) -> Response:
        what = f"{method} {url}" + (f" [{headers['Range']}]" if headers else "")
        problem = "no attempt made"
        asked: float | None = None  # the last answer's Retry-After
        for attempt in range(self.policy.attempts):
            if attempt:
                time.sleep(self._backoff(attempt, asked))
            asked = None
            self.budgets.acquire(urlsplit(url).hostname or "")
            try:
                response = self._once(method, url, headers)
            except (httpx.TimeoutException, _DeadlineExceeded) as exc:
                problem = f"timed out ({type(exc).__name__})"
                continue
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})"
                continue
            if response.status in missing:
                raise NotYetAvailable(f"{what}: HTTP {response.status} (not published yet)")
            if response.status in RETRY_STATUSES:
                problem = f"HTTP {response.status}"
                if response.status in RETRY_AFTER_STATUSES:
                    asked = response.retry_after
                continue
            if response.status >= 400:
                raise FetchError(f"{what}: HTTP {response.status} {_phrase(response.status)}".rstrip())
            return response
        raise FetchError(f"{what}: {problem} after {self.policy.attempts} attempts")

    def _backoff(self, attempt: int, asked: float | None = None) -> float:
        """The server's Retry-After when it gave one, else exponential with jitter; both capped."""
        if asked is not None:
            return min(self.policy.backoff_cap_s, asked)
        ceiling = min(self.policy.backoff_cap_s, self.policy.backoff_base_s * 2 ** (attempt - 1))
        return ceiling * random.uniform(0.5, 1.0)

    def _once(self, method: str, url: str, headers: dict[str, str]) -> Response:
        deadline = time.monotonic() + self.policy.deadline_s
        with self._client.stream(method, url, headers=headers) as r:
            chunks = []
            for chunk in r.iter_bytes():
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _DeadlineExceeded(url)
            return Response(
                url,
                r.status_code,
                b"".join(chunks),
                r.headers.get("content-range"),
                _parse_http_date(r.headers.get("last-modified")),
                parse_retry_after(r.headers.get("retry-after")),
            )


@contextmanager
def borrowed(transport: Transport | None) -> Iterator[Transport]:
    """The caller's transport (left open), or a fresh one closed on exit."""
    if transport is not None:
        yield transport
        return
    with Transport() as own:
        yield own


class _DeadlineExceeded(Exception):
    """A response that kept sending past the policy's deadline."""


def _parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (`120` or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = _parse_http_date(value)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _local_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def _stat_local(url: str) -> Response:
    path = _local_path(url)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NotYetAvailable(f"{path}: no such file in the mirror") from None
    return Response(url, 200, b"", None, datetime.fromtimestamp(stat.st_mtime, UTC))


def _read_local(url: str, rng: ByteRange | None) -> Response:
    """A mirror file read the way a bucket serves it, so the same validation applies to both."""
    head = _stat_local(url)
    path = _local_path(url)
    with open(path, "rb") as f:
        if rng is None:
            return Response(url, 200, f.read(), None, head.last_modified)
        size = path.stat().st_size
        if rng.start >= size:
            raise FetchError(f"{path} [{rng.header}]: file has only {size} bytes")
        f.seek(rng.start)
        body = f.read(rng.length if rng.length is not None else -1)
    end = rng.start + len(body) - 1
    return Response(url, 206, body, f"bytes {rng.start}-{end}/{size}", head.last_modified)
