"""Drawing on an export's pixels: the one font, and lines given in EPSG:3857 metres drawn antialiased the way
the map draws them (SUPERSAMPLE times larger, then reduced). Used for the boundary lines (once per export)
and for each frame's overlay lines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
from PIL import ImageDraw, ImageFont

from twf.api.webmercator import Bounds
from twf.grid import MERCATOR_RADIUS_M

SUPERSAMPLE = 4
MAX_LAT = 85.0511287798066  # web mercator's edge


@cache
def typeface(size: int) -> ImageFont.FreeTypeFont:
    """FreeType through Pillow's bundled font, at `size` pixels."""
    return ImageFont.load_default(size=size)


def mercator(points: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
    """(n, 2) lon/lat degrees → (n, 2) EPSG:3857 metres."""
    lonlat = np.radians(np.asarray(points, dtype=np.float64))
    lat = np.clip(lonlat[:, 1], -np.radians(MAX_LAT), np.radians(MAX_LAT))
    return np.column_stack([lonlat[:, 0] * MERCATOR_RADIUS_M,
                            np.log(np.tan(np.pi / 4 + lat / 2)) * MERCATOR_RADIUS_M])


def to_pixels(points: np.ndarray, bounds: Bounds, width: int, height: int, factor: int = 1) -> np.ndarray:
    """(n, 2) EPSG:3857 metres → (n, 2) x/y pixels of a `width` x `height` image of `bounds`, `factor`
    times larger."""
    sx = width * factor / (bounds.right - bounds.left)
    sy = height * factor / (bounds.top - bounds.bottom)
    return np.column_stack([(points[:, 0] - bounds.left) * sx, (bounds.top - points[:, 1]) * sy])


def stroke_lines(draw: ImageDraw.ImageDraw, lines: Iterable[np.ndarray], bounds: Bounds, width: int,
                 height: int, color: tuple[int, int, int, int], line_px: float) -> None:
    """Each (n, 2) EPSG:3857 line that reaches `bounds`, onto `draw`'s image (SUPERSAMPLE x the view's
    `width` x `height`), `line_px` view pixels wide."""
    stroke = max(round(line_px * SUPERSAMPLE), 1)
    for line in lines:
        xs, ys = line[:, 0], line[:, 1]
        if xs.max() < bounds.left or xs.min() > bounds.right or ys.max() < bounds.bottom \
                or ys.min() > bounds.top:
            continue
        points = to_pixels(line, bounds, width, height, SUPERSAMPLE)
        draw.line(points.ravel().tolist(), fill=color, width=stroke, joint="curve")
