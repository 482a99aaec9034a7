"""A local cache of downloaded GRIB byte ranges, safe for concurrent writers and bounded in size.

Keyed by source URL + byte range + the inventory's Last-Modified (a republished file gets a new key, so a
cache can never serve bytes of an older upload). Entries are written to a unique temporary file and renamed
into place, so a reader sees either nothing or a whole entry, however many threads or processes share the
folder. Only bytes that passed validation are ever stored; reads re-check them anyway (a disk can lie).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024**3  # ~ two full HRRR runs' worth of one frame set of variables


def write_atomic(final: Path, data: bytes) -> None:
    """Replace `final` with `data` in one step, via a temp file unique to this writer (thread or process)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


class DownloadCache:
    """Byte ranges on disk under `root`, evicting least recently used entries beyond `max_bytes`."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._size: int | None = None  # measured on the first put: a read-only user never walks the folder

    @staticmethod
    def key(url: str, byte_range: str, version: str = "") -> str:
        return hashlib.sha256(f"{url}\n{byte_range}\n{version}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.bin"

    def _entries(self) -> list[Path]:
        return [p for p in self.root.glob("??/*.bin")] if self.root.is_dir() else []

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        with contextlib.suppress(FileNotFoundError):
            os.utime(path)  # recency for eviction
        return data

    def put(self, key: str, data: bytes) -> None:
        current = self.size_bytes  # measured before this entry lands, so it is counted once
        write_atomic(self._path(key), data)
        with self._lock:
            self._size = max(current, self._size or 0) + len(data)
            if self._size > self.max_bytes:
                self._evict()

    def discard(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def _measure(self) -> int:
        total = 0
        for path in self._entries():
            with contextlib.suppress(FileNotFoundError):
                total += path.stat().st_size
        return total

    def _evict(self) -> None:
        """Drop oldest-used entries until the cache is at most 90% full (room for the next few puts)."""
        stats = []
        for path in self._entries():
            with contextlib.suppress(FileNotFoundError):
                stats.append((path.stat().st_mtime, path.stat().st_size, path))
        stats.sort()
        self._size = sum(size for _, size, _ in stats)
        target = self.max_bytes * 0.9
        for _, size, path in stats:
            if self._size <= target:
                break
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self._size -= size

    @property
    def size_bytes(self) -> int:
        with self._lock:
            if self._size is None:
                self._size = self._measure()
            return self._size
