"""The server's warm-up (`twf.api.warmup`): one request per route with parameters, each refused before any
read of the store, so a fresh server's first real request does not pay the route's one-time costs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.api.conftest import in_process_app

from twf.api.warmup import warm_up_routes


def test_warm_up_reaches_every_route_with_parameters_and_each_refuses_it(tmp_path: Path) -> None:
    answers = asyncio.run(warm_up_routes(in_process_app(tmp_path / "v3")))
    sent = {(method, path) for method, path, _ in answers}
    assert {("GET", "/tiles/v3/0/0/0/0/0/0/0.png"), ("GET", "/api/v3/sample"),
            ("POST", "/api/v3/sample/batch"), ("GET", "/api/v3/series"), ("GET", "/api/v3/0/runs")} <= sent
    assert all(400 <= status < 500 for _, _, status in answers), answers
    assert not (tmp_path / "v3").exists()  # nothing was read, let alone written, under the data root
