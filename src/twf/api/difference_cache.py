"""Differences of frame pairs, built on demand from the frames' value COGs and kept within a byte budget.

The one place a difference reads published artifacts: each side's value level comes through the server's
value-raster cache (decoded once, shared with hover samples); the difference is keyed by both value objects'
identities in the store, so a replaced frame is never answered from a stale difference.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twf.api.difference import Difference, difference
from twf.api.identity import FileIdentity
from twf.api.raster_cache import Level, RasterCache
from twf.bounded_cache import BoundedCache
from twf.palettes import Palette

if TYPE_CHECKING:  # published.py reads the Services that hold this cache
    from twf.api.published import FrameRef

ValueFile = tuple[str, FileIdentity]  # the value COG's GDAL path and identity (`published.locate`)
DifferenceKey = tuple[ValueFile, ValueFile, str]  # A's and B's value files as they are now, the palette
_SIDES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="twf-difference")  # B's read beside A's


@dataclass(frozen=True)
class FramePair:
    """A − B as asked: two committed frames and the palette their difference is painted with."""

    a: FrameRef
    b: FrameRef
    palette: Palette

    @property
    def via_latest(self) -> bool:
        return self.a.run.via_latest or self.b.run.via_latest


class DifferenceCache:
    def __init__(self, values: RasterCache, max_bytes: int) -> None:
        self._values = values
        self._differences: BoundedCache[Difference] = BoundedCache(max_bytes, lambda d: d.nbytes)

    @property
    def max_bytes(self) -> int:
        return self._differences.max_bytes

    @property
    def builds(self) -> int:
        return self._differences.builds

    def key(self, pair: FramePair, a: ValueFile, b: ValueFile) -> DifferenceKey:
        """What identifies the difference: both sides' value objects as they are now, and the palette."""
        return a, b, pair.palette.name

    def cached(self, key: DifferenceKey) -> Difference | None:
        """The hot path: no I/O."""
        return self._differences.get(key)

    def load(self, pair: FramePair, key: DifferenceKey) -> Difference:
        """Build the difference once, however many requests ask at the same time; blocking: use a thread.

        The two sides' value rasters are decoded side by side (GDAL releases the GIL): a first difference
        tile waits for the slower of the two reads, not for both."""
        file_a, file_b, _ = key

        def build() -> Difference:
            level_b = _SIDES.submit(self._level, *file_b)
            return difference(self._level(*file_a), level_b.result(), pair.palette)

        return self._differences.get_or_build(key, build)

    def _level(self, path: str, identity: FileIdentity) -> Level:
        return self._values.cached(path, identity) or self._values.load(path, identity)
