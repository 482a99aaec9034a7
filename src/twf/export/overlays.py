"""A frame's overlays in an export, drawn as the viewer's map draws them (`frontend/src/map/overlays.ts`):
isolines (isotherms, isobars, height lines) under the boundary lines, their value labels and the H/L centres
over them. Which overlays: those the viewer shows when a variable is opened (`shown`), or the keys asked for.

Labels repeat every `LABEL_SPACING_PX` along a line, horizontal, and one that would overlap a label already
placed is left out (the map turns them along the line and drops colliding ones likewise). Wind barbs are not
drawn: the map picks their density per zoom band, which has no single answer at an export's one scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from twf.api.webmercator import Bounds
from twf.errors import InvalidParameter
from twf.export.boundaries import LineStyle
from twf.export.canvas import SUPERSAMPLE, mercator, stroke_lines, to_pixels, typeface
from twf.models.base import Overlay, VarSpec
from twf.palettes import rgba

DRAWN_KINDS = ("isolines", "centres")
# The viewer's isoline layer: marked levels (32 °F, 1012 hPa) blue and wide, the others thin grey.
MINOR_LINE = LineStyle("#333333", 0.9, 0.6)
MAJOR_LINE = LineStyle("#1a1aff", 2.6, 0.95)
LABEL_SPACING_PX = 320
LABEL_PX = {True: 13, False: 11}  # major, minor
LABEL_TEXT = (17, 17, 17, 255)
HALO = (255, 255, 255, 255)
HALO_PX = 1.6
CENTRE_PX = 14  # the letter 1.7 x, the value 0.85 x that
CENTRE_COLOURS = {"H": "#0b3fb3", "L": "#c0161b"}


@dataclass(frozen=True)
class OverlayLayers:
    """What a frame's overlays add: `lines` go under the boundary lines, `symbols` over them."""

    lines: Image.Image
    symbols: Image.Image


def chosen_overlays(var: VarSpec, keys: tuple[str, ...] | None) -> tuple[Overlay, ...]:
    """The overlays an export draws: the variable's shown ones (None), or exactly `keys` (InvalidParameter
    naming a key the variable has no drawable overlay for)."""
    drawable = {o.key: o for o in var.overlays if o.kind in DRAWN_KINDS}
    if keys is None:
        return tuple(o for o in drawable.values() if o.shown)
    unknown = [key for key in keys if key not in drawable]
    if unknown:
        raise InvalidParameter(f"overlays {', '.join(unknown)}: {var.name} has "
                               f"{', '.join(drawable) or 'no overlay'} to draw in an export")
    return tuple(drawable[key] for key in keys)


def _lines(collection: dict) -> list[tuple[bool, str, np.ndarray]]:
    """(major, label, EPSG:3857 line) of each line of an isoline collection."""
    return [(bool(feature["properties"].get("major")), feature["properties"]["label"], mercator(line))
            for feature in collection["features"] for line in feature["geometry"]["coordinates"]
            if len(line) >= 2]


def _label_points(pixels: np.ndarray) -> np.ndarray:
    """Points every LABEL_SPACING_PX along a pixel polyline, the first half a spacing in."""
    steps = np.hypot(*np.diff(pixels, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    at = np.arange(LABEL_SPACING_PX / 2, along[-1], LABEL_SPACING_PX)
    return np.column_stack([np.interp(at, along, pixels[:, 0]), np.interp(at, along, pixels[:, 1])])


class _Placer:
    """Text boxes placed so far; a new one is drawn only inside the image and clear of all of them."""

    def __init__(self, draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
        self.draw, self.width, self.height = draw, width, height
        self.boxes: list[tuple[float, float, float, float]] = []

    def place(self, x: float, y: float, text: str, size: int, fill: tuple[int, ...], halo: int) -> bool:
        left, top, right, bottom = self.draw.textbbox((x, y), text, font=typeface(size), anchor="mm",
                                                      stroke_width=halo)
        if left < 0 or top < 0 or right > self.width or bottom > self.height or any(
                left < b[2] and b[0] < right and top < b[3] and b[1] < bottom for b in self.boxes):
            return False
        self.draw.text((x, y), text, font=typeface(size), anchor="mm", fill=fill, stroke_width=halo,
                       stroke_fill=HALO)
        self.boxes.append((left, top, right, bottom))
        return True


def _centres(placer: _Placer, collection: dict, bounds: Bounds, width: int, height: int,
             scale: float) -> None:
    letter, value = round(CENTRE_PX * 1.7 * scale), round(CENTRE_PX * 0.85 * scale)
    halo = max(round(HALO_PX * scale), 1)
    for feature in collection["features"]:
        kind, label = feature["properties"]["kind"], feature["properties"]["label"]
        (x, y), = to_pixels(mercator([feature["geometry"]["coordinates"]]), bounds, width, height)
        colour = rgba(CENTRE_COLOURS[kind])
        if placer.place(x, y - letter / 2, kind, letter, colour, halo):
            placer.place(x, y + value / 2 + 1, label, value, colour, halo)


def draw_overlays(collections: Sequence[tuple[Overlay, dict]], bounds: Bounds, width: int, height: int,
                  scale: float) -> OverlayLayers:
    """The layers of a frame's overlays (`collections`: each overlay with its GeoJSON) over a `width` x
    `height` view of `bounds`; `scale` sizes lines and text as the export's panels are sized."""
    scene = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE))
    symbols = Image.new("RGBA", (width, height))
    placer = _Placer(ImageDraw.Draw(symbols), width, height)
    halo = max(round(HALO_PX * scale), 1)
    draw = ImageDraw.Draw(scene)
    for overlay, collection in collections:
        if overlay.kind == "centres":
            _centres(placer, collection, bounds, width, height, scale)
            continue
        lines = _lines(collection)
        for major in (False, True):  # marked levels on top, as the map's line-sort leaves them
            style = MAJOR_LINE if major else MINOR_LINE
            colour = rgba(style.color)[:3] + (round(255 * style.opacity),)
            stroke_lines(draw, [line for m, _, line in lines if m == major], bounds, width, height, colour,
                         style.width * scale)
        for major, label, line in sorted(lines, key=lambda item: not item[0]):  # major labels win places
            for x, y in _label_points(to_pixels(line, bounds, width, height)):
                placer.place(x, y, label, round(LABEL_PX[major] * scale), LABEL_TEXT, halo)
    return OverlayLayers(scene.reduce(SUPERSAMPLE), symbols)
