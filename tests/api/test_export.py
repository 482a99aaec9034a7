"""Loop export over HTTP and from the command line: frame count, size and timing of the GIF and MP4, a frame
that matches the tiles of the same frame, bad input refused, identical concurrent exports rendered once."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageSequence
from tests.api.conftest import Published
from tests.api.test_tiles import decode_png
from tests.conftest import HRRR_RUN

from twf.api.deps import Services
from twf.api.raster_cache import RasterCache
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import tile_bounds
from twf.config import Settings
from twf.export.boundaries import boundaries
from twf.export.canvas import mercator, to_pixels
from twf.export.compose import Captions, FramePainter
from twf.export.frames import frame_file, frame_overlays, frame_pixels, request_frames
from twf.export.overlays import chosen_overlays, draw_overlays
from twf.export.render import export_loop
from twf.export.request import build_request
from twf.palettes import legend, rgba

# Four z6 tiles over the central Plains (x 14-15, y 23-24): exported at 512 px, one export pixel is one pixel
# of a 256 px tile, so the export must show what those tiles show.
Z, X0, Y0 = 6, 14, 23


def tile_block_bbox() -> str:
    nw, se = tile_bounds(Z, X0, Y0), tile_bounds(Z, X0 + 1, Y0 + 1)

    def lonlat(x: float, y: float) -> tuple[float, float]:
        return math.degrees(x / 6378137.0), math.degrees(2 * math.atan(math.exp(y / 6378137.0)) - math.pi / 2)

    west, north = lonlat(nw.left, nw.top)
    east, south = lonlat(se.right, se.bottom)
    return f"{west},{south},{east},{north}"


def export(client: httpx.Client, **params: object) -> httpx.Response:
    query = {"model": "hrrr", "run": HRRR_RUN, "var": "tmp2m", "fhs": "0-1", "bbox": tile_block_bbox(),
             "width": 512} | params
    return client.get("/api/v3/export", params=query, timeout=120)


def tiles_as_shown(client: httpx.Client, fh: int) -> np.ndarray:
    """The four tiles of frame `fh` stitched and laid over the map's background, as the viewer paints them."""
    rows = []
    for y in (Y0, Y0 + 1):
        row = [decode_png(client.get(f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/{fh}/{Z}/{x}/{y}.png").content)
               for x in (X0, X0 + 1)]
        rows.append(np.concatenate(row, axis=1))
    tiles = np.concatenate(rows, axis=0).astype(np.float64)
    background = np.array(rgba(boundaries().background)[:3], dtype=np.float64)
    alpha = tiles[..., 3:4] / 255
    return tiles[..., :3] * alpha + background * (1 - alpha)


def test_gif_has_one_frame_per_hour_at_the_asked_size_and_speed(client: httpx.Client) -> None:
    r = export(client, fps=4)
    assert r.status_code == 200 and r.headers["content-type"] == "image/gif"
    assert r.headers["content-disposition"] == f'attachment; filename="hrrr_{HRRR_RUN}_tmp2m_f00-f01.gif"'
    gif = Image.open(io.BytesIO(r.content))
    frames = list(ImageSequence.Iterator(gif))
    assert len(frames) == 2 and gif.size == (512, 512)
    assert [f.info["duration"] for f in frames] == [250, 250]
    assert gif.info.get("loop") == 0  # repeats forever


def test_a_gif_frame_matches_the_tiles_of_the_same_frame(client: httpx.Client) -> None:
    gif = Image.open(io.BytesIO(export(client).content))
    gif.seek(1)
    frame = np.asarray(gif.convert("RGB"), dtype=np.float64)
    # Rows between the title and the legend/time panels: only the data and the boundary lines are there.
    band = slice(90, 400)

    def share_close(fh: int) -> float:
        error = np.abs(frame[band] - tiles_as_shown(client, fh)[band]).max(axis=-1)
        return float((error <= 10).mean())  # 256-colour GIF quantisation, and a few state lines

    same, previous = share_close(1), share_close(0)
    assert same >= 0.95, same
    assert previous < same - 0.1, (previous, same)  # an hour earlier looks different: the check can tell


def test_mp4_has_the_frames_at_the_asked_speed_and_size(client: httpx.Client, tmp_path: Path) -> None:
    r = export(client, format="mp4", fps=2)
    assert r.status_code == 200 and r.headers["content-type"] == "video/mp4"
    path = tmp_path / "loop.mp4"
    path.write_bytes(r.content)
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    assert frames == 2 and seconds == pytest.approx(1.0, abs=0.05)
    reader = imageio_ffmpeg.read_frames(str(path))
    assert next(reader)["size"] == (512, 512)
    reader.close()


@pytest.mark.parametrize(("params", "status", "needle"), [
    ({"fhs": "0-120"}, 413, "at most 120"),
    ({"width": 1921}, 413, "1921 px"),
    ({"bbox": "2,48,3,49"}, 400, "outside the canonical grid"),
    ({"fhs": "5-6"}, 404, "no published frame among the hours 5-6"),
    ({"var": "nosuch"}, 404, "no variable 'nosuch'"),
    ({"format": "webm"}, 400, "format"),
    ({"overlays": "isobars"}, 400, "overlays isobars: tmp2m has iso2f"),
])
def test_oversized_or_impossible_exports_are_refused_with_a_reason(client: httpx.Client, params: dict,
                                                                  status: int, needle: str) -> None:
    r = export(client, **params)
    assert r.status_code == status and needle in r.json()["detail"]


def test_concurrent_identical_exports_render_once(published: Published) -> None:
    services = Services(Settings(data_root=published.root, cache_dir=published.root / "cache",
                                 enable_debug_scan=False))
    request = build_request("hrrr", "tmp2m", run=HRRR_RUN, fhs="0-1", bbox=tile_block_bbox(), width=512)
    results = []
    threads = [threading.Thread(target=lambda: results.append(export_loop(services, request)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert services.exports.renders == 1
    assert len({r.content for r in results}) == 1 and len(results) == 4
    other = build_request("hrrr", "tmp2m", run=HRRR_RUN, fhs="0-1", bbox=tile_block_bbox(), width=640)
    export_loop(services, other)
    assert services.exports.renders == 2  # another width is another export


def test_cli_writes_the_loop_in_the_format_of_the_extension_from_its_data_root(published: Published,
                                                                              tmp_path: Path) -> None:
    out = tmp_path / "loop.gif"
    elsewhere = {**os.environ, "TWF_STORAGE_URL": "s3://elsewhere/v3?endpoint=http://127.0.0.1:9"}
    done = subprocess.run([sys.executable, "-m", "twf", "export", "--model", "hrrr", "--run", HRRR_RUN,
                           "--var", "tmp2m", "--fhs", "0-1", "--region", "pnw", "--width", "720", "--out",
                           str(out), "--data-root", str(published.root)], capture_output=True, text=True,
                          env=elsewhere)  # --data-root wins over the environment's store
    assert done.returncode == 0, done.stderr
    gif = Image.open(out)
    assert gif.n_frames == 2 and gif.width == 720
    assert "2 frames" in done.stdout


def test_cli_refuses_an_unknown_extension_and_an_oversized_width(published: Published,
                                                                 tmp_path: Path) -> None:
    base = [sys.executable, "-m", "twf", "export", "--model", "hrrr", "--run", HRRR_RUN, "--var", "tmp2m",
            "--fhs", "0-1", "--region", "pnw", "--data-root", str(published.root)]
    done = subprocess.run([*base, "--out", str(tmp_path / "loop.avi")], capture_output=True, text=True)
    assert done.returncode == 2 and ".gif or .mp4" in done.stderr
    done = subprocess.run([*base, "--width", "4000", "--out", str(tmp_path / "loop.gif")],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "4000 px" in done.stderr
    assert not list(tmp_path.iterdir())


def test_an_export_frame_decodes_only_the_blocks_its_region_covers_and_equals_the_whole_level(
        published: Published) -> None:
    services = Services(Settings(data_root=published.root, cache_dir=published.root / "cache",
                                 enable_debug_scan=False))
    request = build_request("hrrr", "tmp2m", run=HRRR_RUN, fhs="1", region="pnw", width=720)
    view = request.view
    frame = request_frames(services, request)[0]
    pixels = frame_pixels(services, frame, view)
    path, identity = frame_file(services, frame)
    target_res = (view.bounds.right - view.bounds.left) / 720
    whole = RasterCache(max_bytes=1 << 30, prepare=premultiply).load(path, identity, target_res)
    expected = render_rgba(whole.array, whole.geometry, view.bounds, 720, "bilinear", height=view.height)
    assert pixels.shape == (view.height, 720, 4) and np.array_equal(pixels, expected)
    level_blocks = math.ceil(whole.geometry.width / 512) * math.ceil(whole.geometry.height / 512)
    assert 0 < services.rgba.decodes < level_blocks / 2


def test_an_export_draws_the_isolines_asked_for_along_their_lines_and_nothing_elsewhere(
        published: Published) -> None:
    services = Services(Settings(data_root=published.root, cache_dir=published.root / "cache",
                                 enable_debug_scan=False))
    request = build_request("hrrr", "tmp2m", run=HRRR_RUN, fhs="1", region="pnw", width=720, overlays="iso2f")
    view, frame = request.view, request_frames(services, request)[0]
    collections = frame_overlays(services, frame, chosen_overlays(frame.var, request.overlays))
    painter = FramePainter(view, Captions("HRRR", "Run", "2 m temperature", legend("temperature_f"), False))
    pixels = frame_pixels(services, frame, view)
    plain = np.asarray(painter.paint(pixels, "f01"), dtype=np.int16)
    layers = draw_overlays(collections, view.bounds, view.width, view.height, painter.scale)
    lined = np.asarray(painter.paint(pixels, "f01", layers), dtype=np.int16)
    # The isotherms' own vertices, in export pixels, between the title and the legend/time panels.
    vertices = np.concatenate([to_pixels(mercator(line), view.bounds, view.width, view.height)
                               for feature in collections[0][1]["features"]
                               for line in feature["geometry"]["coordinates"]])
    x, y = np.rint(vertices).astype(int).T
    inside = (x >= 0) & (x < view.width) & (y >= 90) & (y < view.height - 90)
    changed = np.abs(lined - plain).max(axis=-1) > 8
    assert inside.sum() > 500 and changed[y[inside], x[inside]].mean() > 0.8  # the lines are drawn there
    near = np.zeros_like(changed)
    for dy in range(-20, 21):  # within 20 px of a vertex: the line, or a label centred on it
        for dx in range(-20, 21):
            near[np.clip(y + dy, 0, view.height - 1), np.clip(x + dx, 0, view.width - 1)] = True
    assert changed[90:-90].any() and changed[90:-90][~near[90:-90]].mean() < 0.001
    default = build_request("hrrr", "tmp2m", run=HRRR_RUN, fhs="1", region="pnw", width=720)
    assert chosen_overlays(frame.var, default.overlays) == ()  # isotherms start off in the viewer too
