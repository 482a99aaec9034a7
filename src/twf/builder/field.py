"""A frame's decoded messages → its field on the native grid, in display units.

The variable's derivation runs on each side of the frame plan (`twf.models.requirements.FramePlan`): for a
change over hours the earlier side is subtracted (an accumulation never goes below zero; an empty earlier
side is the zero of f000), for a running total the total of the frame it continues is added and the new
total kept for the next frame; then the unit conversion.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from twf.builder.decode import Message
from twf.builder.derive import convert, derive, gather
from twf.builder.running_total import RunningTotals
from twf.models.base import ModelSpec, VarSpec
from twf.models.requirements import FramePlan


def native_field(model: ModelSpec, var: VarSpec, fh: int, plan: FramePlan, messages: Iterable[Message],
                 totals: RunningTotals) -> np.ndarray:
    """Frame `fh`'s field on the model's native grid in display units (float32)."""
    arrays = {m.request: m.data for m in messages}
    grid = model.native_grid
    field = derive(var.derive, gather(var, plan.current, arrays, grid))
    if plan.earlier is not None:
        if any(plan.earlier.values()):
            field = field - derive(var.derive, gather(var, plan.earlier, arrays, grid))
        if var.accumulated:
            field = np.maximum(field, np.float32(0))  # run totals are packed independently: no -0.01 in
    if var.running:
        field = field + totals.read(plan.continues, grid.shape)
        totals.write(fh, field)
    return convert(var.convert, field)
