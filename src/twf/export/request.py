"""What an export asks for, checked before any work: which frames, where, how large, which format.

Limits keep one request from becoming a runaway render: at most `MAX_FRAMES` frames, `MAX_WIDTH` px wide
(and as tall), `MAX_PIXELS` pixels in all, a bbox inside the canonical grid. Each refusal names its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from twf.api.regions import load_regions
from twf.api.trend import DEFAULT_TREND_RUNS, MAX_TREND_RUNS, parse_valid_time
from twf.api.webmercator import Bounds, lonlat_to_mercator
from twf.errors import InvalidParameter, RequestTooLarge
from twf.export.compose import View
from twf.export.encode import Format
from twf.grid import CONUS_BOUNDS_4326
from twf.hours import parse_hours

MAX_FRAMES = 120
MAX_WIDTH = 1920
MIN_WIDTH = 320  # below this the legend and captions would cover the map
MAX_PIXELS = 100_000_000  # all frames together: ~100 MB of paletted GIF frames held while encoding
DEFAULT_WIDTH = 720
DEFAULT_FPS = 4  # the viewer's default playback speed
MAX_FPS = 30


@dataclass(frozen=True)
class Loop:
    """Forecast hours `fhs` of one run (`latest` allowed)."""

    run: str
    fhs: tuple[int, ...]


@dataclass(frozen=True)
class Trend:
    """One valid time in each of the newest `runs` runs that have it (dprog/dt), oldest run first."""

    valid_time: datetime
    runs: int


@dataclass(frozen=True)
class ExportRequest:
    model: str
    var: str
    frames: Loop | Trend
    view: View
    fmt: Format
    fps: int
    overlays: tuple[str, ...] | None = None  # overlay keys to draw; None: those the viewer shows at first


@cache
def _region_boxes() -> dict[str, tuple[float, float, float, float]]:
    return {r.id: r.bbox for r in load_regions().regions}


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidParameter(f"bbox {text!r} is not W,S,E,N in degrees") from None
    return west, south, east, north


def region_bbox(region: str) -> tuple[float, float, float, float]:
    boxes = _region_boxes()
    if region not in boxes:
        raise InvalidParameter(f"unknown region {region!r} (known: {', '.join(boxes)})")
    return boxes[region]


def view_for(bbox: tuple[float, float, float, float], width: int, fmt: Format) -> View:
    """The pixels of `bbox` (lon/lat) at `width`: web mercator, the map's projection; height made even."""
    west, south, east, north = bbox
    c_west, c_south, c_east, c_north = CONUS_BOUNDS_4326
    if not (west < east and south < north):
        raise InvalidParameter(f"bbox {list(bbox)} is empty (W < E and S < N)")
    if not (c_west <= west and east <= c_east and c_south <= south and north <= c_north):
        raise InvalidParameter(f"bbox {list(bbox)} is outside the canonical grid {list(CONUS_BOUNDS_4326)}")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise RequestTooLarge(f"width {width} px is outside {MIN_WIDTH}..{MAX_WIDTH}")
    if fmt == "mp4" and width % 2:
        raise InvalidParameter(f"width {width} px is odd: MP4 (yuv420p) needs an even width")
    left, bottom = lonlat_to_mercator(west, south)
    right, top = lonlat_to_mercator(east, north)
    height = max(2, round(width * (top - bottom) / (right - left) / 2) * 2)
    if height > MAX_WIDTH:
        raise RequestTooLarge(f"bbox {list(bbox)} at {width} px wide is {height} px tall "
                              f"(at most {MAX_WIDTH})")
    return View(Bounds(left, bottom, right, top), width, height)


def check_size(frames: int, view: View) -> None:
    """Refuse before rendering: too many frames, or too many pixels in all."""
    if frames > MAX_FRAMES:
        raise RequestTooLarge(f"{frames} frames asked; an export has at most {MAX_FRAMES}")
    pixels = frames * view.width * view.height
    if pixels > MAX_PIXELS:
        raise RequestTooLarge(f"{frames} frames of {view.width} x {view.height} px is {pixels / 1e6:.0f} M "
                              f"pixels; an export has at most {MAX_PIXELS / 1e6:.0f} M (ask fewer frames or "
                              "a smaller width)")


def _hours(text: str) -> tuple[int, ...]:
    """`0-12`, `0-48:3`, `0,3,6`; hours past f999 (no model has them) refused before a range is built."""
    if any(int(n) > 999 for n in re.findall(r"\d+", text)):
        raise InvalidParameter(f"fhs {text!r} names hours past f999")
    return tuple(parse_hours(text, "fhs"))


def build_request(model: str, var: str, *, run: str = "latest", fhs: str | None = None,
                  valid_time: str | None = None, runs: int | None = None, region: str | None = None,
                  bbox: str | None = None, width: int = DEFAULT_WIDTH, fmt: Format = "gif",
                  fps: int = DEFAULT_FPS, overlays: str | None = None) -> ExportRequest:
    """An export as the CLI or the API was asked it: a loop (`run` + `fhs`) or a trend (`valid_time` +
    `runs`), over a `region` or a `bbox`, with the `overlays` named (comma-separated keys, "" for none; None:
those the viewer shows at first); every malformed or oversized part refused here with its reason (an
overlay key the variable lacks: when the export resolves the variable, `twf.export.overlays`)."""
    if (fhs is None) == (valid_time is None):
        raise InvalidParameter("give either fhs (a loop of one run) or valid_time (a trend across runs)")
    if (region is None) == (bbox is None):
        raise InvalidParameter("give either a region id or a bbox W,S,E,N")
    if not 1 <= fps <= MAX_FPS:
        raise InvalidParameter(f"fps {fps} is outside 1..{MAX_FPS}")
    if fhs is not None:
        frames: Loop | Trend = Loop(run, _hours(fhs))
        count = len(frames.fhs)
    else:
        count = runs if runs is not None else DEFAULT_TREND_RUNS
        if not 1 <= count <= MAX_TREND_RUNS:
            raise InvalidParameter(f"runs {count} is outside 1..{MAX_TREND_RUNS}")
        frames = Trend(parse_valid_time(valid_time), count)
    view = view_for(region_bbox(region) if region is not None else parse_bbox(bbox), width, fmt)
    check_size(count, view)
    keys = None if overlays is None else tuple(k for k in (k.strip() for k in overlays.split(",")) if k)
    return ExportRequest(model, var, frames, view, fmt, fps, keys)
