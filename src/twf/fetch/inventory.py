"""Recently read `.idx` inventories, kept for a few seconds in the process so they are not downloaded again.

The same inventory is wanted several times in quick succession: the scheduler fetches a frame's variables
again one at a time when a shared fetch failed, and a summed run total reads the inventories of the earlier
hours that the frames before it have just read. Every re-read costs a request from the host's budget
(NOMADS: ~100 a minute) and the inventory's bytes. Only stable inventories (Last-Modified old enough) are
kept, and only for a short TTL, which bounds how long a republished file could go unnoticed; a caller that
finds a kept inventory wrong (its ranges fail validation: stale) drops it at once with `forget`.

Concurrent readers of one URL wait for the first one's download instead of each starting their own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from twf.fetch.transport import Response

INVENTORY_TTL_SECONDS = 10.0
MAX_INVENTORIES = 256  # a full HRRR .idx is ~20 kB: a few MB at most


class _Slot:
    """The download lock of one URL and how many threads hold or wait for it (dropped when none do)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class InventoryCache:
    """Inventory responses by URL, each reusable for `ttl_seconds` after it was downloaded."""

    def __init__(
        self,
        ttl_seconds: float = INVENTORY_TTL_SECONDS,
        max_entries: int = MAX_INVENTORIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Response]] = OrderedDict()
        self._loading: dict[str, _Slot] = {}
        self._lock = threading.Lock()

    @contextmanager
    def loading(self, url: str) -> Iterator[None]:
        """Hold while looking up and, on a miss, downloading `url`: one download per URL at a time."""
        with self._lock:
            slot = self._loading.setdefault(url, _Slot())
            slot.users += 1
        try:
            with slot.lock:
                yield
        finally:
            with self._lock:
                slot.users -= 1
                if not slot.users:
                    del self._loading[url]

    def get(self, url: str) -> Response | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                return None
            if self._clock() - entry[0] >= self.ttl_seconds:
                del self._entries[url]
                return None
            return entry[1]

    def put(self, url: str, response: Response) -> None:
        with self._lock:
            self._entries[url] = (self._clock(), response)
            self._entries.move_to_end(url)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def forget(self, url: str) -> None:
        with self._lock:
            self._entries.pop(url, None)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


PROCESS_INVENTORIES = InventoryCache()
