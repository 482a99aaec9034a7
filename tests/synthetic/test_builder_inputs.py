"""The builder's decoder finds every input of every variable of every model in synthetic files: the tags GDAL
reads back (element, level, windows, statistics, times) are the ones it matches on upstream files."""

from __future__ import annotations

import numpy as np
import pytest

from twf.builder.decode import decode
from twf.models import get_model
from twf.models.requirements import messages_for
from twf.store import parse_run_id

from .frames import FRAMES


@pytest.mark.parametrize("model_name", sorted(FRAMES))
def test_every_variable_finds_its_messages(frame_files, model_name: str) -> None:
    model, files = get_model(model_name), frame_files[model_name]
    requests = {r: None for var in model.variables.values() for r in messages_for(model, var, files.fh)}
    unbuilt = {var.name for var in model.variables.values() if not messages_for(model, var, files.fh)}
    # only changes over more hours than the frame's (24 h precipitation at f002) have no frame there
    assert unbuilt == {v.name for v in model.variables.values() if (v.change_hours or 0) > files.fh}
    decoded = decode(files.paths, list(requests), parse_run_id(files.run))  # raises MessageNotFound if not
    assert [m.request for m in decoded] == list(requests)
    for message in decoded:
        assert message.data.shape == model.native_grid.shape
        assert np.isfinite(message.data).all()
