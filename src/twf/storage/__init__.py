"""Where staged and published data lives: one small interface (`ObjectStore`) and its backends.

Every reader and writer of staged and published data (publish, manifests, LATEST.json, retention, check, the
API, the builder's output) goes through an `ObjectStore`; keys come from the layout in `twf.store`.
"""

from __future__ import annotations

from pathlib import Path

from twf.storage.base import ObjectInfo, ObjectStore
from twf.storage.local import LocalStore

__all__ = ["LocalStore", "ObjectInfo", "ObjectStore", "open_store"]


def open_store(location: str | Path) -> ObjectStore:
    """The store at `location`: a folder (the data root)."""
    return LocalStore(Path(location))
