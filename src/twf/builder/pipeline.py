"""One frame {model, run, var, fh}: GRIB2 files → the artifact set of docs/ARTIFACT_CONTRACT.md, atomically.

decode (only the needed messages) → derive + convert (native grid, display units) → warp (canonical grid)
→ colorize → RGBA COG (in a worker thread); 4x block mean (or a nearest warp for categorical fields) → value
COG; overlays (isolines, H/L centres, wind barbs) from the full-resolution fields → GeoJSON; sidecar.
Everything is written into a folder of this attempt alone (`twf.scratch`) in the store's scratch space for
the frame's prefix, validated there, then placed into the store (`twf.storage`) with the sidecar last, so
the prefix never holds a frame whose sidecar is there and whose other objects are not: on any failure the
folder is removed and the error propagates. A repeated build (a rescheduled Dask task) writes the same
objects again, never beside them.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from twf.artifacts import DATA_ARTIFACTS, OVERLAYS, RGBA, SIDECAR, VALUE
from twf.builder import cog_writer, sidecar
from twf.builder.colorize import colorize
from twf.builder.decode import Message, decode
from twf.builder.field import native_field
from twf.builder.running_total import RunningTotals
from twf.builder.validate import validate_frame
from twf.builder.warp import block_mean, warp
from twf.errors import ForecastHourOutOfRange, GridDrift
from twf.grid import VALUE_DOWNSAMPLE
from twf.models import check_frame, get_model, get_variable
from twf.models.base import ModelSpec, VarSpec
from twf.models.requirements import FramePlan, frame_plan
from twf.palettes import get_palette
from twf.scratch import attempt_dir
from twf.sidecar import Sidecar
from twf.storage import LocalStore, ObjectStore
from twf.store import FrameKeys, frame_stem, parse_run_id


@dataclass(frozen=True)
class BuiltFrame:
    storage: ObjectStore
    frame: FrameKeys
    sidecar: Sidecar
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for the benchmark


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = round(now - self._last, 4)
        self._last = now


def plan_inputs(model: ModelSpec, var: VarSpec, run: str, fh: int) -> FramePlan:
    """The messages of each input; raises if the model does not produce this frame."""
    check_frame(model, run, fh)
    plan = frame_plan(model, var, fh)
    if plan is None:
        raise ForecastHourOutOfRange(f"{model.name} {var.name} cannot be built at f{fh:03d} (the model's "
                                     f"files hold no {var.label.lower()} window ending there)")
    return plan


def _check_native_grid(model: ModelSpec, messages: list[Message]) -> None:
    """Every input must be on the model's native grid: another model's file must not be warped silently."""
    for message in messages:
        if message.data.shape != model.native_grid.shape:
            raise GridDrift(f"{message.file.name}: {message.request.describe()} is on a "
                            f"{message.data.shape[1]}x{message.data.shape[0]} grid, {model.name} files are "
                            f"{model.native_grid.width}x{model.native_grid.height}")


def _write_rgba(path: Path, full: np.ndarray, spec: ModelSpec, var_spec: VarSpec) -> None:
    rgba = colorize(full, get_palette(var_spec.palette))
    cog_writer.write_rgba_cog(path, rgba, spec.grid, var_spec.kind == "categorical")


def _write_frame(scratch: Path, fh: int, spec: ModelSpec, var_spec: VarSpec, plan: FramePlan,
                 messages: list[Message], native: np.ndarray, full: np.ndarray, clock: _Clock) -> None:
    """Rasters and overlays into the scratch folder. The RGBA COG, the largest single job, is colourised and
    written in a worker thread (GDAL compresses outside the GIL) while this thread makes the value grid, its
    COG and the overlays."""
    if var_spec.overlays:
        # Imported here: contourpy, shapely and scipy cost start-up a one-shot build of a variable without
        # overlays should not pay.
        from twf.builder import overlays
    source = messages[0]  # all inputs share the native grid (checked)
    categorical = var_spec.kind == "categorical"
    with ThreadPoolExecutor(max_workers=1) as pool:
        rgba_written = pool.submit(_write_rgba, scratch / RGBA.names(fh, var_spec)[""], full, spec, var_spec)
        if categorical:
            values = warp(native, source.crs, source.transform, spec.value_grid, "nearest")
        else:
            values = block_mean(full, VALUE_DOWNSAMPLE)
        value_file = scratch / VALUE.names(fh, var_spec)[""]
        cog_writer.write_value_cog(value_file, values, spec.value_grid, categorical)
        clock.lap("values")
        if var_spec.overlays:
            names = OVERLAYS.names(fh, var_spec)
            for key, body in overlays.draw(spec, var_spec, plan, messages, full).items():
                (scratch / names[key]).write_bytes(body)
        clock.lap("overlays")
        rgba_written.result()
    clock.lap("rgba (rest)")


def _place(scratch: Path, storage: ObjectStore, frame: FrameKeys, var_spec: VarSpec) -> None:
    """A rebuilt frame stops being complete before any of its objects is replaced: the sidecar goes first and
    comes back last, so a crash between two placements never pairs an old sidecar with new rasters."""
    sidecar_key = SIDECAR.key(frame)
    storage.delete(sidecar_key)
    names = [name for kind in (*DATA_ARTIFACTS, SIDECAR) for name in kind.names(frame.fh, var_spec).values()]
    for name in names:
        storage.put_file(frame.key(name), scratch / name)
    storage.sync([frame.key(name) for name in names])


def build_frame(model: str, run: str, var: str, fh: int, gribs: Sequence[Path], storage: ObjectStore,
                prefix: str = "") -> BuiltFrame:
    """Build one frame into `storage` under `prefix` (e.g. the run's staging prefix for the variable; a
    `LocalStore` of any folder for `twf build-frame --out`) and return where it is and its sidecar. A running
    total reads and keeps its totals beside `prefix` (`twf.builder.running_total`)."""
    clock = _Clock()
    spec = get_model(model)
    var_spec = get_variable(spec, var)
    plan = plan_inputs(spec, var_spec, run, fh)
    messages = decode([Path(g) for g in gribs], plan.requests(), parse_run_id(run))
    _check_native_grid(spec, messages)
    clock.lap("decode")
    totals = RunningTotals(storage, prefix)
    native = native_field(spec, var_spec, fh, plan, messages, totals)
    source = messages[0]  # all inputs share the native grid (checked)
    full = warp(native, source.crs, source.transform, spec.grid, var_spec.resampling)
    clock.lap("derive+warp")

    frame = FrameKeys(prefix, fh)
    scratch = attempt_dir(storage.scratch_dir(prefix), frame_stem(fh))
    try:
        _write_frame(scratch, fh, spec, var_spec, plan, messages, native, full, clock)
        meta = sidecar.build_sidecar(spec, run, var_spec, fh, full, messages)
        (scratch / SIDECAR.names(fh, var_spec)[""]).write_bytes(meta.dumps())
        validate_frame(LocalStore(scratch), FrameKeys("", fh), spec)
        _place(scratch, storage, frame, var_spec)
        clock.lap("publish")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        storage.release_scratch(prefix)
    return BuiltFrame(storage, frame, meta, clock.timings)
