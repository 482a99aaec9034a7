"""What an export may ask for: an oversized or malformed request is refused with its reason, before work."""

from __future__ import annotations

import math

import pytest

from twf.errors import InvalidParameter, RequestTooLarge
from twf.export.request import MAX_FRAMES, Loop, Trend, build_request

PNW = "-126,41.5,-116,49.5"


def test_a_loop_over_a_bbox_has_the_bbox_aspect_at_the_asked_width() -> None:
    request = build_request("hrrr", "tmp2m", run="20260129_17z", fhs="0-12", bbox=PNW, width=720)
    assert request.frames == Loop("20260129_17z", tuple(range(13)))
    assert request.view.width == 720 and request.view.height % 2 == 0
    # 10° of longitude by 8° of latitude at 41.5-49.5°N: taller than wide in web mercator, as on the map.
    mercator_y = [math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) for lat in (41.5, 49.5)]
    aspect = (mercator_y[1] - mercator_y[0]) / math.radians(10)
    assert abs(request.view.height - 720 * aspect) <= 2


def test_a_region_id_gives_that_region_bbox() -> None:
    by_region = build_request("hrrr", "tmp2m", fhs="0", region="pnw")
    assert by_region.view == build_request("hrrr", "tmp2m", fhs="0", bbox=PNW).view


def test_a_trend_names_a_valid_time_and_a_run_count() -> None:
    request = build_request("hrrr", "tmp2m", valid_time="2026-01-29T18:00:00Z", runs=4, region="pnw")
    assert isinstance(request.frames, Trend) and request.frames.runs == 4
    assert request.frames.valid_time.isoformat() == "2026-01-29T18:00:00+00:00"


@pytest.mark.parametrize(("kwargs", "error", "needle"), [
    ({"fhs": f"0-{MAX_FRAMES}"}, RequestTooLarge, "at most 120"),  # 121 frames
    ({"fhs": "0-100000000"}, InvalidParameter, "past f999"),  # never builds the range
    ({"fhs": "0-12", "width": 1921}, RequestTooLarge, "1921 px"),
    ({"fhs": "0-12", "width": 100}, RequestTooLarge, "100 px"),
    ({"fhs": "0-119", "width": 1920}, RequestTooLarge, "M pixels"),  # 120 frames, but 280 M pixels
    ({"fhs": "0-12", "bbox": "-10,40,10,50"}, InvalidParameter, "outside the canonical grid"),
    ({"fhs": "0-12", "bbox": "-100,45,-110,50"}, InvalidParameter, "is empty"),
    ({"fhs": "0-12", "bbox": "west,south"}, InvalidParameter, "W,S,E,N"),
    ({"fhs": "0-12", "bbox": "-100,25,-99.9,49"}, RequestTooLarge, "tall"),
    ({"fhs": "0-12", "fmt": "mp4", "width": 721}, InvalidParameter, "even width"),
    ({"fhs": "x-y"}, InvalidParameter, "not like 0-12"),
    ({"fhs": "0-12", "valid_time": "2026-01-29T18:00:00Z"}, InvalidParameter, "either fhs"),
    ({}, InvalidParameter, "either fhs"),
    ({"valid_time": "2026-01-29T18:30:00Z"}, InvalidParameter, "not on the hour"),
    ({"valid_time": "2026-01-29T18:00:00"}, InvalidParameter, "no time zone"),
    ({"valid_time": "tomorrow"}, InvalidParameter, "ISO 8601"),
    ({"valid_time": "2026-01-29T18:00:00Z", "runs": 0}, InvalidParameter, "runs 0"),
    ({"fhs": "0-12", "fps": 0}, InvalidParameter, "fps 0"),
])
def test_oversized_or_malformed_requests_are_refused_with_a_reason(kwargs: dict, error: type,
                                                                  needle: str) -> None:
    place = {} if "bbox" in kwargs else {"region": "conus"}
    with pytest.raises(error, match=needle):
        build_request("hrrr", "tmp2m", **place, **kwargs)


def test_region_and_bbox_together_or_an_unknown_region_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="either a region"):
        build_request("hrrr", "tmp2m", fhs="0", region="pnw", bbox=PNW)
    with pytest.raises(InvalidParameter, match="unknown region 'atlantis'"):
        build_request("hrrr", "tmp2m", fhs="0", region="atlantis")
