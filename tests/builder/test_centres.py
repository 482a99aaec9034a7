"""H/L centres against fields whose extrema are known: placed on the true extreme, labelled with its value,
the shallow and the near-duplicate left out, nothing at the domain's edge."""

from __future__ import annotations

import numpy as np
import pytest

from twf.builder.centres import centres, find_centres
from twf.builder.contours import pixels_to_lonlat
from twf.grid import CanonicalGrid
from twf.models.base import Centres

GRID = CanonicalGrid(9000.0)  # the GFS display grid: 920 x 520
SPEC = Centres("centres", "Highs and lows", min_depth=2.0, radius_km=600.0)
RADIUS_PX = SPEC.radius_km * 1000 / GRID.resolution_m


def _bump(row: float, col: float, sigma_px: float, amplitude: float) -> np.ndarray:
    rows, cols = np.mgrid[0:GRID.shape[0], 0:GRID.shape[1]].astype(np.float32)
    return amplitude * np.exp(-((rows - row) ** 2 + (cols - col) ** 2) / (2 * sigma_px**2))


def _pressure(*bumps: tuple[float, float, float, float]) -> np.ndarray:
    """1013 hPa with Gaussian lows and highs (row, col, sigma px, hPa) and a 0.1 hPa ripple everywhere."""
    rows, cols = np.mgrid[0:GRID.shape[0], 0:GRID.shape[1]].astype(np.float32)
    field = 1013.0 + 0.1 * np.sin(cols / 3.0) * np.cos(rows / 4.0)
    for bump in bumps:
        field = field + _bump(*bump)
    return field.astype(np.float32)


def _true_extreme(field: np.ndarray, row: int, col: int, kind: str) -> tuple[int, int]:
    window = field[row - 15:row + 16, col - 15:col + 16]
    r, c = np.unravel_index(np.argmin(window) if kind == "L" else np.argmax(window), window.shape)
    return row - 15 + int(r), col - 15 + int(c)


def test_centres_sit_on_the_true_extrema_and_carry_their_value():
    field = _pressure((260, 300, 40, -24.0), (200, 650, 50, 18.0), (380, 150, 35, -9.0))
    found = sorted(find_centres(field, GRID, SPEC))
    expected = sorted([("L", *_true_extreme(field, 260, 300, "L")),
                       ("L", *_true_extreme(field, 380, 150, "L")),
                       ("H", *_true_extreme(field, 200, 650, "H"))])
    assert [(kind, row, col) for kind, row, col, _ in found] == expected
    for _, row, col, value in found:
        assert value == pytest.approx(float(field[row, col]))


def test_a_dip_shallower_than_the_minimum_depth_is_no_centre():
    field = _pressure((260, 300, 40, -24.0), (250, 700, 20, -1.5))
    assert [kind for kind, *_ in find_centres(field, GRID, SPEC)] == ["L"]


def test_two_lows_closer_than_the_radius_are_one_centre_at_the_deeper():
    field = _pressure((260, 300, 25, -20.0), (260, 300 + 0.6 * RADIUS_PX, 25, -14.0))
    [(kind, row, col, _)] = find_centres(field, GRID, SPEC)
    assert (kind, row, col) == ("L", *_true_extreme(field, 260, 300, "L"))


def test_a_field_still_falling_at_the_domain_edge_has_no_centre_there():
    rows, cols = np.mgrid[0:GRID.shape[0], 0:GRID.shape[1]].astype(np.float32)
    field = (1030.0 - 0.05 * cols).astype(np.float32)  # lowest all along the east edge
    field[:, :40] = np.nan  # and a no-data band in the west
    assert find_centres(field, GRID, SPEC) == []


def test_centres_are_geojson_points_labelled_h_or_l_with_the_rounded_value():
    field = _pressure((260, 300, 40, -24.0), (200, 650, 50, 18.0))
    collection = centres(field, GRID, SPEC)
    by_kind = {f["properties"]["kind"]: f for f in collection["features"]}
    assert set(by_kind) == {"H", "L"}
    for kind, feature in by_kind.items():
        row, col = _true_extreme(field, *((260, 300) if kind == "L" else (200, 650)), kind)
        assert feature["geometry"]["type"] == "Point"
        lon, lat = pixels_to_lonlat(np.array([[col, row]], dtype=float), GRID)[0]
        assert feature["geometry"]["coordinates"].tolist() == [lon, lat]
        assert feature["properties"]["label"] == f"{field[row, col]:.0f}"
    assert by_kind["L"]["properties"]["value"] == pytest.approx(float(field.min()), abs=0.01)
