"""An API whose object store goes away: what it had read and decoded is still served, what it never read is a
clear 503 in the project's error shape, never a 500 and never a hang."""

from __future__ import annotations

import time
from pathlib import Path

from starlette.testclient import TestClient
from tests.api.conftest import Published
from tests.conftest import GFS_RUN, HRRR_RUN, S3_BUCKET, S3_CREDENTIALS, s3_store, upload_tree

from twf.api.app import create_app
from twf.config import Settings
from twf.storage.seaweed import running

REVALIDATE_S = 0.2
HELD = f"/tiles/v3/hrrr/{HRRR_RUN}/tmp2m/1/5/6/11.png"
NEVER_READ = f"/tiles/v3/gfs/{GFS_RUN}/tmp2m/0/5/6/11.png"


def test_s3_store_gone_keeps_serving_decoded_tiles_and_answers_503_for_the_rest(published: Published,
                                                                                 tmp_path: Path) -> None:
    with running(tmp_path / "objectstore", S3_CREDENTIALS, (S3_BUCKET,)) as own:  # this test stops it
        url = own.url(S3_BUCKET, "outage")
        upload_tree(published.root, s3_store(url))
        settings = Settings(data_root=tmp_path / "unused", cache_dir=tmp_path / "cache",
                            enable_debug_scan=False, storage_url=url, s3=S3_CREDENTIALS,
                            revalidate_seconds=REVALIDATE_S)
        with TestClient(create_app(settings)) as client:
            before = client.get(HELD)
            assert before.status_code == 200
            own.stop()
            time.sleep(REVALIDATE_S * 2)  # past the interval: the manifest is asked for again, and fails
            held = client.get(HELD)
            never_read = client.get(NEVER_READ)
    assert held.status_code == 200 and held.content == before.content
    assert never_read.status_code == 503
    assert set(never_read.json()) == {"error", "detail"}
