"""The values of one point at many forecast hours of one (model, run, variable): the series route's reads.

Hours the variable's series store serves (`twf.series`) come from it: one small range read per segment for
the whole run. Any other committed hour (the store not written yet, a failed store write, a damaged store)
is read from its value COG through the API's value cache, as a sample would (decodes one at a time per
process, `Services.series_decoders`). Both give the cells of the
point's stencil, blended by the one `twf.api.point_values.blend`, so the answer is the sample's either way.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import numpy as np

from twf import store
from twf.api.deps import Services
from twf.api.point_values import Stencil, blend
from twf.api.published import committed_object
from twf.api.raster_threads import in_raster_thread
from twf.artifacts import VALUE
from twf.errors import DamagedSeries, InvalidManifest, ObjectNotFound
from twf.models.base import ModelSpec, VarSpec

log = logging.getLogger("twf.api.series")


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
        level = await in_raster_thread(services.values.load, path, identity, limiter=services.series_decoders)
    return where.cells(level.array)[0]


def _stored_cells(services: Services, request: SeriesRequest, where: Stencil) -> tuple[list[int], np.ndarray]:
    """Positions in `request.hours` the store serves, and their cells (hours, 4). A segment gone since the
    cached document was read (a newer write replaced it) makes the document be read again, once."""
    model, run, var = request.model.name, request.run, request.var.name
    for fresh in (False, True):
        try:
            document = services.manifests.series(model, run, var, fresh)
            served = document.served if document is not None else {}
            slots = [i for i, fh in enumerate(request.hours) if fh in served]
            if document is None or not slots:
                break
            hours = tuple(request.hours[i] for i in slots)
            return slots, services.series.cells(document, where.rows[0], where.cols[0], hours)
        except ObjectNotFound:
            continue
        except (InvalidManifest, DamagedSeries) as exc:
            log.error("series store of %s %s %s unreadable, reading the frames: %s", model, run, var, exc)
            break
    return [], np.empty((0, where.rows.shape[-1]), dtype=np.float32)


async def hour_values(services: Services, request: SeriesRequest, where: Stencil) -> np.ndarray:
    """The point's value at each of `request.hours` (NaN: no data there), exactly as a sample of that hour."""
    if not request.hours:
        return np.empty(0, dtype=np.float64)
    cells = np.empty((len(request.hours), where.rows.shape[-1]), dtype=np.float32)
    slots, stored = _stored_cells(services, request, where)
    cells[slots] = stored
    held = set(slots)
    rest = [i for i in range(len(request.hours)) if i not in held]
    if rest:
        read = await asyncio.gather(*(_frame_cells(services, request, request.hours[i], where) for i in rest))
        cells[rest] = np.stack(read)
    return blend(cells, where.weights)
