"""Rasters of a remote store opened by GDAL (rasterio) through range reads of ours, not GDAL's HTTP client.

GDAL's `/vsis3/` costs a HEAD and several small GETs per open, and the API opens a COG once per level to learn
its layout and again per block it decodes: ~15 requests and ~200 ms before a frame's first tile. Here a
raster is a Python file object (rasterio's `opener`) whose first `HEADER_BYTES` (a COG keeps every level's
directory and tile index there) come from one GET per object identity, held in a bounded cache, so opening a
level makes no request at all; each block GDAL decodes is one range GET of exactly its bytes, and the blocks
a tile is about to decode are fetched at once (concurrent GETs: a frame's first tile spans up to four) when
the opener is told which (`blocks`). Every GET of
the header carries `If-Match: <ETag>`: the bytes are those of the identity the manifest's `head` reported,
or the open fails (a replaced object is never decoded as the one the caches key on).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

import rasterio
from rasterio.abc import FileContainer

from twf.storage.base import HEADER_BYTES, Block, ByteRange

HEADERS_KEPT = 2048  # objects whose header is held (32 MiB at most); forgotten wholesale beyond


class Header(NamedTuple):
    size: int  # of the whole object
    data: bytes  # its first HEADER_BYTES (all of it when smaller)


# Reads `(object, start, end, etag or None)` → (bytes, the object's size): a ranged GET.
RangeGet = Callable[[str, int, int, str | None], tuple[bytes, int]]
# Reads `(object, starts, ends)` → the bytes of each range, fetched concurrently.
RangesGet = Callable[[str, list[int], list[int]], list[bytes]]
Fetched = list[tuple[int, bytes]]  # (start, bytes) of ranges read ahead for one open


class RangedFile(io.RawIOBase):
    """One open of one object: reads inside the header come from memory, others are one range GET each."""

    def __init__(self, name: str, header: Header, get: RangeGet, fetched: Fetched) -> None:
        super().__init__()
        self._name, self._header, self._get, self._fetched = name, header, get, fetched
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._header.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def read(self, size: int = -1) -> bytes:
        end = self._header.size if size is None or size < 0 else min(self._pos + size, self._header.size)
        if end <= self._pos:
            return b""
        if end <= len(self._header.data):
            data = self._header.data[self._pos:end]
        else:
            data = self._read_ahead(self._pos, end) or self._get(self._name, self._pos, end, None)[0]
        self._pos += len(data)
        return data

    def _read_ahead(self, start: int, end: int) -> bytes:
        for first, data in self._fetched:
            if first <= start and end <= first + len(data):
                return data[start - first:end - first]
        return b""

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


class _Object(FileContainer):
    """The one object a `rasterio.open` reads, as rasterio's opener interface wants it. Only its own path
    exists: GDAL probes for sidecars (`.aux.xml`, `.xml`, `.aux`) on every open, and each it found would be
    read whole as XML: a GET of the entire object per probe (two per open, ~5 MB each for a 3 km frame)."""

    def __init__(self, path: str, name: str, header: Header, get: RangeGet) -> None:
        self._path, self._name, self._header, self._get = path, name, header, get
        self.fetched: Fetched = []  # filled after the open, read by every file of it

    def open(self, path: str, mode: str = "rb", **kwargs) -> RangedFile:
        if path != self._path:
            raise FileNotFoundError(path)
        return RangedFile(self._name, self._header, self._get, self.fetched)

    def isfile(self, path: str) -> bool:
        return path == self._path

    def isdir(self, path: str) -> bool:
        return False

    def ls(self, path: str) -> list[str]:
        return []

    def mtime(self, path: str) -> int:
        return 0

    def rm(self, path: str) -> None:
        raise PermissionError("read only")

    def size(self, path: str) -> int:
        if path != self._path:
            raise FileNotFoundError(path)
        return self._header.size


class RangedRasters:
    """Opens rasters of one remote store by range reads; one per store (the header cache is per process)."""

    def __init__(self, get: RangeGet, get_many: RangesGet) -> None:
        self._get, self._get_many = get, get_many
        self._headers: dict[tuple[str, Hashable], Header] = {}
        self._lock = threading.Lock()

    def header(self, name: str, identity: Hashable) -> Header:
        header = self._headers.get((name, identity))
        if header is None:
            data, size = self._get(name, 0, HEADER_BYTES, str(identity))
            header = self.hold(name, identity, Header(size, data))
        return header

    def hold(self, name: str, identity: Hashable, header: Header) -> Header:
        """Keep the header of one object version (read here, or by the store's `head_raster`)."""
        with self._lock:
            if len(self._headers) >= HEADERS_KEPT:
                self._headers.clear()
            self._headers[(name, identity)] = header
        return header

    def open(self, name: str, identity: Hashable, blocks: Sequence[Block] = (),
             **options) -> rasterio.DatasetReader:
        """`name` is the object's path in the bucket; `blocks` the (row, col) of the internal tiles about to
        be read, fetched now, concurrently, when there are several; `options` go to `rasterio.open` (e.g.
        overview_level). The opener's path carries the identity: GDAL never mistakes two versions of one
        key for one file."""
        header = self.header(name, identity)
        tag = "".join(c for c in str(identity) if c.isalnum()) or "none"
        path = f"{tag}/{name}"
        container = _Object(path, name, header, self._get)
        dataset = rasterio.open(path, opener=container, **options)
        if len(blocks) > 1:
            ranges = [r for r in (_block_range(dataset, block) for block in blocks) if r is not None]
            starts, ends = [start for start, _ in ranges], [end for _, end in ranges]
            container.fetched.extend(zip(starts, self._get_many(name, starts, ends), strict=True))
        return dataset

    def ranges(self, name: str, identity: Hashable, ranges: Sequence[ByteRange]) -> list[bytes]:
        """Byte ranges of one object version: those within its header from memory, the others fetched
        concurrently (one GET each, near ones merged)."""
        header = self.header(name, identity)
        held = len(header.data)
        outside = [(start, end) for start, end in ranges if end > held]
        fetched = dict(zip(outside, self._get_many(name, [s for s, _ in outside], [e for _, e in outside]),
                           strict=True)) if outside else {}
        return [header.data[start:end] if end <= held else fetched[(start, end)] for start, end in ranges]


def _block_range(dataset: rasterio.DatasetReader, block: Block) -> tuple[int, int] | None:
    """[start, end) of one internal tile's bytes in the file (GDAL's TIFF metadata); None when the tile is
    not stored (sparse)."""
    row, col = block
    offset = dataset.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=1)
    size = dataset.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=1)
    if not offset or not size or int(size) == 0:
        return None
    return int(offset), int(offset) + int(size)
