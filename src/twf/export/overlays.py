"""A frame's overlays in an export, drawn as the viewer's map draws them (`frontend/src/map/overlays.ts`):
isolines (isotherms, isobars, height lines) under the boundary lines, their value labels, the H/L centres
and the wind barbs over them. Which overlays: those the viewer shows when a variable is opened (`shown`), or
the keys asked for.

Labels repeat every `LABEL_SPACING_PX` along a line, horizontal, and one that would overlap a label already
placed is left out (the map turns them along the line and drops colliding ones likewise). Barbs are the
points the map shows at the export's zoom (the zoom whose pixel is the export's: a point is drawn from its
own `zoom` band on), the viewer's icon (`frontend/src/map/barbIcons.ts`) turned to where the wind blows from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from twf.api.webmercator import Bounds
from twf.builder.barbs import METRES_PER_PX_Z0
from twf.errors import InvalidParameter
from twf.export.boundaries import LineStyle
from twf.export.canvas import SUPERSAMPLE, mercator, stroke_lines, to_pixels, typeface
from twf.models.base import Overlay, VarSpec
from twf.palettes import rgba

DRAWN_KINDS = ("isolines", "centres", "barbs")
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
# The viewer's barb icon in CSS pixels (its canvas is drawn at pixelRatio 2): staff from the station, feather
# spacing along it, a full barb's end relative to its root (on the staff's clockwise side), line width.
BARB_STAFF, BARB_STEP, BARB_FEATHER, BARB_LINE, BARB_CALM_RADIUS = 22.0, 3.5, (9.0, -4.0), 1.3, 3.0
BARB_STEP_KT = 5
BARB_COLOUR = (17, 17, 17, 255)


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


def barb_parts(kt: float) -> tuple[int, int, int]:
    """(pennants, full, half barbs) of a speed rounded to 5 kt: 50, 10 and 5 kt each."""
    rounded = round(kt / BARB_STEP_KT) * BARB_STEP_KT
    return rounded // 50, rounded % 50 // 10, int(rounded % 10 == 5)


def _barb_shapes(kt: float) -> tuple[list[list[tuple[float, float]]], list[list[tuple[float, float]]]]:
    """(lines, filled pennants) of the barb of `kt`, in CSS pixels from the station, staff pointing up."""
    pennants, full, half = barb_parts(kt)
    (dx, dy), y = BARB_FEATHER, -BARB_STAFF
    lines, filled = [[(0.0, 0.0), (0.0, y)]], []
    for _ in range(pennants):
        filled.append([(0.0, y), (dx, y + BARB_STEP / 2), (0.0, y + BARB_STEP)])
        y += BARB_STEP + 0.5
    if pennants and full + half:
        y += 0.5
    for _ in range(full):
        lines.append([(0.0, y), (dx, y + dy)])
        y += BARB_STEP
    if half:
        if pennants + full == 0:  # a lone half barb sits one step in, so it is not read as a full one
            y += BARB_STEP
        lines.append([(0.0, y), (dx / 2, y + dy / 2)])
    return lines, filled


def _turned(shape: list[tuple[float, float]], x: float, y: float, turn: float,
            size: float) -> list[tuple[float, float]]:
    """`shape` scaled by `size`, turned clockwise by `turn` radians (y grows down the image), at (x, y)."""
    cos, sin = np.cos(turn), np.sin(turn)
    return [(x + (px * cos - py * sin) * size, y + (px * sin + py * cos) * size) for px, py in shape]


def export_zoom(bounds: Bounds, width: int) -> float:
    """The map zoom whose pixel is the export's (`twf.builder.barbs`: METRES_PER_PX_Z0 / 2**zoom)."""
    return float(np.log2(METRES_PER_PX_Z0 * width / (bounds.right - bounds.left)))


def _barbs(scene: ImageDraw.ImageDraw, collection: dict, bounds: Bounds, width: int, height: int,
           scale: float) -> None:
    """The barbs shown at the export's zoom onto `scene` (SUPERSAMPLE x the view)."""
    zoom, ss = export_zoom(bounds, width), SUPERSAMPLE * scale
    stroke = max(round(BARB_LINE * ss), 1)
    shown = [f for f in collection["features"] if f["properties"]["zoom"] <= zoom]
    if not shown:
        return
    stations = to_pixels(mercator([f["geometry"]["coordinates"] for f in shown]), bounds, width, height,
                         SUPERSAMPLE)
    for feature, (x, y) in zip(shown, stations, strict=True):
        if not (0 <= x < width * SUPERSAMPLE and 0 <= y < height * SUPERSAMPLE):
            continue
        kt, turn = feature["properties"]["kt"], np.radians(feature["properties"]["dir"])
        if sum(barb_parts(kt)) == 0:
            r = BARB_CALM_RADIUS * ss
            scene.ellipse((x - r, y - r, x + r, y + r), outline=BARB_COLOUR, width=stroke)
            continue
        lines, filled = _barb_shapes(kt)
        for shape in filled:
            scene.polygon(_turned(shape, x, y, turn, ss), fill=BARB_COLOUR)
        for shape in lines:
            scene.line(_turned(shape, x, y, turn, ss), fill=BARB_COLOUR, width=stroke, joint="curve")


def draw_overlays(collections: Sequence[tuple[Overlay, dict]], bounds: Bounds, width: int, height: int,
                  scale: float) -> OverlayLayers:
    """The layers of a frame's overlays (`collections`: each overlay with its GeoJSON) over a `width` x
    `height` view of `bounds`; `scale` sizes lines and text as the export's panels are sized."""
    scene = Image.new("RGBA", (width * SUPERSAMPLE, height * SUPERSAMPLE))
    barbs = Image.new("RGBA", scene.size) if any(o.kind == "barbs" for o, _ in collections) else None
    symbols = Image.new("RGBA", (width, height))
    placer = _Placer(ImageDraw.Draw(symbols), width, height)
    halo = max(round(HALO_PX * scale), 1)
    draw = ImageDraw.Draw(scene)
    for overlay, collection in collections:
        if barbs is not None and overlay.kind == "barbs":
            _barbs(ImageDraw.Draw(barbs), collection, bounds, width, height, scale)
            continue
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
    if barbs is not None:  # under the labels, as the map draws symbols in overlay order
        symbols = Image.alpha_composite(barbs.reduce(SUPERSAMPLE), symbols)
    return OverlayLayers(scene.reduce(SUPERSAMPLE), symbols)
