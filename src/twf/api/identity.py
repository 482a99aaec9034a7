"""What the API's caches key a stored object on: the identity its store's `head` reports
(`twf.storage.ObjectInfo.identity`), which changes whenever the object is replaced."""

from __future__ import annotations

from collections.abc import Hashable

FileIdentity = Hashable
