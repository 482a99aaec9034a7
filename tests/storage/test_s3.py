"""`S3Store`'s GDAL reads (`gdal_env` + `gdal_path`: the builder's validation, the series writer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import rasterio
from tests.conftest import s3_store

from twf.storage.seaweed import free_ports


def _tiny_geotiff(path: Path) -> Path:
    with rasterio.open(path, "w", driver="GTiff", width=4, height=3, count=1, dtype="float32") as ds:
        ds.write(np.arange(12, dtype="float32").reshape(1, 3, 4))
    return path


def test_gdal_reads_stay_on_their_store_s_endpoint_when_another_store_is_opened_s3(
        s3_url: str, tmp_path: Path) -> None:
    """GDAL's S3 options were process-wide and set once per endpoint: a second store opened in the process
    (here one whose endpoint is closed) sent the first store's later reads to the second endpoint."""
    store = s3_store(s3_url)
    store.put_file("staging/a.tif", _tiny_geotiff(tmp_path / "a.tif"))
    s3_store(f"s3://twf-test/elsewhere?endpoint=http://127.0.0.1:{free_ports(1)[0]}")
    with store.gdal_env(), rasterio.open(store.gdal_path("staging/a.tif")) as ds:
        assert ds.read(1)[2, 3] == 11
