"""The cross-origin policy: none by default (same origin only), read-only for the origins configured."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.api.conftest import Published, Server, start_server
from tests.conftest import HRRR_RUN

ALLOWED = "https://maps.example.org"
OTHER = "https://evil.example"
FRAMES = f"/api/v3/hrrr/{HRRR_RUN}/tmp2m/frames"
TILE = f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/1/6/14/23.png"


def preflight(client: httpx.Client, origin: str, method: str = "GET", headers: str = "") -> httpx.Response:
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        asked["Access-Control-Request-Headers"] = headers
    return client.options(FRAMES, headers=asked)


@pytest.fixture(scope="module")
def cors_server(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("logs") / "serve-cors.log"
    yield from start_server(published.root, log, TWF_CORS_ORIGINS=ALLOWED, TWF_ENABLE_DEBUG_SCAN="",
                            TWF_WEB_DIST=str(log.parent / "none"))


def test_by_default_no_other_site_may_read_the_api(client: httpx.Client) -> None:
    for path in (FRAMES, TILE):
        answer = client.get(path, headers={"Origin": OTHER})
        assert answer.status_code == 200
        assert "access-control-allow-origin" not in answer.headers
    refused = preflight(client, OTHER)
    assert refused.status_code == 405 and refused.json()["error"] == "method_not_allowed"


def test_a_configured_origin_may_read_the_api_and_tiles_and_revalidate(cors_server: Server) -> None:
    with cors_server.client() as c:
        for path in (FRAMES, TILE):
            answer = c.get(path, headers={"Origin": ALLOWED})
            assert answer.headers["access-control-allow-origin"] == ALLOWED
            assert "access-control-allow-credentials" not in answer.headers
        exposed = c.get(FRAMES, headers={"Origin": ALLOWED}).headers["access-control-expose-headers"]
        assert "etag" in exposed.lower()
        allowed = preflight(c, ALLOWED, headers="If-None-Match")
        assert allowed.status_code == 200
        methods = allowed.headers["access-control-allow-methods"].replace(" ", "").split(",")
        assert set(methods) == {"GET", "HEAD", "POST"}


def test_an_origin_not_configured_gets_no_grant_and_a_json_refusal(cors_server: Server) -> None:
    with cors_server.client() as c:
        assert "access-control-allow-origin" not in c.get(FRAMES, headers={"Origin": OTHER}).headers
        for refused in (preflight(c, OTHER), preflight(c, ALLOWED, method="DELETE"),
                        preflight(c, ALLOWED, headers="X-Anything")):
            assert refused.status_code == 400
            assert refused.json()["error"] == "cors_refused" and refused.json()["detail"]
