"""`LocalStore`: objects as files under one folder, with the crash-safety of `twf.atomic`.

A key is a relative path. Whole-object writes go to a temporary sibling, are fsynced and renamed over the
final name; placed files are hard links (or durable copies across filesystems) renamed into place, made
durable by one `sync` of their directories per batch. Conditional writes: `create` links a complete temporary
file to the final name (the kernel refuses if it exists); `replace` compares and renames under a lock file.
Writers of one model are serialised by an advisory `flock` the kernel drops when its holder dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
from collections.abc import Hashable, Iterable, Iterator, Sequence
from pathlib import Path

from twf.atomic import fsync_dir, is_temp, place_file, write_bytes_atomic
from twf.errors import InvalidPathSegment, ObjectNotFound, WriteConflict
from twf.storage.base import ByteRange, ObjectInfo, ObjectStore

CAS_LOCK = ".cas.lock"  # at the root: held for the microseconds of a compare-and-rename
KEPT_LEVELS = 2  # `published/hrrr`: emptied folders are removed below this depth, never at it


def _info(st: os.stat_result) -> ObjectInfo:
    return ObjectInfo(st.st_size, (st.st_ino, st.st_mtime_ns, st.st_size))


def read_file_ranges(path: str | Path, identity: Hashable, ranges: Sequence[ByteRange]) -> list[bytes]:
    """Ranges of a local file in one open (`ObjectStore.read_raster_ranges` of a local store)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        return [os.pread(fd, end - start, start) for start, end in ranges]
    finally:
        os.close(fd)


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _parts(key: str) -> list[str]:
    """The segments of a plain relative key; InvalidPathSegment for anything else."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") or "\x00" in p for p in parts):
        raise InvalidPathSegment(f"storage key {key!r} is not a plain relative key")
    return parts


class LocalStore(ObjectStore):
    revalidate_seconds = 0.0

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.url = str(self.root)
        self._root = str(self.root)

    def __repr__(self) -> str:
        return f"LocalStore({self.url!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalStore) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def check(self) -> None:
        """A folder needs nothing checked ahead: writers create what they need, readers find nothing."""

    def path(self, key: str) -> Path:
        """The file of `key`. Keys are relative and plain (the layout validates every segment); anything else
        is refused, so no key names a file outside the root."""
        return self.root.joinpath(*_parts(key))

    def _file(self, key: str) -> str:
        """`path` as a string: what the readers' hot paths open (building a Path costs more than the read)."""
        _parts(key)
        return f"{self._root}/{key}"

    def _folder(self, prefix: str) -> Path:
        """The folder of a prefix; "" is the root."""
        return self.path(prefix) if prefix else self.root

    def _key(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def put(self, key: str, data: bytes) -> ObjectInfo:
        path = self.path(key)
        write_bytes_atomic(path, data)
        return _info(path.stat())

    def put_file(self, key: str, source: Path) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        place_file(Path(source), path)

    def copy(self, source_key: str, key: str) -> None:
        self.put_file(key, self.path(source_key))

    def sync(self, keys: Iterable[str]) -> None:
        """fsync each folder that got new (or lost) entries and its parents up to the area (`published`, ...),
        so new folders are durable too; deepest first, each once (a folder a delete removed is skipped)."""
        pending: set[Path] = set()
        for key in keys:
            folder = self.path(key).parent
            while folder != self.root and self.root in folder.parents:
                pending.add(folder)
                folder = folder.parent
        for folder in sorted(pending, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(FileNotFoundError):
                fsync_dir(folder)

    def get(self, key: str) -> bytes:
        try:
            with open(self._file(key), "rb") as f:
                return f.read()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(f"{key} is not in the store") from None

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        try:
            with open(self._file(key), "rb") as f:
                return f.read(), _info(os.fstat(f.fileno()))
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(f"{key} is not in the store") from None

    def get_range(self, key: str, start: int, length: int) -> bytes:
        try:
            fd = os.open(self._file(key), os.O_RDONLY)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(f"{key} is not in the store") from None
        try:
            return os.pread(fd, length, start)
        except IsADirectoryError:
            raise ObjectNotFound(f"{key} is not in the store") from None
        finally:
            os.close(fd)

    def head(self, key: str) -> ObjectInfo | None:
        try:
            st = os.stat(self._file(key))
        except (FileNotFoundError, NotADirectoryError):
            return None
        return _info(st)

    def delete(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        self._prune(path.parent)

    def delete_prefix(self, prefix: str) -> None:
        path = self.path(prefix)
        shutil.rmtree(path, ignore_errors=True)
        self._prune(path.parent)

    def _prune(self, folder: Path) -> None:
        """Remove folders a delete left empty, up to `published/{model}` (writers recreate what they need)."""
        while self.root in folder.parents and len(folder.relative_to(self.root).parts) > KEPT_LEVELS:
            try:
                folder.rmdir()
            except FileNotFoundError:
                pass  # removed by an interrupted delete before: its parent may still be empty
            except OSError:
                return
            folder = folder.parent

    def list(self, prefix: str) -> Iterator[str]:
        top = self._folder(prefix)
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith("."):
                    yield self._key(Path(folder) / name)

    def children(self, prefix: str) -> set[str]:
        try:
            return {p.name for p in self._folder(prefix).iterdir() if not p.name.startswith(".")}
        except (FileNotFoundError, NotADirectoryError):
            return set()

    def create(self, key: str, data: bytes) -> ObjectInfo:
        path = self.path(key)
        try:
            write_bytes_atomic(path, data, exclusive=True)
        except FileExistsError:
            raise WriteConflict(f"{key} was created by another writer") from None
        return _info(path.stat())

    def replace(self, key: str, data: bytes, expected: ObjectInfo) -> ObjectInfo:
        with _flock(self.root / CAS_LOCK):
            if self.head(key) != expected:
                raise WriteConflict(f"{key} was changed by another writer")
            return self.put(key, data)

    def gdal_path(self, key: str) -> str:
        return str(self.path(key))

    def read_raster_ranges(self, path: str, identity: Hashable, ranges: Sequence[ByteRange]) -> list[bytes]:
        return read_file_ranges(path, identity, ranges)

    def writer_lock(self, key: str) -> contextlib.AbstractContextManager:
        return _flock(self.path(key))

    def scratch_dir(self, prefix: str) -> Path:
        path = self._folder(prefix)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def release_scratch(self, prefix: str) -> None:
        folder = self._folder(prefix)
        if folder == self.root:
            return  # the store's own folder stays, empty or not
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when the build left nothing there
        if not folder.exists():
            self._prune(folder.parent)

    def partial_writes(self, prefix: str, recursive: bool = False) -> list[str]:
        folder = self._folder(prefix)
        if not folder.is_dir():
            return []
        found = folder.rglob(".*") if recursive else folder.glob(".*")
        return sorted(self._key(p) for p in found if is_temp(p))
