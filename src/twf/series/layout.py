"""How a series store is cut: time blocks while a variable's run fills, one segment once it is complete,
and the chunk of a segment a point reads.

A point's whole series costs one small read per segment, and publishing a frame rewrites one segment, so the
two pull apart: while the run fills, a segment is a *block* of `block_hours` consecutive planned hours
(rewritten when one of its hours is published, at most `BLOCK_BUDGET_BYTES` of float32); once every planned
hour is committed the blocks are merged into one segment of every hour (written once per run). Inside a
segment a chunk holds every hour of the segment on a `tile x tile` square of the value grid, so a point
reads one chunk (two to four when its 2x2 stencil straddles tiles) whatever the number of hours.
Figures: `bench/bench_series.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from twf.models.base import ModelSpec, VarSpec
from twf.models.requirements import frame_hours
from twf.store import parse_run_id

VALUE_BYTES = 4  # float32, as the value COGs
# Per published frame the writer rewrites one block: 8 MiB of float32 is 7 hours of HRRR/NAM (1.08 MB an
# hour), 5 of NBM (1.55 MB), 70 of GFS (0.12 MB); ~5 MB once compressed (byte shuffle + LZ4 keep ~2/3 of
# noisy float fields). Smaller blocks mean more reads per point while a run fills.
BLOCK_BUDGET_BYTES = 8 << 20
# A chunk is what one point reads and decodes per segment: at most 64 KiB of float32 (HRRR all 49 hours on
# 16 x 16 cells: 50 KB; GFS 209 hours on 8 x 8: 53 KB; a 7-hour block on 32 x 32: 28 KB), ~20 us to decode.
# Larger tiles mean fewer points straddling two; larger chunks cost decode time on every read.
CHUNK_BUDGET_BYTES = 64 << 10
MAX_TILE = 32


def tile_size(steps: int) -> int:
    """The tile side (a power of two up to `MAX_TILE`) whose chunk of `steps` hours fits the chunk budget."""
    size = MAX_TILE
    while size > 1 and steps * size * size * VALUE_BYTES > CHUNK_BUDGET_BYTES:
        size //= 2
    return size


@dataclass(frozen=True)
class SeriesLayout:
    """The store of one (model, run, variable): its planned hours (the variable's forecast hours of the run,
    in order), the value grid and the block cut."""

    hours: tuple[int, ...]
    grid: tuple[int, int]  # (rows, cols) of the model's value grid
    block_hours: int

    @classmethod
    def for_variable(cls, model: ModelSpec, var: VarSpec, run: str) -> SeriesLayout:
        rows, cols = model.value_grid.shape
        block = max(1, BLOCK_BUDGET_BYTES // (rows * cols * VALUE_BYTES))
        return cls(frame_hours(model, var, parse_run_id(run).hour), (rows, cols), block)

    @cached_property
    def position(self) -> dict[int, int]:
        """fh → index among the planned hours."""
        return {fh: i for i, fh in enumerate(self.hours)}

    def block_of(self, fh: int) -> int:
        return self.position[fh] // self.block_hours

    def block(self, index: int) -> tuple[int, ...]:
        """The planned hours of one block."""
        return self.hours[index * self.block_hours:(index + 1) * self.block_hours]

    def complete(self, hours: set[int] | frozenset[int]) -> bool:
        """`hours` holds every planned hour: the run of this variable is complete."""
        return all(fh in hours for fh in self.hours)
