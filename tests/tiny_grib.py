"""Synthetic forecast-hour files on a 2 x 2 corner of a model's native grid: the records the synthetic writer
puts in the model's full file (elements, levels, windows, qualifiers, in file order) and the `.idx` it writes
for them, at a tiny fraction of the cost. For tests about which record is which, not about values."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

from twf.models import get_model
from twf.synthetic.grib import SyntheticMessage, write_grib2, write_idx
from twf.synthetic.plan import file_requests

_SHAPE = (2, 2)


def write_tiny_file(path: Path, model_name: str, ref_time: datetime, fh: int,
                    fields: set[tuple[str, str]] | None = None) -> Path:
    """The model's file at `fh` (only the records of `fields`, (element, level text), when given) with its
    `.idx` beside it; returns the GRIB2 path."""
    model = get_model(model_name)
    tiny = replace(model, native_grid=replace(model.native_grid, shape=_SHAPE))
    records = file_requests(model_name, fh)
    wanted = [r for r in records if fields is None or (r.element, r.level.idx) in fields]
    messages = [SyntheticMessage(r.element, r.level, np.zeros(_SHAPE, np.float32), ref_time, r.fh, r.window,
                                 r.process, r.qualifier) for r in wanted]
    write_grib2(path, tiny, messages)
    write_idx(path)
    return path
