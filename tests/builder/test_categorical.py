"""radar_ptype is categorical: warped nearest, never blended, in four colour families."""

from __future__ import annotations

import numpy as np
import rasterio

from twf.artifacts import RGBA, VALUE
from twf.builder.colorize import colorize
from twf.palettes import PTYPE_FAMILIES, PTYPE_OFFSET, get_palette, rgba

from .conftest import PTYPE_DBZ_STEPS

# What the synthetic input can produce: each family's offset + each echo step (0 dBZ is no echo).
CLASS_VALUES = {i * PTYPE_OFFSET + dbz
                for i in range(len(PTYPE_FAMILIES)) for dbz in PTYPE_DBZ_STEPS if dbz >= 5}


def _palette_words() -> set[tuple[int, ...]]:
    return {rgba(s.color) for s in get_palette("radar_ptype").stops if rgba(s.color)[3]}


def test_value_cog_holds_only_class_values_of_every_family(frames):
    with rasterio.open(frames["hrrr/radar_ptype/2"].file(VALUE)) as ds:
        values = ds.read(1)
    present = set(np.unique(values[np.isfinite(values)]).round(3).tolist())
    assert present <= CLASS_VALUES
    assert {int(v // PTYPE_OFFSET) for v in present} == set(range(len(PTYPE_FAMILIES)))


def test_rgba_pixels_and_overviews_only_use_palette_colours(frames):
    allowed = _palette_words()
    with rasterio.open(frames["hrrr/radar_ptype/2"].file(RGBA)) as ds:
        levels = [ds.read()]
        levels += [ds.read(out_shape=(4, ds.height // f, ds.width // f)) for f in ds.overviews(1)]
    for pixels in levels:
        opaque = pixels[:, pixels[3] > 0].T
        colours = {tuple(c) for c in np.unique(opaque, axis=0).tolist()}
        assert colours and colours <= allowed


def test_sidecar_says_nearest_for_categorical(frames):
    sidecar = frames["hrrr/radar_ptype/2"].frame.sidecar
    assert (sidecar.kind, sidecar.resampling) == ("categorical", "nearest")


def test_each_family_has_its_own_colours():
    values = np.array([[i * PTYPE_OFFSET + 30.0 for i in range(len(PTYPE_FAMILIES))]], dtype=np.float32)
    pixels = colorize(values, get_palette("radar_ptype"))[:, 0, :].T
    assert len({tuple(p) for p in pixels.tolist()}) == len(PTYPE_FAMILIES)
    assert (pixels[:, 3] == 255).all()
