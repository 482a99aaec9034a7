"""A frame's overlays (`VarSpec.overlays`) → GeoJSON bytes by key, built beside its rasters.

Isolines and centres are drawn on a display field: the frame's own full-resolution warped field, or the
overlay's `OverlayField` (the 500 hPa heights over the vorticity shading) derived from its inputs at the
frame's hour, converted and warped the same way. Barbs read the native wind (`twf.builder.barbs`). This
module imports contourpy, shapely and scipy through them: the pipeline imports it only for a variable with
overlays, so a one-shot build of one without does not pay their start-up.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from twf.builder.barbs import barbs
from twf.builder.centres import centres
from twf.builder.contours import dumps, isolines, working_grid
from twf.builder.decode import Message
from twf.builder.derive import Inputs, convert, derive, wind_components
from twf.builder.warp import block_mean, warp
from twf.models.base import Barbs, Isolines, ModelSpec, Overlay, VarSpec
from twf.models.requirements import FramePlan, Requests


def _collection(overlay: Overlay, model: ModelSpec, inputs: Inputs, source: Message,
                full: np.ndarray) -> dict:
    if isinstance(overlay, Barbs):
        u, v = wind_components(overlay.form, inputs)
        return barbs(u, v, model.native_grid, model.grid)
    # Isolines of a smooth field are drawn on a coarser grid: an overlay field is warped straight to it.
    factor = overlay.downsample if isinstance(overlay, Isolines) else 1
    grid = working_grid(model.grid, overlay) if isinstance(overlay, Isolines) else model.grid
    if overlay.field is not None:
        native = convert(overlay.field.convert, derive(overlay.field.derive, inputs))
        field = warp(native, source.crs, source.transform, grid, "bilinear")
    else:
        field = block_mean(full, factor) if factor > 1 else full
    if isinstance(overlay, Isolines):
        return isolines(field, grid, overlay)
    return centres(field, grid, overlay)


def draw(model: ModelSpec, var: VarSpec, plan: FramePlan, messages: list[Message],
         full: np.ndarray) -> dict[str, bytes]:
    """Each overlay's GeoJSON by key; `full` is the frame's own field on the display grid."""
    arrays = {m.request: m.data for m in messages}

    def inputs(requests: Mapping[str, Requests]) -> Inputs:
        return Inputs(model.native_grid, {name: [arrays[r] for r in wanted]
                                          for name, wanted in requests.items()})

    return {overlay.key: dumps(_collection(overlay, model, inputs(plan.overlays.get(overlay.key, {})),
                                           messages[0], full))
            for overlay in var.overlays}
