"""What else one `twf serve` process carries (the web viewer, /docs, the opt-in debug scan), and the
tiles-only `twf tile-server`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.api.conftest import Published, Server, start_server
from tests.conftest import HRRR_RUN

INDEX = "<!doctype html><title>viewer</title>"
DEBUG_TOKEN = "scan-token-0123456789abcdef"


@pytest.fixture(scope="module")
def web_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("web")
    (base / "secret.json").write_text("must never be served")
    dist = base / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(INDEX)
    (dist / "assets").mkdir()
    (dist / "assets" / "app-1a2b3c.js").write_text("console.log('viewer')")
    return dist


@pytest.fixture(scope="module")
def full_server(published: Published, web_dist: Path,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Debug scan enabled and a web viewer dist folder present."""
    log = tmp_path_factory.mktemp("logs") / "serve-full.log"
    yield from start_server(published.root, log, TWF_ENABLE_DEBUG_SCAN="1", TWF_DEBUG_TOKEN=DEBUG_TOKEN,
                            TWF_WEB_DIST=str(web_dist))


@pytest.fixture(scope="module")
def tile_server(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("logs") / "tile-server.log"
    yield from start_server(published.root, log, command="tile-server")


def test_docs_and_openapi_are_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/tiles/v3/{model}/{run}/{var}/{fh}/{z}/{x}/{y}.png" in paths and "/api/regions" in paths


def test_debug_scan_is_absent_by_default(client: httpx.Client) -> None:
    r = client.get("/api/debug/scan")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-0123456789", f"Basic {DEBUG_TOKEN}",
                                           f"Bearer {DEBUG_TOKEN}x", "Bearer", f"Bearer {DEBUG_TOKEN[:-1]}"])
def test_debug_scan_when_enabled_refuses_a_request_without_its_token(full_server: Server,
                                                                    authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    with full_server.client() as c:
        answer = c.get("/api/debug/scan", headers=headers)
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert "published" not in answer.text


def test_debug_scan_enabled_without_a_token_refuses_to_start(published: Published, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    with pytest.raises(RuntimeError, match="TWF_DEBUG_TOKEN is empty"):
        next(start_server(published.root, log, TWF_ENABLE_DEBUG_SCAN="1", TWF_DEBUG_TOKEN=""))


def test_debug_scan_lists_the_data_root_with_its_token(full_server: Server) -> None:
    with full_server.client() as c:
        body = c.get("/api/debug/scan", headers={"Authorization": f"Bearer {DEBUG_TOKEN}"}).json()
    assert HRRR_RUN in body["published"]["hrrr"] and f"{HRRR_RUN}.json" in body["manifests"]["hrrr"]
    assert "20260129_15z" in body["staging"]["hrrr"]


def test_web_viewer_is_served_at_root_with_index_fallback_for_client_routes(full_server: Server) -> None:
    with full_server.client() as c:
        root = c.get("/")
        assert root.text == INDEX and root.headers["cache-control"] == "no-cache"
        assert c.get("/hrrr/tmp2m").text == INDEX
        asset = c.get("/assets/app-1a2b3c.js")
        assert asset.text == "console.log('viewer')"
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        unknown_api = c.get("/api/v3/hrrr/x/y/z/w/q")
        assert unknown_api.status_code == 404 and unknown_api.json()["error"] == "not_found"
        assert c.get("/api/regions").json()["default"] == "pnw"


@pytest.mark.parametrize("path", ["/..%2fsecret.json", "/../secret.json", "/%2e%2e/secret.json",
                                  "/assets/..%2f..%2fsecret.json", "/assets/..%5c..%5csecret.json",
                                  "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/secret.json%00"])
def test_web_viewer_never_serves_a_file_outside_its_folder(full_server: Server, path: str) -> None:
    status, _, body = full_server.raw_get(path)
    assert status in (200, 404) and b"must never be served" not in body and b"root:" not in body
    assert status == 404 or body.decode() == INDEX


def test_tile_server_serves_tiles_and_nothing_else(tile_server: Server) -> None:
    with tile_server.client() as c:
        tile = c.get(f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/1/6/14/23.png")
        assert tile.status_code == 200 and tile.headers["content-type"] == "image/png"
        assert c.get("/api/v3/models").status_code == 404
