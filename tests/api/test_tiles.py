"""PNG tiles: size, agreement with rio-tiler on the same COG, smooth upsampling, quiet 204s, cache headers.

Agreement with rio-tiler (GDAL reads of the same RGBA COG):
- at and above the native zoom both read full resolution: nearest tiles are pixel-identical, bilinear ones
  differ by at most 1 (float rounding) on every channel, with identical alpha;
- below the native zoom GDAL reads an overview up to ~1.23× coarser than the output pixel while we read the
  finer one, so the pixels differ: we require ≥ 99.5 % identical alpha and a mean colour difference ≤ 4.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from rasterio.io import MemoryFile
from rio_tiler.io import Reader
from tests.api.conftest import HeldBack, Published, Server, in_process_app
from tests.conftest import HRRR_RUN

from twf.api import tiles as tiles_module
from twf.api.block_cache import BlockCache
from twf.api.tile_render import premultiply, render_rgba
from twf.api.webmercator import tile_bounds
from twf.artifacts import RGBA

TILE = f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/1"
# (z, x, y) inside the HRRR domain: z6-z10 are at or above HRRR's native zoom (3 km ≈ z5.7), z3-z5 below.
ABOVE_NATIVE = [(6, 14, 23), (7, 25, 48), (8, 42, 90), (10, 170, 360)]
BELOW_NATIVE = [(3, 1, 2), (4, 3, 5), (5, 7, 11)]


def decode_png(content: bytes) -> np.ndarray:
    with MemoryFile(content) as mem, mem.open() as ds:
        assert ds.driver == "PNG"
        return np.moveaxis(ds.read(), 0, -1)


def rio_tiler_rgba(path: Path, z: int, x: int, y: int, size: int, resampling: str) -> np.ndarray:
    with Reader(str(path)) as reader:
        img = reader.tile(x, y, z, tilesize=size, resampling_method=resampling)
    return np.dstack([np.moveaxis(img.data, 0, -1), img.mask])


def rgba_path(published: Published) -> Path:
    return published.file(RGBA, "hrrr", HRRR_RUN, "tmp2m", 1)


def test_tile_is_a_256_px_png_and_2x_is_512(client: httpx.Client) -> None:
    small = client.get(f"{TILE}/6/14/23.png")
    assert small.status_code == 200 and small.headers["content-type"] == "image/png"
    assert decode_png(small.content).shape == (256, 256, 4)
    assert decode_png(client.get(f"{TILE}/6/14/23@2x.png").content).shape == (512, 512, 4)


@pytest.mark.parametrize(("z", "x", "y"), ABOVE_NATIVE)
def test_bilinear_tiles_above_native_zoom_match_rio_tiler(client: httpx.Client, published: Published,
                                                          z: int, x: int, y: int) -> None:
    ours = decode_png(client.get(f"{TILE}/{z}/{x}/{y}.png").content)
    ref = rio_tiler_rgba(rgba_path(published), z, x, y, 256, "bilinear")
    assert np.array_equal(ours[..., 3], ref[..., 3])
    opaque = ref[..., 3] == 255
    assert np.abs(ours[opaque, :3].astype(int) - ref[opaque, :3].astype(int)).max() <= 1


@pytest.mark.parametrize(("z", "x", "y"), ABOVE_NATIVE)
@pytest.mark.parametrize("size", [256, 512])
def test_nearest_tiles_above_native_zoom_are_pixel_identical_to_rio_tiler(published: Published, z: int,
                                                                         x: int, y: int, size: int) -> None:
    path = rgba_path(published)
    bounds = tile_bounds(z, x, y)
    target_res = (bounds.right - bounds.left) / size
    level = BlockCache(max_bytes=1 << 30, prepare=premultiply).window(path, path.stat().st_ino, target_res,
                                                                      bounds)
    ours = render_rgba(level.array, level.geometry, bounds, size, "nearest", origin=level.origin)
    ref = rio_tiler_rgba(path, z, x, y, size, "nearest")
    opaque = ref[..., 3] == 255
    assert np.array_equal(ours[..., 3], ref[..., 3])
    assert np.array_equal(ours[opaque, :3], ref[opaque, :3])


@pytest.mark.parametrize(("z", "x", "y"), BELOW_NATIVE)
def test_tiles_below_native_zoom_agree_with_rio_tiler_within_tolerance(client: httpx.Client,
                                                                       published: Published,
                                                                       z: int, x: int, y: int) -> None:
    ours = decode_png(client.get(f"{TILE}/{z}/{x}/{y}.png").content)
    ref = rio_tiler_rgba(rgba_path(published), z, x, y, 256, "bilinear")
    assert ((ours[..., 3] > 0) == (ref[..., 3] > 0)).mean() >= 0.995
    both = (ours[..., 3] == 255) & (ref[..., 3] == 255)
    assert np.abs(ours[both, :3].astype(int) - ref[both, :3].astype(int)).mean() <= 4


@pytest.mark.usefixtures("hrrr_samples")  # needs the real field's sharp gradients in this tile
def test_continuous_tiles_above_native_zoom_are_smooth_not_blocky(client: httpx.Client,
                                                                  published: Published) -> None:
    """At z10 one 3 km pixel spans ~20 output pixels: nearest shows steps, ours must ramp between them."""
    z, x, y = 10, 170, 360
    ours = decode_png(client.get(f"{TILE}/{z}/{x}/{y}.png").content)[..., :3].astype(int)
    blocky = rio_tiler_rgba(rgba_path(published), z, x, y, 256, "nearest")[..., :3].astype(int)
    ours_step = np.abs(np.diff(ours, axis=1)).max()
    blocky_step = np.abs(np.diff(blocky, axis=1)).max()
    assert blocky_step >= 4 and ours_step * 4 <= blocky_step


def test_tile_outside_canonical_extent_is_204_and_not_logged_as_a_warning(client: httpx.Client,
                                                                          server: Server) -> None:
    for path in (f"{TILE}/6/0/0.png", f"{TILE}/8/10/10@2x.png", f"{TILE}/3/7/7.png"):
        r = client.get(path)
        assert r.status_code == 204 and r.content == b"", path
    log = server.log.read_text()
    assert "WARNING" not in log and "ERROR" not in log


@pytest.mark.parametrize("tail", ["6/64/0.png", "6/0/64.png", "25/0/0.png", "6/-1/0.png", "6/0/x.png",
                                  "6/0/1@3x.png", "6/0/99999999999.png"])
def test_tile_outside_the_tile_matrix_or_malformed_is_400(client: httpx.Client, tail: str) -> None:
    r = client.get(f"{TILE}/{tail}")
    assert r.status_code == 400 and r.json()["error"] == "invalid_parameter", tail


def test_tile_cache_control_is_immutable_for_a_run_and_short_for_latest(client: httpx.Client) -> None:
    assert client.get(f"{TILE}/6/14/23.png").headers["cache-control"] == "public, max-age=31536000, immutable"
    latest = client.get("/tiles/v3/hrrr/latest/tmp2m/1/6/14/23.png")
    assert latest.status_code == 200 and latest.headers["cache-control"] == "public, max-age=30"


def test_unpublished_frame_tile_is_404(client: httpx.Client) -> None:
    r = client.get(f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/2/6/14/23.png")
    assert r.status_code == 404 and r.json()["error"] == "not_published"


def test_refc_and_gfs_tiles_render(client: httpx.Client) -> None:
    refc = client.get(f"/tiles/v3/hrrr/{HRRR_RUN}/refc/1/5/7/11.png")
    gfs = client.get("/tiles/v3/gfs/latest/tmp2m/0/5/7/11@2x.png")
    assert decode_png(refc.content).shape == (256, 256, 4)
    assert decode_png(gfs.content)[..., 3].max() == 255


def test_tiles_being_rendered_never_hold_up_the_models_list(published: Published,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Twelve tiles whose rendering is slow (a busy CPU: 0.3 s each), then the models list, a visit's first
    request: it is answered while the tiles still render, two at a time off the event loop. Rendered on the
    loop, each tile held up every other request until it was done (the models list came after all twelve)."""
    app = in_process_app(published.root)
    crowd = [f"{TILE}/9/{x}/{y}@2x.png" for x in range(80, 86) for y in (179, 180)]
    real_render = tiles_module.render_rgba

    def slow_render(*args: object, **kwargs: object) -> np.ndarray:
        time.sleep(0.3)
        return real_render(*args, **kwargs)

    async def scenario() -> tuple[int, int, list[int]]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://twf") as client:
            await asyncio.gather(*(client.get(path) for path in crowd))  # decoded: only rendering is left
            monkeypatch.setattr(tiles_module, "render_rgba", slow_render)
            done: list[str] = []

            async def get(path: str) -> httpx.Response:
                answer = await client.get(path)
                done.append(path)
                return answer

            rendering = [asyncio.ensure_future(get(path)) for path in crowd]
            await asyncio.sleep(0.05)
            models = await asyncio.wait_for(get("/api/v3/models"), timeout=30)
            tiles_done_before = len(done) - 1
            answers = await asyncio.gather(*rendering)
        return models.status_code, tiles_done_before, [a.status_code for a in answers]

    status, tiles_done_before, answered = asyncio.run(scenario())
    assert status == 200
    assert tiles_done_before <= 4, f"{tiles_done_before} of {len(crowd)} done before the models list"
    assert answered == [200] * len(crowd)


def test_cold_tiles_waiting_to_decode_never_hold_up_other_requests(published: Published) -> None:
    """Fifty first looks at a frame whose blocks decode slowly (a busy disk or CPU) hold at most the tile
    decoders' threads: an isotherm overlay and a sample, which need a thread of the shared pool too, are
    answered while every tile still waits; then every tile is answered."""
    app = in_process_app(published.root)
    services = app.state.services
    held = HeldBack(services.rgba.window)
    services.rgba.window = held
    tiles = [f"{TILE}/9/{x}/{y}@2x.png" for x in range(80, 90) for y in range(178, 183)]
    others = [f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/1/overlays/iso2f",
              f"/api/v3/sample?model=hrrr&run={HRRR_RUN}&var=tmp2m&fh=1&lat=45.5&lon=-122.6"]
    answered_others, answered, still_waiting = asyncio.run(held.crowd(app, tiles, others))
    assert answered_others == [200, 200]
    assert still_waiting == len(tiles)  # nothing decoded while the others were answered
    assert answered == [200] * len(tiles)
