"""Where staged and published data lives: one small interface (`ObjectStore`) and its backends.

Every reader and writer of staged and published data (publish, manifests, LATEST.json, retention, check, the
API, the builder's output) goes through an `ObjectStore`; keys come from the layout in `twf.store`. The
backend is chosen by its location: a folder (`LocalStore`, the default data root) or `s3://bucket/prefix`
(`S3Store`, from TWF_STORAGE_URL).
"""

from __future__ import annotations

from pathlib import Path

from twf.config import URL_SCHEME, Settings, load_settings
from twf.errors import StorageUnavailable
from twf.storage.base import ObjectInfo, ObjectStore
from twf.storage.local import LocalStore

__all__ = ["LocalStore", "ObjectInfo", "ObjectStore", "configured_store", "open_store"]


def open_store(location: str | Path, settings: Settings | None = None) -> ObjectStore:
    """The store at `location`: a folder, or `s3://bucket/prefix?endpoint=...` (credentials and the
    revalidation interval from `settings`, by default the environment's)."""
    text = str(location)
    if text.lower().startswith("s3:"):
        from twf.storage.s3 import S3Store  # obstore is loaded only by processes that use S3

        settings = settings or load_settings()
        return S3Store(text, settings.s3, settings.revalidate_seconds)
    if URL_SCHEME.match(text):
        raise StorageUnavailable(f"storage location {text!r} is neither a folder nor s3://BUCKET[/PREFIX]")
    return LocalStore(Path(text))


def configured_store(data_root: Path | None = None) -> ObjectStore:
    """The store a command works on: `--data-root` when given (a folder), else TWF_STORAGE_URL or
    TWF_DATA_ROOT; checked to be usable (one clear line when it is not)."""
    settings = load_settings()
    storage = open_store(data_root.resolve() if data_root else settings.storage_location, settings)
    storage.check()
    return storage
