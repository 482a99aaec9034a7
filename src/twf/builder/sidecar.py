"""The builder's sidecar (`twf.sidecar.Sidecar`): what the frame is, where its objects are (names from the
artifact set) and which GRIB2 messages it was derived from.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from twf.artifacts import DATA_ARTIFACTS
from twf.builder.decode import Message
from twf.models.base import ModelSpec, VarSpec
from twf.sidecar import Sidecar
from twf.store import iso_utc, parse_run_id, valid_time

VALUE_DECIMALS = 2


def value_range(field: np.ndarray) -> dict:
    """{"min", "max"} of the finite values (display units), or nulls for an all-NaN frame."""
    finite = field[np.isfinite(field)]
    if finite.size == 0:
        return {"min": None, "max": None}
    lo, hi = (round(float(v), VALUE_DECIMALS) for v in (finite.min(), finite.max()))
    return {"min": lo, "max": hi}


def source_entry(message: Message) -> dict:
    request = message.request
    return {
        "file": message.file.name,
        "element": request.element,
        "level": request.level.gdal,
        "ref_time": iso_utc(message.ref_time),
        "valid_time": iso_utc(message.valid_time),
        "window_hours": list(request.window) if request.window else None,
    }


def build_sidecar(
    model: ModelSpec, run: str, var: VarSpec, fh: int, field: np.ndarray, messages: list[Message],
) -> Sidecar:
    return Sidecar(
        model=model.name, run=run, var=var.name, fh=fh,
        ref_time=iso_utc(parse_run_id(run)), valid_time=iso_utc(valid_time(run, fh)),
        units=var.units, kind=var.kind, resampling=var.resampling, palette=var.palette,
        grid=model.grid.as_json(), value_grid=model.value_grid.as_json(), value_range=value_range(field),
        files={kind.name: kind.names(fh, var)[""] for kind in DATA_ARTIFACTS if not kind.keyed},
        keyed={kind.name: kind.names(fh, var) for kind in DATA_ARTIFACTS if kind.keyed},
        source=tuple(source_entry(m) for m in messages),
        built_at=iso_utc(datetime.now(UTC)),
    )
