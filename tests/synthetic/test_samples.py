"""The sample stand-ins are the real NOAA subsets' twins: same file names, messages, tags and grids."""

from __future__ import annotations

from pathlib import Path

import pytest
import rasterio

from twf.synthetic.samples import SAMPLE_RUNS, write_sample_stand_ins


@pytest.fixture(scope="module")
def stand_ins(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {name: write_sample_stand_ins(tmp_path_factory.mktemp(name), name) for name in SAMPLE_RUNS}


def _band_tags(path: Path) -> list[dict[str, str]]:
    with rasterio.open(path) as ds:
        return [ds.tags(band) for band in ds.indexes]


@pytest.mark.parametrize("model_name", sorted(SAMPLE_RUNS))
def test_stand_ins_read_back_as_the_declared_messages_in_order(stand_ins, model_name: str) -> None:
    _, files = SAMPLE_RUNS[model_name]
    for sample in files:
        tags = _band_tags(stand_ins[model_name] / sample.name)
        assert [(t["GRIB_ELEMENT"], t["GRIB_SHORT_NAME"]) for t in tags] == [
            (element, level.gdal) for element, level in sample.fields]
        assert {int(t["GRIB_FORECAST_SECONDS"]) for t in tags} == {sample.fh * 3600}


@pytest.mark.parametrize("model_name", sorted(SAMPLE_RUNS))
def test_stand_ins_carry_the_real_samples_names_tags_and_grids(samples_dir: Path, stand_ins,
                                                                model_name: str) -> None:
    run, files = SAMPLE_RUNS[model_name]
    real = samples_dir / model_name / run
    assert sorted(p.name for p in real.glob("*.grib2")) == sorted(f.name for f in files)
    for sample in files:
        synthetic = stand_ins[model_name] / sample.name
        assert _band_tags(synthetic) == _band_tags(real / sample.name), sample.name
        with rasterio.open(real / sample.name) as r, rasterio.open(synthetic) as s:
            assert (s.crs, s.shape) == (r.crs, r.shape)
            assert s.transform.almost_equals(r.transform, precision=1e-3)
