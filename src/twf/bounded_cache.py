"""Values computed on demand, kept in memory up to a byte budget (least recently used out), each built once.

Difference grids and exported loops are derived from published frames whenever someone asks; building one
costs tens of milliseconds to seconds, so it is kept while memory allows. Concurrent requests for the same
key share one build (a viewer's dozen tile requests of a new difference, two users exporting the same loop):
the first builds, the others wait for it and get its result.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class _Gate:
    """One key's build lock and how many threads hold or wait for it (guarded by the cache's lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0


class BoundedCache(Generic[V]):
    """`size_of(value)` is its cost in bytes; the budget holds at least the newest value, however large."""

    def __init__(self, max_bytes: int, size_of: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self._size_of = size_of
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._gates: dict[Hashable, _Gate] = {}
        self.builds = 0  # how many values were built (not found): what "render once" is checked by

    def get(self, key: Hashable) -> V | None:
        """The value if it is held: the hot path, no build."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
        return value

    def get_or_build(self, key: Hashable, build: Callable[[], V]) -> V:
        """The held value, else `build()` once however many threads ask at the same time; blocking."""
        value = self.get(key)
        if value is not None:
            return value
        with self._lock:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = _Gate()
            gate.users += 1
        try:
            with gate.lock:
                value = self.get(key)
                if value is None:
                    value = build()
                    self._insert(key, value)
        finally:
            with self._lock:
                gate.users -= 1
                if gate.users == 0 and self._gates.get(key) is gate:
                    del self._gates[key]
        return value

    @property
    def bytes_held(self) -> int:
        with self._lock:
            return self._bytes

    def _insert(self, key: Hashable, value: V) -> None:
        size = self._size_of(value)
        with self._lock:
            self.builds += 1
            self._values[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes and len(self._values) > 1:
                _, evicted = self._values.popitem(last=False)
                self._bytes -= self._size_of(evicted)
