"""The values of one point at many forecast hours of one (model, run, variable): the series route's reads.

Each committed hour's value COG is read through the API's value cache (decoded once, shared with sample and
hover) and blended at the point's stencil; a frame whose value raster has gone missing reads as null.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import numpy as np
from starlette.concurrency import run_in_threadpool

from twf import store
from twf.api.deps import Services
from twf.api.point_values import Stencil, blend
from twf.api.published import committed_object
from twf.artifacts import VALUE
from twf.models.base import ModelSpec, VarSpec


@dataclass(frozen=True)
class SeriesRequest:
    model: ModelSpec
    run: str
    var: VarSpec
    hours: tuple[int, ...]  # committed forecast hours, ascending


async def _frame_cells(services: Services, request: SeriesRequest, fh: int, where: Stencil) -> np.ndarray:
    key = VALUE.key(store.published_frame(request.model.name, request.run, request.var.name, fh))
    info = committed_object(services, services.manifests.manifest(request.model.name, request.run), key)
    if info is None:
        return np.full(where.weights.shape[-1], np.nan, dtype=np.float32)
    path, identity = services.storage.gdal_path(key), info.identity
    level = services.values.cached(path, identity)
    if level is None:
        level = await run_in_threadpool(services.values.load, path, identity)
    return where.cells(level.array)[0]


async def hour_values(services: Services, request: SeriesRequest, where: Stencil) -> np.ndarray:
    """The point's value at each of `request.hours` (NaN: no data there), exactly as a sample of that hour."""
    if not request.hours:
        return np.empty(0, dtype=np.float64)
    cells = await asyncio.gather(*(_frame_cells(services, request, fh, where) for fh in request.hours))
    return blend(np.stack(cells), where.weights)
