"""State, country and coast lines for exported frames: exactly the lines the viewer's map draws.

`boundaries.json` beside this module is written from the viewer's own code (`frontend/src/map/boundaries.ts`,
which meshes the `us-atlas` and `world-atlas` TopoJSON) by `frontend/src/map/boundaryBundle.test.ts`, and
that test fails whenever the copy differs from what the map draws. The data and its licences: BOUNDARIES.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from twf.export.canvas import mercator

BUNDLE = Path(__file__).with_name("boundaries.json")


@dataclass(frozen=True)
class LineStyle:
    """One boundary layer as the viewer's map style paints it (`frontend/src/map/style.ts`)."""

    color: str
    width: float  # CSS pixels
    opacity: float


@dataclass(frozen=True)
class Boundaries:
    background: str  # the map's background colour, under the data
    styles: dict[str, LineStyle]  # kind → style, in the order the map draws them (bottom first)
    lines: dict[str, list[np.ndarray]]  # kind → lines, each (n, 2) EPSG:3857 metres


@cache
def boundaries() -> Boundaries:
    """Read once per process (~0.1 s): lines already in EPSG:3857, the projection of every export."""
    bundle = json.loads(BUNDLE.read_text(encoding="utf-8"))
    styles = {kind: LineStyle(**style) for kind, style in bundle["styles"].items()}
    lines = {kind: [mercator(line) for line in bundle["lines"][kind]] for kind in styles}
    return Boundaries(bundle["background"], styles, lines)
