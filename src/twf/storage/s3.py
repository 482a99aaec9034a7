"""`S3Store`: objects in an S3 bucket under a prefix, through obstore (and GDAL's `/vsis3/` for rasters).

Every object is written whole by one PUT (or a multipart upload, which S3 makes visible only once complete),
so a reader sees the previous object or the new one. Conditional writes are S3's: `If-None-Match: *` for
`create`, `If-Match: <ETag>` for `replace` (412 → WriteConflict). A server-side copy places a staged object
under `published/`. Identity is the ETag (which changes with the bytes; committed documents carry a
generation number so two writes of one are never the same bytes).

Readers must not ask the store per request: a committed document may be trusted for `revalidate_seconds`
(`TWF_STORAGE_REVALIDATE_SECONDS`), and objects a manifest lists are immutable. The API opens rasters by
range reads of ours (`open_raster`, `twf.storage.ranged`); the writers' own reads go through GDAL's
`/vsis3/bucket/prefix/key` inside the store's `gdal_env()` (GDAL options of this thread for as long as it
lasts, so two stores of one process never read through each other's endpoint), its HTTP cache off for the
bucket (`CPL_VSIL_CURL_NON_CACHED`), since a staged key can be rebuilt and a deleted frame published again.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import obstore
import rasterio
from obstore.exceptions import AlreadyExistsError, NotFoundError, PreconditionError
from obstore.store import S3Store as ObstoreS3
from rasterio.session import Session

from twf.config import S3Credentials
from twf.errors import InvalidPathSegment, ObjectNotFound, StorageUnavailable, WriteConflict
from twf.storage.base import HEADER_BYTES, Block, ByteRange, ObjectInfo, ObjectStore
from twf.storage.ranged import Header, RangedRasters

DELETE_BATCH = 1000  # S3's DeleteObjects limit
TIMEOUT = "30s"
CONNECT_TIMEOUT = "5s"
RETRIES = {"max_retries": 2, "retry_timeout": timedelta(seconds=10),
           "backoff": {"init_backoff": timedelta(milliseconds=50), "max_backoff": timedelta(seconds=1),
                       "base": 2.0}}


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str  # no leading or trailing "/"; may be empty
    endpoint: str | None  # e.g. http://127.0.0.1:8333; None: AWS itself

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """`s3://bucket/prefix?endpoint=http://127.0.0.1:8333` (StorageUnavailable when malformed)."""
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        unknown = set(query) - {"endpoint"}
        if parts.scheme != "s3" or not parts.netloc or unknown or parts.fragment:
            raise StorageUnavailable(
                f"TWF_STORAGE_URL {url!r} is not s3://BUCKET[/PREFIX][?endpoint=http://HOST:PORT]"
                + (f" (unknown parameter {', '.join(sorted(unknown))})" if unknown else ""))
        endpoint = query.get("endpoint", [None])[0]
        if endpoint is not None:
            ep = urlsplit(endpoint)
            if ep.scheme not in ("http", "https") or not ep.hostname or ep.path not in ("", "/"):
                raise StorageUnavailable(f"TWF_STORAGE_URL endpoint {endpoint!r} is not http(s)://HOST[:PORT]")
        prefix = parts.path.strip("/")
        if any(p in ("", ".", "..") for p in prefix.split("/")) and prefix:
            raise StorageUnavailable(f"TWF_STORAGE_URL prefix {prefix!r} is not a plain path")
        return cls(parts.netloc, prefix, endpoint.rstrip("/") if endpoint else None)

    @property
    def url(self) -> str:
        path = f"/{self.prefix}" if self.prefix else ""
        return f"s3://{self.bucket}{path}" + (f"?endpoint={self.endpoint}" if self.endpoint else "")


def _error(exc: Exception, what: str) -> StorageUnavailable:
    """One line for a store that cannot be used (wrong credentials, no bucket, unreachable endpoint)."""
    text = " ".join(str(exc).split())
    for marker, meaning in (("NoSuchBucket", "the bucket does not exist"),
                            ("InvalidAccessKeyId", "the access key is not known (wrong credentials)"),
                            ("SignatureDoesNotMatch", "the secret key does not match (wrong credentials)"),
                            ("AccessDenied", "access denied (wrong credentials?)"),
                            ("error sending request", "the endpoint cannot be reached"),
                            ("Connection refused", "the endpoint cannot be reached")):
        if marker in text:
            return StorageUnavailable(f"{what}: {meaning}")
    return StorageUnavailable(f"{what}: {text[:300]}")


class S3Store(ObjectStore):
    def __init__(self, url: str, credentials: S3Credentials, revalidate_seconds: float = 2.0,
                 scratch_root: Path | None = None) -> None:
        self.location = S3Location.parse(url)
        self.url = self.location.url
        self.credentials = credentials
        self.revalidate_seconds = revalidate_seconds
        self._scratch_root = scratch_root or Path(tempfile.gettempdir()) / "twf-scratch"
        if not credentials.access_key_id or not credentials.secret_access_key:
            raise StorageUnavailable(f"{self.url}: no credentials (set AWS_ACCESS_KEY_ID and "
                                     "AWS_SECRET_ACCESS_KEY)")
        options = {"allow_http": True, "timeout": TIMEOUT, "connect_timeout": CONNECT_TIMEOUT}
        config = {"endpoint": self.location.endpoint, "session_token": credentials.session_token}
        self._store = ObstoreS3(
            self.location.bucket, region=credentials.region, access_key_id=credentials.access_key_id,
            secret_access_key=credentials.secret_access_key, virtual_hosted_style_request=False,
            client_options=options, retry_config=RETRIES, **{k: v for k, v in config.items() if v},
        )
        self._rasters = RangedRasters(self._ranged, self._ranges)
        self._gdal_session = _GdalSession(gdal_options(self))

    def __repr__(self) -> str:
        return f"S3Store({self.url!r})"

    def check(self) -> None:
        """Fail early with one clear line when the bucket cannot be listed with these credentials."""
        try:
            obstore.list_with_delimiter(self._store, prefix=self._folder(""))
        except Exception as exc:  # noqa: BLE001 - every failure here is a configuration problem
            raise _error(exc, f"cannot use {self.url}") from None

    def _path(self, key: str) -> str:
        """The object name of a key; keys are plain and relative (the layout validates every segment)."""
        if not key or key.startswith("/") or any(p in ("", ".", "..") for p in key.split("/")):
            raise InvalidPathSegment(f"storage key {key!r} is not a plain relative key")
        return f"{self.location.prefix}/{key}" if self.location.prefix else key

    def _key(self, path: str) -> str:
        return path[len(self.location.prefix) + 1:] if self.location.prefix else path

    def _folder(self, prefix: str) -> str | None:
        """The listing prefix of a folder-like prefix ("" is the store's whole prefix; None: the bucket)."""
        path = self._path(prefix) if prefix else self.location.prefix
        return f"{path}/" if path else None

    def put(self, key: str, data: bytes) -> ObjectInfo:
        result = self._call(obstore.put, self._path(key), data)
        return ObjectInfo(len(data), result["e_tag"])

    def put_file(self, key: str, source: Path) -> None:
        self._call(obstore.put, self._path(key), Path(source))

    def copy(self, source_key: str, key: str) -> None:
        self._call(obstore.copy, self._path(source_key), self._path(key))

    def sync(self, keys: Iterable[str]) -> None:
        """A PUT or copy is durable once answered."""

    def get(self, key: str) -> bytes:
        return self.get_with_info(key)[0]

    def get_with_info(self, key: str) -> tuple[bytes, ObjectInfo]:
        result = self._call(obstore.get, self._path(key), missing=key)
        data = bytes(result.bytes())
        return data, ObjectInfo(len(data), result.meta["e_tag"])

    def get_range(self, key: str, start: int, length: int) -> bytes:
        """One ranged GET, no HEAD first: S3 ends a range at the object's end, and a range starting past it
        is an empty answer here (416 there)."""
        if length <= 0:
            return b""
        return self._ranged(self._path(key), start, start + length, None, missing=key)[0]

    def _ranged(self, path: str, start: int, end: int, etag: str | None,
                missing: str | None = None) -> tuple[bytes, int]:
        """Bytes [start, end) of an object (fewer at its end; none past it) and the object's size. With
        `etag`, only of that version: a replaced object is ObjectNotFound, as a deleted one."""
        options: dict = {"range": (start, end)} | ({"if_match": etag} if etag is not None else {})
        try:
            result = obstore.get(self._store, path, options=options)
            return bytes(result.bytes()), result.meta["size"]
        except PreconditionError:
            raise ObjectNotFound(f"{missing or path} changed since it was listed") from None
        except Exception as exc:  # noqa: BLE001
            if "416" in str(exc):  # the range starts at or past the end
                return b"", -1
            raise self._failure(exc, "get_range", missing or path) from None

    def _ranges(self, path: str, starts: list[int], ends: list[int]) -> list[bytes]:
        """Several ranges of one object, fetched concurrently (near ones merged into one GET)."""
        try:
            return [bytes(b) for b in obstore.get_ranges(self._store, path, starts=starts, ends=ends)]
        except Exception as exc:  # noqa: BLE001
            raise self._failure(exc, "get_ranges", path) from None

    def head(self, key: str) -> ObjectInfo | None:
        try:
            meta = obstore.head(self._store, self._path(key))
        except (FileNotFoundError, NotFoundError) as exc:
            if "NoSuchBucket" in str(exc):
                raise _error(exc, f"{self.url}: head {key}") from None
            return None
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, f"{self.url}: head {key}") from None
        return ObjectInfo(meta["size"], meta["e_tag"])

    def head_raster(self, key: str) -> ObjectInfo | None:
        """A GET of the first `HEADER_BYTES` instead of a HEAD: its ETag and size are the head's, and its
        bytes the header every read of the raster starts from (held for them)."""
        path = self._path(key)
        try:
            result = obstore.get(self._store, path, options={"range": (0, HEADER_BYTES)})
            data = bytes(result.bytes())
        except (FileNotFoundError, NotFoundError) as exc:
            if "NoSuchBucket" in str(exc):
                raise _error(exc, f"{self.url}: head {key}") from None
            return None
        except Exception as exc:  # noqa: BLE001
            if "416" in str(exc):  # an empty object: no range of it
                return self.head(key)
            raise _error(exc, f"{self.url}: head {key}") from None
        info = ObjectInfo(result.meta["size"], result.meta["e_tag"])
        self._rasters.hold(path, info.identity, Header(info.size, data))
        return info

    def delete(self, key: str) -> None:
        self._call(obstore.delete, self._path(key))

    def delete_prefix(self, prefix: str) -> None:
        paths = [self._path(key) for key in self.list(prefix)]
        for start in range(0, len(paths), DELETE_BATCH):
            self._call(obstore.delete, paths[start:start + DELETE_BATCH])

    def list(self, prefix: str) -> Iterator[str]:
        try:
            for batch in obstore.list(self._store, prefix=self._folder(prefix)):
                for meta in batch:
                    if not meta["path"].endswith("/"):  # a folder marker of some servers, not an object
                        yield self._key(meta["path"])
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, f"{self.url}: list {prefix}") from None

    def children(self, prefix: str) -> set[str]:
        """Objects and sub-prefixes that hold objects: some servers (SeaweedFS) keep a deleted folder as an
        empty prefix, which on AWS would not exist."""
        folder = self._folder(prefix)
        listed = self._call(obstore.list_with_delimiter, prefix=folder)
        cut = len(folder or "")
        names = {p[cut:].rstrip("/") for p in listed["common_prefixes"] if self._holds_objects(p)}
        return (names | {meta["path"][cut:] for meta in listed["objects"]}) - {""}

    def _holds_objects(self, path: str) -> bool:
        return any(not meta["path"].endswith("/")
                   for batch in self._call(obstore.list, prefix=path, chunk_size=16) for meta in batch)

    def create(self, key: str, data: bytes) -> ObjectInfo:
        try:
            result = obstore.put(self._store, self._path(key), data, mode="create")
        except (AlreadyExistsError, PreconditionError):
            raise WriteConflict(f"{key} was created by another writer") from None
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, f"{self.url}: create {key}") from None
        return ObjectInfo(len(data), result["e_tag"])

    def replace(self, key: str, data: bytes, expected: ObjectInfo) -> ObjectInfo:
        try:
            result = obstore.put(self._store, self._path(key), data, mode={"e_tag": str(expected.identity)})
        except (PreconditionError, AlreadyExistsError, NotFoundError, FileNotFoundError):
            raise WriteConflict(f"{key} was changed by another writer") from None
        except Exception as exc:  # noqa: BLE001
            raise _error(exc, f"{self.url}: replace {key}") from None
        return ObjectInfo(len(data), result["e_tag"])

    def gdal_path(self, key: str) -> str:
        return f"/vsis3/{self.location.bucket}/{self._path(key)}"

    def gdal_env(self) -> contextlib.AbstractContextManager:
        return rasterio.Env(session=self._gdal_session)

    def open_raster(self, path: str, identity: Hashable, blocks: Sequence[Block] = (), **options):
        """By range reads of ours (`twf.storage.ranged`): one GET per object version for its header, the
        `blocks` about to be decoded at once, no HEAD; GDAL's `/vsis3/` remains for the writers' reads."""
        return self._rasters.open(self._object_name(path), identity, blocks, **options)

    def read_raster_ranges(self, path: str, identity: Hashable, ranges: Sequence[ByteRange]) -> list[bytes]:
        return self._rasters.ranges(self._object_name(path), identity, ranges)

    def _object_name(self, path: str) -> str:
        """The object's path in the bucket, from its `gdal_path`."""
        return path.removeprefix(f"/vsis3/{self.location.bucket}/")

    def writer_lock(self, key: str) -> contextlib.AbstractContextManager:
        """No lock across hosts: a second writer's compare-and-swap fails instead (WriteConflict)."""
        return contextlib.nullcontext()

    def scratch_dir(self, prefix: str) -> Path:
        folder = self._scratch_root / self.location.bucket / self._path(prefix)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def release_scratch(self, prefix: str) -> None:
        """The folder and the parents it leaves empty go, up to the scratch root (a worker's temp folder
        does not collect one empty folder per run and hour)."""
        folder = self._scratch_root / self.location.bucket / self._path(prefix)
        while folder != self._scratch_root and self._scratch_root in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return  # not empty: another build still uses it
            folder = folder.parent

    def _call(self, fn, *args, missing: str | None = None, **kwargs):
        """One obstore call, its failure said by `_failure`."""
        try:
            return fn(self._store, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - an unusable store, said in one line
            raise self._failure(exc, getattr(fn, "__name__", "request"), missing) from None

    def _failure(self, exc: Exception, what: str, missing: str | None) -> Exception:
        """A missing object is ObjectNotFound where the caller names it (`missing`); any other failure (a
        missing bucket answers 404 too) is StorageUnavailable in one line."""
        if isinstance(exc, (FileNotFoundError, NotFoundError)) and missing is not None \
                and "NoSuchBucket" not in str(exc):
            return ObjectNotFound(f"{missing} is not in the store")
        return _error(exc, f"{self.url}: {what}")


class _GdalSession(Session):
    """A store's GDAL options, handed to `rasterio.Env` as a session: rasterio takes AWS credentials only
    from one (its own AWSSession needs boto3)."""

    def __init__(self, options: dict[str, str]) -> None:
        self._options = options

    @classmethod
    def hascreds(cls, config: dict) -> bool:
        return True

    def get_credential_options(self) -> dict[str, str]:
        return dict(self._options)


def gdal_options(store: S3Store) -> dict[str, str]:
    """GDAL configuration for `/vsis3/` on this store's endpoint, with its credentials."""
    options = {
        "AWS_ACCESS_KEY_ID": store.credentials.access_key_id,
        "AWS_SECRET_ACCESS_KEY": store.credentials.secret_access_key,
        "AWS_REGION": store.credentials.region,
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",  # no LIST per open
        "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
        "CPL_VSIL_CURL_NON_CACHED": f"/vsis3/{store.location.bucket}",
    }
    if store.credentials.session_token:
        options["AWS_SESSION_TOKEN"] = store.credentials.session_token
    if store.location.endpoint is not None:
        parts = urlsplit(store.location.endpoint)
        options |= {"AWS_S3_ENDPOINT": parts.netloc, "AWS_HTTPS": "YES" if parts.scheme == "https" else "NO",
                    "AWS_VIRTUAL_HOSTING": "FALSE"}
    return options
