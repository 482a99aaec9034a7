"""A damaged committed file (truncated manifest, corrupt COG) is a 503 JSON for its own routes, never a 500,
and does not hide the healthy runs."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from tests.api.conftest import Published, Server, start_server
from tests.conftest import HRRR_RUN

DAMAGED_RUN = "20260129_16z"


@pytest.fixture(scope="module")
def damaged_server(published: Published, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("damaged")
    root = base / "v3"
    shutil.copytree(published.root, root)
    (root / "manifests" / "hrrr" / f"{DAMAGED_RUN}.json").write_text('{"contract_version": "3.0", "mod')
    gfs_rgba = next((root / "published" / "gfs").rglob("fh000.rgba.cog.tif"))
    gfs_rgba.write_bytes(gfs_rgba.read_bytes()[:2000])  # header survives, tiles are gone
    yield from start_server(root, base / "serve.log")


def test_a_damaged_manifest_does_not_hide_the_other_runs(damaged_server: Server) -> None:
    with damaged_server.client() as c:
        assert [r["run"] for r in c.get("/api/v3/hrrr/runs").json()["runs"]] == [HRRR_RUN]
        r = c.get(f"/api/v3/hrrr/{DAMAGED_RUN}/vars")
    assert r.status_code == 503 and r.json()["error"] == "invalid_manifest"
    assert r.headers["cache-control"] == "no-store"


def test_a_corrupt_cog_answers_503_not_500(damaged_server: Server) -> None:
    with damaged_server.client() as c:
        r = c.get("/tiles/v3/gfs/latest/tmp2m/0/5/7/11.png")
    assert r.status_code == 503 and r.json()["error"] == "artifact_unreadable"
