"""Exported loops kept in memory, keyed by what they show (every frame's RGBA file identity, view, format,
speed, captions): a second request for the same loop is answered from memory, and concurrent identical
requests render once. At most `RENDERS_AT_ONCE` exports render at a time, so tiles keep flowing."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from twf.bounded_cache import BoundedCache

RENDERS_AT_ONCE = 1  # an export keeps a core busy for seconds; tiles and samples need the other


@dataclass(frozen=True)
class ExportResult:
    content: bytes
    media_type: str
    filename: str
    frames: int


class ExportCache:
    def __init__(self, max_bytes: int) -> None:
        self._results: BoundedCache[ExportResult] = BoundedCache(max_bytes, lambda r: len(r.content))
        self._renders = threading.BoundedSemaphore(RENDERS_AT_ONCE)

    @property
    def max_bytes(self) -> int:
        return self._results.max_bytes

    @property
    def renders(self) -> int:
        """How many exports were rendered, not found: what "identical exports render once" counts."""
        return self._results.builds

    def get_or_render(self, key: Hashable, render: Callable[[], ExportResult]) -> ExportResult:
        def gated() -> ExportResult:
            with self._renders:
                return render()

        return self._results.get_or_build(key, gated)
