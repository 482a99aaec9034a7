"""The publish transaction: staged frames become committed frames, in an order that survives SIGKILL anywhere.

For a batch of frames of one run:

1. each staged frame is validated (its files open, sit on the model's canonical grid, and its sidecar names
   this very frame); a frame that fails stays unpublished and the rest go on;
2. each valid frame's files are placed under `published/` (hard link or durable copy to a temporary name,
   then `os.replace` over the final name; the sidecar last), and the directories are fsynced;
3. the run's manifest is rewritten (temp → fsync → rename) listing the frames already listed plus the ones
   just placed — so a listed frame always has every file in place;
4. staging copies of committed frames are removed;
5. `LATEST.json` is written last, and only forward (see `ready_for_latest`).

A crash before 3 leaves placed but unlisted files that no reader looks at; the staged copies are still there,
so re-running the batch places and lists them. A crash after 3 only leaves staging litter or an old LATEST,
which the next batch fixes. Writers of one model are serialised by `twf.manifest.writer_lock`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import rasterio
from rasterio.errors import RasterioError

from twf.atomic import fsync_dir, is_temp, place_file
from twf.builder.validate import validate_frame
from twf.errors import InvalidFrame, TWFError
from twf.manifest import (
    Manifest,
    empty_manifest,
    read_latest,
    read_manifest,
    write_latest,
    write_manifest,
    writer_lock,
)
from twf.models import get_variable
from twf.models.base import ModelSpec
from twf.models.requirements import frame_hours
from twf.store import FramePaths, Store, parse_run_id

Frame = tuple[str, int]
Validator = Callable[[FramePaths, ModelSpec], Mapping[str, Any]]


@dataclass(frozen=True)
class RunPlan:
    """The frames a run should end up with: variable → forecast hours, from the model's spec."""

    model: ModelSpec
    run: str
    hours: Mapping[str, tuple[int, ...]]
    demo: bool = False  # the frames come from synthetic demo data: the manifest says so (`Manifest.demo`)

    @classmethod
    def for_run(cls, model: ModelSpec, run: str, variables: Sequence[str] | None = None, *,
                demo: bool = False) -> RunPlan:
        cycle = parse_run_id(run).hour
        names = list(variables) if variables else list(model.variables)
        return cls(model, run, {v: frame_hours(model, get_variable(model, v), cycle) for v in names}, demo)

    def frames(self) -> list[Frame]:
        """Every planned frame, earliest forecast hour first so a run fills front to back across variables."""
        frames = [(v, fh) for v, hours in self.hours.items() for fh in hours]
        return sorted(frames, key=lambda f: (f[1], f[0]))

    def expected(self, var: str) -> int:
        return len(self.hours[var])


@dataclass
class PublishReport:
    run: str
    published: list[Frame] = field(default_factory=list)
    failed: dict[Frame, str] = field(default_factory=dict)
    manifest: Manifest | None = None
    latest_run: str | None = None


def frame_files(paths: FramePaths, sidecar: Mapping[str, Any]) -> list[Path]:
    """A frame's files in placement order: data first, the sidecar last."""
    contours = [paths.contour(key) for key in sidecar.get("contours") or {}]
    return [paths.rgba, paths.value, *contours, paths.sidecar]


def check_whole(path: Path) -> None:
    """InvalidFrame unless the file is complete: a sidecar parses, a GeoJSON FeatureCollection ends as one
    does (a full parse of a 3 MB contour file costs 0.3 s), and every block a GeoTIFF's directory points at
    lies inside the file (a truncated COG still opens and reports the right grid, but is missing tiles)."""
    if path.suffix == ".json":
        try:
            json.loads(path.read_bytes())
        except ValueError as exc:
            raise InvalidFrame(f"{path.name}: truncated or invalid JSON ({exc})") from None
        return
    if path.suffix == ".geojson":
        with open(path, "rb") as f:
            f.seek(max(0, path.stat().st_size - 64))
            if not f.read().rstrip().endswith(b"]}"):
                raise InvalidFrame(f"{path.name}: truncated (does not end a FeatureCollection)")
        return
    size = path.stat().st_size
    with rasterio.open(path) as ds:
        for band in range(1, ds.count + 1):
            for (row, col), _ in ds.block_windows(band):
                offset = ds.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=band)
                length = ds.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=band)
                if offset and length and int(offset) + int(length) > size:
                    raise InvalidFrame(f"{path.name}: truncated (block {row},{col} of band {band} ends at "
                                       f"byte {int(offset) + int(length)}, the file has {size})")


def ready_for_latest(manifest: Manifest, final: bool) -> bool:
    """The rule for moving LATEST.json to a run (ARTIFACT_CONTRACT.md "LATEST.json").

    A run becomes LATEST once every planned variable has at least one committed frame or is marked
    unavailable (every frame tried so far was given up, e.g. its record is absent upstream), so switching runs
    never silently drops a variable the previous run had, and one that cannot be built does not pin LATEST to
    an older run. When the scheduler is done with a run (`final`: nothing left to try, or the end of a
    `--once` pass) any committed frame is enough.
    """
    if manifest.frame_count == 0:
        return False
    return final or all(v.available_frames > 0 or v.unavailable for v in manifest.variables.values())


