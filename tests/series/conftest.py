"""Committed value frames of one HRRR variable written straight onto the value grid (no GRIB needed), and
the manifests that list them: what the series store is filled from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from twf import store
from twf.artifacts import VALUE
from twf.builder.cog_writer import write_value_cog
from twf.manifest import Manifest, empty_manifest
from twf.models import get_model
from twf.models.base import ModelSpec
from twf.series.document import SeriesDocument
from twf.series.layout import SeriesLayout
from twf.series.write import update_series
from twf.storage import LocalStore, ObjectStore

MODEL = "hrrr"
RUN = "20260129_17z"  # a short cycle: f00-f18, blocks f00-f06, f07-f13, f14-f18
VAR = "tmp2m"
NOW = datetime(2026, 1, 29, 18, tzinfo=UTC)


def field(fh: int, shape: tuple[int, int]) -> np.ndarray:
    """A smooth field that changes with the hour, with fine noise (as real float fields have) and no data
    along the north edge."""
    y, x = np.mgrid[0:shape[0], 0:shape[1]].astype(np.float32)
    noise = np.random.default_rng(fh).normal(0.0, 0.2, shape)
    values = 30.0 + 20.0 * np.sin(x / 60.0 + fh / 8.0) + 10.0 * np.cos(y / 40.0) + 0.37 * fh + noise
    values[:40] = np.nan
    return values.astype(np.float32)


@dataclass
class Frames:
    """Value COGs of one variable put into a store, and manifests listing them."""

    storage: ObjectStore
    work: Path
    model: ModelSpec
    run: str = RUN
    var: str = VAR

    @property
    def layout(self) -> SeriesLayout:
        return SeriesLayout.for_variable(self.model, self.model.variables[self.var], self.run)

    def put(self, *hours: int) -> None:
        for fh in hours:
            path = self.work / f"fh{fh:03d}.val.cog.tif"
            write_value_cog(path, field(fh, self.model.value_grid.shape), self.model.value_grid, False)
            key = VALUE.key(store.published_frame(self.model.name, self.run, self.var, fh))
            self.storage.put_file(key, path)

    def manifest(self, *hours: int) -> Manifest:
        spec = self.model.variables[self.var]
        expected = len(self.layout.hours)
        return empty_manifest(self.model.name, self.run, NOW).with_frames(
            self.var, spec.kind, spec.units, expected, set(hours), NOW)

    def commit(self, *hours: int) -> SeriesDocument | None:
        """What the publisher does after committing a manifest that lists `hours`."""
        return update_series(self.storage, self.model, self.manifest(*hours), self.var)

    def keys(self) -> set[str]:
        return set(self.storage.list(store.series(self.model.name, self.run, self.var).prefix))


@pytest.fixture
def storage(tmp_path: Path) -> ObjectStore:
    return LocalStore(tmp_path / "v3")


@pytest.fixture
def frames(storage: ObjectStore, tmp_path: Path) -> Frames:
    work = tmp_path / "work"
    work.mkdir()
    return Frames(storage, work, get_model(MODEL))
