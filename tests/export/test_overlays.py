"""Overlays drawn into an export: wind barbs as the viewer's icon, pointing into the wind, only the points the
map shows at the export's zoom; which overlays an export draws by default and on request."""

from __future__ import annotations

import numpy as np
import pytest

from twf.api.webmercator import Bounds
from twf.errors import InvalidParameter
from twf.export.canvas import mercator
from twf.export.overlays import barb_parts, chosen_overlays, draw_overlays, export_zoom
from twf.models import get_model

# 600 px over 1900 km of web mercator around 40N 95W: the map at zoom ~4.6
CENTRE = mercator([[-95.0, 40.0]])[0]
HALF = 950_000.0
BOUNDS = Bounds(CENTRE[0] - HALF, CENTRE[1] - HALF, CENTRE[0] + HALF, CENTRE[1] + HALF)
SIZE = 600
BARBS = get_model("hrrr").variables["wspd10m"].overlays[0]


def barb(lon: float, lat: float, kt: float, direction: int, zoom: int) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"dir": direction, "kt": kt, "zoom": zoom}}


def drawn(*features: dict) -> np.ndarray:
    """Alpha of the symbols layer the barbs are drawn into."""
    layers = draw_overlays([(BARBS, {"type": "FeatureCollection", "features": list(features)})], BOUNDS, SIZE,
                           SIZE, 1.0)
    return np.asarray(layers.symbols)[..., 3]


def test_a_barb_staff_points_into_the_wind_from_its_station() -> None:
    alpha = drawn(barb(-95.0, 40.0, 65.0, 90, 3))  # an east wind: the staff points east
    station = SIZE // 2
    assert alpha[station, station + 8:station + 20].min() > 100  # staff, east of the station
    assert alpha[station - 3:station + 4, station - 20:station - 4].max() == 0  # nothing west
    south = drawn(barb(-95.0, 40.0, 65.0, 180, 3))  # a south wind: the staff points down the image
    assert south[station + 8:station + 20, station].min() > 100


def test_only_the_barbs_the_map_shows_at_the_export_zoom_are_drawn() -> None:
    zoom = export_zoom(BOUNDS, SIZE)
    assert 4 < zoom < 5
    coarse, fine = barb(-100.0, 40.0, 20.0, 0, 4), barb(-90.0, 40.0, 20.0, 0, 5)
    alpha = drawn(coarse, fine)
    left, right = alpha[:, :SIZE // 2], alpha[:, SIZE // 2:]
    assert left.max() > 100 and right.max() == 0


@pytest.mark.parametrize(("kt", "parts"), [(2.0, (0, 0, 0)), (7.6, (0, 1, 0)), (63.0, (1, 1, 1)),
                                           (104.0, (2, 0, 1))])
def test_barb_parts_round_to_5_kt_as_the_viewer_does(kt: float, parts: tuple[int, int, int]) -> None:
    assert barb_parts(kt) == parts


def test_an_export_draws_the_shown_overlays_or_exactly_those_asked_for() -> None:
    mslp = get_model("hrrr").variables["mslp"]
    assert [o.key for o in chosen_overlays(mslp, None)] == ["isobars", "centres"]
    assert [o.key for o in chosen_overlays(mslp, ("centres",))] == ["centres"]
    assert chosen_overlays(mslp, ()) == ()
    with pytest.raises(InvalidParameter, match="barbs"):
        chosen_overlays(mslp, ("barbs",))