def publish_frames(
    store: Store,
    plan: RunPlan,
    frames: Iterable[Frame],
    *,
    final: bool = False,
    unavailable: Mapping[str, str] | None = None,
    validate: Validator = validate_frame,
    now: datetime | None = None,
) -> PublishReport:
    """Commit the staged `frames` of `plan.run` (see the module docstring for the order of steps).

    `unavailable` (variable → why) replaces the manifest's marks of the variables without frames (None keeps
    them); a change of marks alone rewrites the manifest of a run that has frames.
    """
    model = plan.model.name
    report = PublishReport(run=plan.run)
    with writer_lock(store, model):
        _remove_stale_temps(store, plan)
        current = _committed_manifest(store, plan)
        placed_dirs: set[Path] = set()
        already: list[Frame] = []
        for var, fh in frames:
            if current.has_frame(var, fh):
                already.append((var, fh))
                continue
            try:
                placed_dirs.update(p.parent for p in _place_frame(store, plan, var, fh, validate))
            except (TWFError, RasterioError, OSError, KeyError, TypeError, ValueError) as exc:
                report.failed[(var, fh)] = one_line(exc)
                continue
            report.published.append((var, fh))
        _fsync_tree(placed_dirs, store.published_model_dir(model))
        manifest = _merged_manifest(current, plan, report.published, unavailable, now or datetime.now(UTC))
        if manifest.frame_count and manifest != current:
            write_manifest(store, manifest)
        for var, fh in [*report.published, *already]:
            _clear_staged(store.staging_frame(model, plan.run, var, fh))
        report.manifest = manifest if manifest.frame_count else None
        report.latest_run = _advance_latest(store, manifest, final, bool(report.published), now)
    return report


def _remove_stale_temps(store: Store, plan: RunPlan) -> None:
    """Temp files left by a writer that died; under the writer lock no live writer owns one."""
    model = plan.model.name
    run_dir = store.published_run_dir(model, plan.run)
    directories = [store.manifest_dir(model), store.published_model_dir(model)]
    directories += [p for p in run_dir.iterdir() if p.is_dir()] if run_dir.is_dir() else []
    for directory in directories:
        for path in directory.glob(".*") if directory.is_dir() else ():
            if is_temp(path):
                path.unlink(missing_ok=True)


def _committed_manifest(store: Store, plan: RunPlan) -> Manifest:
    if store.manifest_path(plan.model.name, plan.run).is_file():
        return read_manifest(store, plan.model.name, plan.run)
    return empty_manifest(plan.model.name, plan.run)


def _place_frame(store: Store, plan: RunPlan, var: str, fh: int, validate: Validator) -> list[Path]:
    """Validate one staged frame and place its files under published/; returns the placed paths."""
    staged = store.staging_frame(plan.model.name, plan.run, var, fh)
    sidecar = validate(staged, plan.model)
    identity = (sidecar.get("model"), sidecar.get("run"), sidecar.get("var"), sidecar.get("fh"))
    if identity != (plan.model.name, plan.run, var, fh):
        raise TWFError(f"staged sidecar {staged.sidecar} names {identity}, not {plan.run} {var} f{fh:03d}")
    sources = frame_files(staged, sidecar)
    for source in sources:
        check_whole(source)
    published = store.published_frame(plan.model.name, plan.run, var, fh)
    published.directory.mkdir(parents=True, exist_ok=True)
    targets = []
    for source, target in zip(sources, frame_files(published, sidecar), strict=True):
        place_file(source, target)
        targets.append(target)
    return targets


def _fsync_tree(directories: set[Path], top: Path) -> None:
    """fsync each directory that got new entries and its parents up to `top`, so new folders are durable."""
    pending: set[Path] = set()
    for directory in directories:
        pending.add(directory)
        pending.update(p for p in directory.parents if p == top or top in p.parents)
    for directory in sorted(pending, key=lambda p: len(p.parts), reverse=True):
        fsync_dir(directory)


def _merged_manifest(current: Manifest, plan: RunPlan, placed: list[Frame],
                     unavailable: Mapping[str, str] | None, now: datetime) -> Manifest:
    """The committed frames plus the newly placed ones; every planned variable appears, even with 0 frames,
    marked unavailable (with why) when `unavailable` names it. A run that ever took demo frames stays demo."""
    manifest = replace(current, demo=True) if plan.demo and not current.demo else current
    for var in plan.hours:
        entry = manifest.variables.get(var)
        fhs = {fh for v, fh in placed if v == var} | set(entry.fhs if entry else ())
        kept = entry.unavailable if entry else None
        mark = None if fhs else (kept if unavailable is None else unavailable.get(var))
        spec = get_variable(plan.model, var)
        if (entry is None or fhs != set(entry.fhs) or entry.expected_frames != plan.expected(var)
                or entry.unavailable != mark):
            manifest = manifest.with_frames(var, spec.kind, spec.units, plan.expected(var), fhs, now, mark)
    return manifest


def _clear_staged(staged: FramePaths) -> None:
    """Remove a committed frame's staging copies (links to the published inodes, or leftovers)."""
    for path in staged.directory.glob(f"{staged.stem}.*") if staged.directory.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    for directory in (staged.directory, staged.directory.parent):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _advance_latest(
    store: Store, manifest: Manifest, final: bool, changed: bool, now: datetime | None
) -> str | None:
    """Move LATEST.json forward to this run when it is ready; returns the run LATEST names afterwards."""
    latest = read_latest(store, manifest.model)
    if ready_for_latest(manifest, final) and (changed or latest is None or latest.run != manifest.run):
        if write_latest(store, manifest.model, manifest.run, now):
            return manifest.run
    return latest.run if latest else None


def one_line(exc: BaseException) -> str:
    """An error's message on one line (or its type's name when it has none), for reports and findings."""
    return " ".join(str(exc).split()) or type(exc).__name__
