"""One frame {model, run, var, fh}: GRIB2 files → the artifact set of docs/ARTIFACT_CONTRACT.md, atomically.

decode (only the needed messages) → derive + convert (native grid, display units) → warp (canonical grid)
→ colorize → RGBA COG (in a worker thread); 4x block mean (or a nearest warp for categorical fields) → value
COG; contours from the full-resolution warped field → GeoJSON; sidecar. Everything is written into a
temporary directory inside `out_dir`, validated there, then renamed into place with the sidecar last, so
`out_dir` never holds a partial frame: on any failure the temporary directory is removed and the error
propagates.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from twf.atomic import fsync_dir
from twf.builder import cog_writer, sidecar
from twf.builder.colorize import colorize
from twf.builder.decode import Message, decode
from twf.builder.derive import derive
from twf.builder.validate import validate_frame
from twf.builder.warp import block_mean, warp
from twf.errors import ForecastHourOutOfRange, GridDrift
from twf.grid import VALUE_DOWNSAMPLE
from twf.models import check_frame, get_model, get_variable
from twf.models.base import ModelSpec, VarSpec
from twf.models.requirements import MessageRequest, bucketed_inputs
from twf.palettes import get_palette
from twf.store import FramePaths, frame_stem, parse_run_id


@dataclass(frozen=True)
class BuiltFrame:
    paths: FramePaths
    sidecar: dict
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for the benchmark


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.timings[step] = round(now - self._last, 4)
        self._last = now


def plan_inputs(model: ModelSpec, var: VarSpec, run: str, fh: int) -> dict[str, tuple[MessageRequest, ...]]:
    """The messages of each input; raises if the model does not produce this frame."""
    check_frame(model, run, fh)
    plan = bucketed_inputs(model, var, fh)
    if plan is None:
        raise ForecastHourOutOfRange(f"{model.name} {var.name} cannot be built at f{fh:03d} (the model's "
                                     f"files hold no accumulation covering 0-{fh} h)")
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


def _native_field(var_spec: VarSpec, plan: dict[str, tuple[MessageRequest, ...]],
                  messages: list[Message]) -> np.ndarray:
    by_request = {m.request: m for m in messages}
    return derive(var_spec.derive, var_spec.convert,
                  {name: [by_request[r].data for r in rs] for name, rs in plan.items()})


def _write_frame(staged: FramePaths, spec: ModelSpec, var_spec: VarSpec, native: np.ndarray,
                 full: np.ndarray, source: Message, clock: _Clock) -> None:
    """Rasters and contours into the temporary directory. The RGBA COG, the largest single job, is
    colourised and written in a worker thread (GDAL compresses outside the GIL) while this thread makes the
    value grid, its COG and the contours."""
    if var_spec.contours:
        # Imported here: shapely and contourpy cost start-up a one-shot build of a variable without
        # contours should not pay.
        from twf.builder import contours
    categorical = var_spec.kind == "categorical"
    with ThreadPoolExecutor(max_workers=1) as pool:
        rgba_written = pool.submit(_write_rgba, staged.rgba, full, spec, var_spec)
        if categorical:
            values = warp(native, source.crs, source.transform, spec.value_grid, "nearest")
        else:
            values = block_mean(full, VALUE_DOWNSAMPLE)
        cog_writer.write_value_cog(staged.value, values, spec.value_grid, categorical)
        clock.lap("values")
        for contour_spec in var_spec.contours:
            collection = contours.isolines(full, spec.grid, contour_spec)
            staged.contour(contour_spec.key).write_bytes(contours.dumps(collection))
        clock.lap("contours")
        rgba_written.result()
    clock.lap("rgba (rest)")


def _move_into_place(staged: FramePaths, final: FramePaths, var_spec: VarSpec) -> None:
    """A rebuilt frame stops being complete before any of its files is replaced: the sidecar goes first and
    comes back last, so a crash between two renames never pairs an old sidecar with new rasters."""
    final.sidecar.unlink(missing_ok=True)
    moves = [(staged.rgba, final.rgba), (staged.value, final.value)]
    moves += [(staged.contour(c.key), final.contour(c.key)) for c in var_spec.contours]
    for src, dst in [*moves, (staged.sidecar, final.sidecar)]:
        os.replace(src, dst)
    fsync_dir(final.directory)


def build_frame(model: str, run: str, var: str, fh: int, gribs: Sequence[Path], out_dir: Path) -> BuiltFrame:
    """Build one frame into `out_dir` (created if needed) and return its paths and sidecar."""
    clock = _Clock()
    spec = get_model(model)
    var_spec = get_variable(spec, var)
    plan = plan_inputs(spec, var_spec, run, fh)
    messages = decode([Path(g) for g in gribs], [r for rs in plan.values() for r in rs], parse_run_id(run))
    _check_native_grid(spec, messages)
    clock.lap("decode")
    native = _native_field(var_spec, plan, messages)
    source = messages[0]  # all inputs share the native grid (checked)
    full = warp(native, source.crs, source.transform, spec.grid, var_spec.resampling)
    clock.lap("derive+warp")

    out_dir = Path(out_dir)
    created = not out_dir.exists()
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{frame_stem(fh)}.tmp-", dir=out_dir))
    try:
        staged, final = FramePaths(tmp, fh), FramePaths(out_dir, fh)
        _write_frame(staged, spec, var_spec, native, full, source, clock)
        meta = sidecar.build_sidecar(spec, run, var_spec, fh, staged, full, messages)
        staged.sidecar.write_bytes(sidecar.dumps(meta))
        validate_frame(staged, spec)
        _move_into_place(staged, final, var_spec)
        clock.lap("publish")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if created and not any(out_dir.iterdir()):
            out_dir.rmdir()
        raise
    tmp.rmdir()
    return BuiltFrame(final, meta, clock.timings)
