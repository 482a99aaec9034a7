"""A damaged committed file (truncated manifest, corrupt COG) is a 503 JSON for its own routes, never a 500,
and does not hide the healthy runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
    for name in ("fh000.rgba.cog.tif", "fh000.val.cog.tif"):  # truncated on disk: header survives, data gone
        cog = next((root / "published" / "gfs").rglob(name))
        cog.write_bytes(cog.read_bytes()[:2000])
    yield from start_server(root, base / "serve.log")


def test_a_damaged_manifest_does_not_hide_the_other_runs(damaged_server: Server) -> None:
    with damaged_server.client() as c:
        assert [r["run"] for r in c.get("/api/v3/hrrr/runs").json()["runs"]] == [HRRR_RUN]
        r = c.get(f"/api/v3/hrrr/{DAMAGED_RUN}/vars")
    assert r.status_code == 503 and r.json()["error"] == "invalid_manifest"
    assert r.headers["cache-control"] == "no-store"


def test_a_truncated_cog_answers_503_json_for_tiles_and_samples_not_500(damaged_server: Server) -> None:
    with damaged_server.client() as c:
        for path in ("/tiles/v3/gfs/latest/tmp2m/0/5/7/11.png", "/tiles/v3/gfs/latest/tmp2m/0/5/7/11@2x.png",
                     "/api/v3/sample?model=gfs&run=latest&var=tmp2m&fh=0&lat=40&lon=-100"):
            for _ in range(2):  # the second ask must not find a half-decoded level cached
                r = c.get(path)
                assert r.status_code == 503 and r.json()["error"] == "artifact_unreadable", path
                assert r.headers["cache-control"] == "no-store"
        assert c.get("/healthz").status_code == 200


def test_twf_check_reports_the_frame_with_a_truncated_cog(damaged_server: Server) -> None:
    root = damaged_server.log.parent / "v3"
    done = subprocess.run([sys.executable, "-m", "twf", "check", "--model", "gfs", "--data-root", str(root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "gfs 20260129_12z tmp2m fh000: listed but fh000.rgba.cog.tif: truncated" in done.stdout
