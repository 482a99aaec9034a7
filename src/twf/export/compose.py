"""One exported frame as the viewer shows it: the map's background, the frame's colours and overlays
(`twf.export.overlays`), the state, country and coast lines, then the panels: title (model, run,
variable), legend and valid time.

Everything but the data, its overlays and the valid time is the same in every frame of a loop, so it is
drawn once per export (`FramePainter`): lines supersampled 4× and reduced, which antialiases them as the map
does; text by FreeType through Pillow's bundled font. A frame then costs a few alpha blends, its overlays
and one line of text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from twf.api.webmercator import Bounds
from twf.export.boundaries import boundaries
from twf.export.canvas import SUPERSAMPLE, stroke_lines, typeface
from twf.export.legend_bar import bar_colors, ticks
from twf.export.overlays import OverlayLayers
from twf.palettes import rgba

PANEL_FILL = (255, 255, 255, 240)  # the viewer's panels: white at 0.94
TEXT = (23, 33, 43, 255)
MUTED = (74, 88, 102, 255)
DEMO_RED = (198, 40, 40, 255)
REFERENCE_WIDTH = 720  # panels and text are sized as the viewer's at this width, scaled with the export


@dataclass(frozen=True)
class View:
    """The part of the map an export shows, and its size in pixels."""

    bounds: Bounds  # EPSG:3857
    width: int
    height: int


@dataclass(frozen=True)
class Captions:
    title: str  # "HRRR · 2 m temperature"
    subtitle: str  # "Run 2026-01-29 17z" (a trend: the valid time all its frames share)
    legend_title: str  # "2 m temperature (°F)"
    legend: dict  # the API's legend (docs/API.md "Legend")
    demo: bool  # the viewer's red DEMO DATA badge


def _scale(view: View) -> float:
    return min(max(view.width / REFERENCE_WIDTH, 0.6), 2.0)


def _draw_lines(view: View) -> Image.Image:
    """The boundary lines of `view` as an RGBA layer, antialiased by drawing 4× larger and reducing."""
    scene = Image.new("RGBA", (view.width * SUPERSAMPLE, view.height * SUPERSAMPLE))
    draw = ImageDraw.Draw(scene)  # drawn in the map's layer order; where two lines cross the upper one wins
    atlas = boundaries()
    for kind, style in atlas.styles.items():
        color = rgba(style.color)[:3] + (round(255 * style.opacity),)
        stroke_lines(draw, atlas.lines[kind], view.bounds, view.width, view.height, color,
                     style.width * _scale(view))
    return scene.reduce(SUPERSAMPLE)


def _panel(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], s: float) -> None:
    draw.rounded_rectangle(box, radius=round(8 * s), fill=PANEL_FILL)


def _title_panel(draw: ImageDraw.ImageDraw, captions: Captions, s: float) -> None:
    big, small = typeface(round(15 * s)), typeface(round(12 * s))
    pad, x, y = 10 * s, 10 * s, 10 * s
    badge = "DEMO DATA" if captions.demo else ""
    title_w = draw.textlength(captions.title, font=big)
    badge_w = draw.textlength(badge, font=small) + 12 * s if badge else 0
    width = max(title_w + badge_w + (8 * s if badge else 0), draw.textlength(captions.subtitle, font=small))
    _panel(draw, (x, y, x + width + 2 * pad, y + 44 * s + pad), s)
    draw.text((x + pad, y + pad), captions.title, font=big, fill=TEXT)
    if badge:
        bx = x + pad + title_w + 8 * s
        draw.rounded_rectangle((bx, y + pad, bx + badge_w, y + pad + 17 * s), radius=round(4 * s),
                               fill=DEMO_RED)
        draw.text((bx + 6 * s, y + pad + 2 * s), badge, font=small, fill=(255, 255, 255, 255))
    draw.text((x + pad, y + pad + 24 * s), captions.subtitle, font=small, fill=MUTED)


def _legend_panel(image: Image.Image, draw: ImageDraw.ImageDraw, captions: Captions, s: float) -> None:
    legend = captions.legend
    width = min(280 * s, image.width - 20 * s)
    categorical = legend["kind"] == "categorical"
    rows = (len(legend["stops"]) + 1) // 2 if categorical else 0
    height = 24 * s + (rows * 16 * s if categorical else 32 * s)
    x0, y0 = image.width - 10 * s - width, image.height - 10 * s - height
    _panel(draw, (x0, y0, x0 + width, y0 + height), s)
    draw.text((x0 + 10 * s, y0 + 6 * s), captions.legend_title, font=typeface(round(12 * s)), fill=TEXT)
    top = y0 + 24 * s
    if categorical:
        for i, stop in enumerate(legend["stops"]):
            cx, cy = x0 + 10 * s + (i % 2) * (width - 20 * s) / 2, top + (i // 2) * 16 * s
            draw.rounded_rectangle((cx, cy, cx + 12 * s, cy + 12 * s), radius=round(2 * s),
                                   fill=rgba(stop["color"]))
            draw.text((cx + 16 * s, cy), stop.get("label") or f"{stop['value']:g}",
                      font=typeface(round(11 * s)), fill=TEXT)
        return
    bar_x, bar_w, bar_h = round(x0 + 18 * s), round(width - 36 * s), max(round(12 * s), 4)
    strip = np.broadcast_to(bar_colors(legend, bar_w)[None], (bar_h, bar_w, 3))
    image.paste(Image.fromarray(np.ascontiguousarray(strip)).convert("RGBA"), (bar_x, round(top)))
    draw.rectangle((bar_x, round(top), bar_x + bar_w - 1, round(top) + bar_h - 1), outline=(0, 0, 0, 60))
    font = typeface(round(10 * s))
    for tick in ticks(legend):
        tx = bar_x + tick.pos / 100 * bar_w - draw.textlength(tick.text, font=font) / 2
        draw.text((tx, top + bar_h + 2 * s), tick.text, font=font, fill=TEXT)


class FramePainter:
    """Paints the frames of one export: the static layers once, then `paint` per frame."""

    def __init__(self, view: View, captions: Captions) -> None:
        self.view = view
        self.scale = _scale(view)
        self._background = Image.new("RGBA", (view.width, view.height), rgba(boundaries().background))
        self._lines = _draw_lines(view)
        self._panels = Image.new("RGBA", (view.width, view.height))
        draw = ImageDraw.Draw(self._panels)
        _title_panel(draw, captions, self.scale)
        _legend_panel(self._panels, draw, captions, self.scale)

    def paint(self, data: np.ndarray, label: str, overlays: OverlayLayers | None = None) -> Image.Image:
        """The RGB frame, in the map's layer order: `data` ((h, w, 4) uint8, straight alpha) over the
        background, the frame's overlay lines, the boundary lines, the overlay labels and centres, then the
        panels, with `label` (the frame's forecast hour and valid time) in the bottom-left one."""
        frame = Image.alpha_composite(self._background, Image.fromarray(data, "RGBA"))
        if overlays is not None:
            frame.alpha_composite(overlays.lines)
        frame.alpha_composite(self._lines)
        if overlays is not None:
            frame.alpha_composite(overlays.symbols)
        frame.alpha_composite(self._panels)
        draw = ImageDraw.Draw(frame)
        s, font = self.scale, typeface(round(13 * self.scale))
        x, y = 10 * s, self.view.height - 10 * s - 30 * s
        _panel(draw, (x, y, x + draw.textlength(label, font=font) + 20 * s, y + 30 * s), s)
        draw.text((x + 10 * s, y + 8 * s), label, font=font, fill=TEXT)
        return frame.convert("RGB")
