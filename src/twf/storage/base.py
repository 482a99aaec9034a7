"""The storage interface every reader and writer of staged and published data goes through.

Objects are named by keys (`published/hrrr/20260129_17z/tmp2m/fh001.rgba.cog.tif`, laid out by `twf.store`)
and are written whole: a reader sees nothing, the previous object or the complete new one, never part of
one. Published objects are immutable once a manifest lists them; manifests, `LATEST.json` and the run index
are replaced by compare-and-swap (`create`, `replace`), so two writers can never commit over each other.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

Block = tuple[int, int]  # (row, col) of an internal tile of one level of a raster
ByteRange = tuple[int, int]  # [start, end) of an object's bytes
# A raster's first bytes: a COG keeps every level's directory and tile index there (the API's frames need
# < 4 KiB), so its layout is read from them without a request per level.
HEADER_BYTES = 16 << 10


class ObjectInfo(NamedTuple):
    """What `head` tells: the size, and an identity that changes whenever the object is replaced (local:
    inode, mtime and size; S3: the ETag, which changes with the bytes, and manifests carry a generation number
    so two writes of one document never have the same bytes)."""

    size: int
    identity: Hashable


class ObjectStore(ABC):
    """One backend: `LocalStore` (a POSIX folder) or `S3Store` (an S3 bucket and prefix)."""

    url: str  # where the store is, for messages (a folder path or `s3://bucket/prefix`)
    # How long a reader may trust a committed document (manifest, LATEST.json, run index) it has read before
    # asking the store again: 0 = every request asks (a local `stat` costs a microsecond).
    revalidate_seconds: float = 0.0

    @abstractmethod
    def check(self) -> None:
        """StorageUnavailable (one line) unless the store can be used: the bucket exists, the credentials are
        accepted, the endpoint answers. Commands call it before doing anything."""

    @abstractmethod
    def put(self, key: str, data: bytes) -> ObjectInfo:
        """Write a whole object, durably and atomically (replacing any previous one)."""

    @abstractmethod
    def put_file(self, key: str, source: Path) -> None:
        """Place a local file as an object, atomically; durable only after `sync` of its key."""

    @abstractmethod
    def copy(self, source_key: str, key: str) -> None:
        """Place a copy of another object of this store, atomically; durable only after `sync`."""

    @abstractmethod
    def sync(self, keys: Iterable[str]) -> None:
        """Make the objects placed by `put_file`/`copy` (or removed by `delete`) under these keys durable (one
        batch, before a commit)."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The whole object. Raises ObjectNotFound."""

    @abstractmethod
    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        """The whole object and the identity of exactly those bytes (for compare-and-swap and caches)."""

    @abstractmethod
    def get_range(self, key: str, start: int, length: int) -> bytes:
        """`length` bytes from `start` (fewer at the end of the object). Raises ObjectNotFound."""

    @abstractmethod
    def head(self, key: str) -> ObjectInfo | None:
        """Size and identity, or None when there is no such object."""

    def head_raster(self, key: str) -> ObjectInfo | None:
        """`head` of a raster about to be read: a remote store reads its first `HEADER_BYTES` with it (one
        request instead of two before a frame's first tile)."""
        return self.head(key)

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove an object; a missing one is fine."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under `prefix/` (retention, superseded staging)."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[str]:
        """Every object key under `prefix/`. For `twf check`, retention and admin only: readers of committed
        state follow manifests, never listings."""

    @abstractmethod
    def children(self, prefix: str) -> set[str]:
        """Names of the objects and sub-prefixes directly under `prefix/` (check, retention, admin only)."""

    @abstractmethod
    def create(self, key: str, data: bytes) -> ObjectInfo:
        """Write only if no object has this key (`If-None-Match: *`). Raises WriteConflict otherwise."""

    @abstractmethod
    def replace(self, key: str, data: bytes, expected: ObjectInfo) -> ObjectInfo:
        """Write only if the object is still the one `expected` describes (`If-Match`); else WriteConflict."""

    @abstractmethod
    def gdal_path(self, key: str) -> str:
        """The path GDAL (rasterio) opens the object by: a file path, or `/vsis3/...` with `gdal_env`."""

    def gdal_env(self) -> contextlib.AbstractContextManager:
        """The GDAL configuration `gdal_path` needs (none for local files)."""
        return contextlib.nullcontext()

    def open_raster(self, path: str, identity: Hashable, blocks: Sequence[Block] = (), **options):
        """A rasterio dataset of the object at `gdal_path` `path` whose `head` reported `identity`, for
        reading (`options` go to `rasterio.open`, e.g. overview_level): the API's caches open rasters only
        through this, so a remote store can read them its own way (`twf.storage.ranged`). `blocks`: the
        (row, col) of the internal tiles the caller is about to read, which a remote store may fetch at
        once; a local file needs no read-ahead."""
        import rasterio  # only processes that read rasters load GDAL

        with self.gdal_env():
            return rasterio.open(path, **options)

    @abstractmethod
    def read_raster_ranges(self, path: str, identity: Hashable, ranges: Sequence[ByteRange]) -> list[bytes]:
        """Bytes [start, end) of the object at `gdal_path` `path` whose `head` reported `identity` (fewer at
        its end), for the API's decoder of internal tiles (`twf.api.cog_tiles`), which needs no GDAL open: a
        remote store reads the ranges at once and answers those within the first `HEADER_BYTES` from the
        header it keeps per object version."""

    @abstractmethod
    def writer_lock(self, key: str) -> contextlib.AbstractContextManager:
        """Serialise the writers of one model's committed state on this host (publish, retention, check
        --fix). Across hosts the conditional writes of the committed documents keep commits whole."""

    @abstractmethod
    def scratch_dir(self, prefix: str) -> Path:
        """A local folder for files about to be placed under `prefix` (the builder's and fetcher's scratch),
        created if needed: on the same filesystem for a local store, so placing them costs a rename."""

    @abstractmethod
    def release_scratch(self, prefix: str) -> None:
        """Done with `scratch_dir(prefix)`: the folder goes if nothing is left in it."""

    def partial_writes(self, prefix: str, recursive: bool = False) -> list[str]:
        """Leftovers of writes a dead process began under `prefix/` (local temp files), as keys."""
        return []

    def discard_partial(self, prefixes: Iterable[str]) -> None:
        """Remove the leftovers of interrupted writes directly under these prefixes (under a writer lock)."""
        for prefix in prefixes:
            for key in self.partial_writes(prefix):
                self.delete(key)
