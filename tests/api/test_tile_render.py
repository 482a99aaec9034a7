"""Resampling rules of the tile renderer on small rasters whose right answer is known."""

from __future__ import annotations

import numpy as np

from twf.api.raster_cache import LevelGeometry
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import Bounds

GEOM = LevelGeometry(0, left=0.0, top=4.0, res_x=1.0, res_y=1.0, width=4, height=4)
BOUNDS = Bounds(0.0, 0.0, 4.0, 4.0)


def test_bilinear_edges_of_the_data_fade_out_without_a_dark_fringe() -> None:
    raster = np.zeros((4, 4, 4), np.uint8)
    raster[:, :2] = (255, 40, 0, 255)  # data on the left half, no-data (black, transparent) on the right
    tile = render_rgba(premultiply(raster), GEOM, BOUNDS, 64, "bilinear")
    alpha = tile[..., 3]
    fading = (alpha > 0) & (alpha < 255)
    assert fading.any()
    # Not darkened: what the pixel adds over the map (colour × alpha) is the data colour's share, to within
    # 1 level (colour is kept premultiplied in 8 bits, so nearly transparent pixels carry coarse colour).
    error = np.abs(tile[fading, :3].astype(int) - (255, 40, 0)) * alpha[fading, None] / 255
    assert error.max() <= 1
    assert np.abs(tile[alpha >= 128, :3].astype(int) - (255, 40, 0)).max() <= 1


def test_nearest_never_invents_a_colour() -> None:
    classes = np.array([(200, 0, 0, 255), (0, 200, 0, 255), (0, 0, 200, 255), (0, 0, 0, 0)], np.uint8)
    raster = classes[np.arange(16).reshape(4, 4) % 4]
    tile = render_rgba(premultiply(raster), GEOM, BOUNDS, 64, "nearest")
    assert {tuple(p) for p in tile.reshape(-1, 4)} <= {tuple(c) for c in classes}


def test_pixels_beyond_the_raster_are_transparent() -> None:
    raster = np.full((4, 4, 4), 255, np.uint8)
    tile = render_rgba(premultiply(raster), GEOM, Bounds(2.0, -2.0, 6.0, 2.0), 8, "bilinear")
    assert tile[:4, :4, 3].min() == 255  # the overlapping quarter
    assert tile[4:, :, 3].max() == 0 and tile[:, 4:, 3].max() == 0
