"""The publish transaction: staged frames become committed frames, in an order that survives SIGKILL anywhere.

For a batch of frames of one run, every step through the store (`twf.storage`):

1. each staged frame is validated (its objects open, sit on the model's canonical grid, and its sidecar names
   this very frame); a frame that fails stays unpublished and the rest go on;
2. each valid frame's objects (the artifact set, `twf.artifacts`) are placed under `published/`, the sidecar
   last (locally a hard link or durable copy renamed into place, on S3 a server-side copy), and made durable;
3. the run's manifest is replaced (compare-and-swap against the version read in 1) listing the frames already
   listed plus the ones just placed — so a listed frame always has every object in place — and the run index
   lists the run;
4. staging copies of committed frames are removed;
5. `LATEST.json` is written last, and only forward (see `ready_for_latest`);
6. the series stores of the batch's variables take the committed frames (`twf.series.write`): a store
   only ever holds committed frames, so it never disagrees with the manifest, and a store write that fails
   is logged, never failing the publish (the series route reads hours a store lacks from the frames).

A crash before 3 leaves placed but unlisted objects that no reader looks at; the staged copies are still
there, so re-running the batch places and lists them. A crash after 3 only leaves staging litter, a run
missing from the index, an old LATEST or series stores short of the batch's hours, which the next batch (of
those variables) fixes. Writers of one model are serialised by
`twf.manifest.writer_lock` on one host, and by the compare-and-swap of step 3 across hosts (WriteConflict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from rasterio.errors import RasterioError

from twf import store
from twf.artifacts import frame_objects
from twf.builder.validate import check_frame_whole, validate_frame
from twf.errors import TWFError
from twf.manifest import (
    Manifest,
    empty_manifest,
    list_run,
    load_manifest,
    read_latest,
    write_latest,
    write_manifest,
    writer_lock,
)
from twf.models import get_variable
from twf.models.base import ModelSpec
from twf.models.requirements import frame_plans
from twf.series.write import update_stores
from twf.sidecar import Sidecar
from twf.storage import ObjectInfo, ObjectStore
from twf.store import FrameKeys, parse_run_id

Frame = tuple[str, int]
Validator = Callable[[ObjectStore, FrameKeys, ModelSpec], Sidecar]


@dataclass(frozen=True)
class RunPlan:
    """The frames a run should end up with: variable → forecast hours, from the model's spec.

    A variable the cycle cannot make at all (24 h changes in an 18 h HRRR run) is not planned. `after` holds
    the frames a running total continues (`FramePlan.continues`): frame → the frame it must follow; `files`
    the forecast hours of the upstream files each frame reads (a 1 h window reads the hour before too).
    """

    model: ModelSpec
    run: str
    hours: Mapping[str, tuple[int, ...]]
    demo: bool = False  # the frames come from synthetic demo data: the manifest says so (`Manifest.demo`)
    after: Mapping[Frame, Frame] = field(default_factory=dict)
    files: Mapping[Frame, frozenset[int]] = field(default_factory=dict)

    @classmethod
    def for_run(cls, model: ModelSpec, run: str, variables: Sequence[str] | None = None, *,
                demo: bool = False) -> RunPlan:
        cycle = parse_run_id(run).hour
        names = list(variables) if variables else list(model.variables)
        plans = {v: frame_plans(model, get_variable(model, v), cycle) for v in names}
        hours = {v: tuple(by_fh) for v, by_fh in plans.items() if by_fh}
        after = {(v, fh): (v, plan.continues) for v in hours for fh, plan in plans[v].items()
                 if plan.continues is not None}
        files = {(v, fh): frozenset(r.fh for r in plan.requests())
                 for v in hours for fh, plan in plans[v].items()}
        return cls(model, run, hours, demo, after, files)

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
    storage: ObjectStore,
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
    them); a change of marks alone rewrites the manifest of a run that has frames. Raises WriteConflict
    (nothing of this batch committed, its frames still staged) when another writer committed the run's
    manifest or LATEST.json since this one read it.
    """
    model = plan.model.name
    report = PublishReport(run=plan.run)
    with writer_lock(storage, model):
        _discard_partial(storage, plan)
        loaded = load_manifest(storage, model, plan.run)
        current, based_on = loaded if loaded else (empty_manifest(model, plan.run), None)
        placed: list[str] = []
        already: list[Frame] = []
        for var, fh in frames:
            if current.has_frame(var, fh):
                already.append((var, fh))
                continue
            try:
                placed += _place_frame(storage, plan, var, fh, validate)
            except (TWFError, RasterioError, OSError, KeyError, TypeError, ValueError) as exc:
                report.failed[(var, fh)] = one_line(exc)
                continue
            report.published.append((var, fh))
        storage.sync(placed)
        manifest = _merged_manifest(current, plan, report.published, unavailable, now or datetime.now(UTC))
        manifest = _commit(storage, manifest, based_on, bool(manifest.frame_count) and manifest != current)
        for var, fh in [*report.published, *already]:
            _clear_staged(storage, plan, var, fh)
        report.manifest = manifest if manifest.frame_count else None
        report.latest_run = _advance_latest(storage, manifest, final, bool(report.published), now)
        update_stores(storage, plan.model, manifest, {var for var, _ in [*report.published, *already]})
    return report


def _discard_partial(storage: ObjectStore, plan: RunPlan) -> None:
    """Leftovers of a writer that died (local temp files); under the writer lock no live writer owns one."""
    model = plan.model.name
    run_vars = [store.published_var(model, plan.run, var) for var in plan.hours]
    storage.discard_partial([store.manifests(model), store.published_model(model), *run_vars])


def _commit(storage: ObjectStore, manifest: Manifest, based_on: ObjectInfo | None, changed: bool) -> Manifest:
    """Write the manifest when it changed (frames added, marks changed); a run with a manifest is always in
    the run index (a crash between the two is healed here)."""
    if changed:
        return write_manifest(storage, manifest, based_on)
    if based_on is not None:
        list_run(storage, manifest.model, manifest.run)
    return manifest


def _place_frame(storage: ObjectStore, plan: RunPlan, var: str, fh: int, validate: Validator) -> list[str]:
    """Validate one staged frame and place its objects under published/; returns the placed keys."""
    staged = store.staging_frame(plan.model.name, plan.run, var, fh)
    sidecar = validate(storage, staged, plan.model)
    identity = (sidecar.model, sidecar.run, sidecar.var, sidecar.fh)
    if identity != (plan.model.name, plan.run, var, fh):
        raise TWFError(f"staged sidecar of {staged.prefix} f{fh:03d} names {identity}, "
                       f"not {plan.run} {var} f{fh:03d}")
    check_frame_whole(storage, staged, sidecar, plan.model)
    var_spec = get_variable(plan.model, var)
    published = store.published_frame(plan.model.name, plan.run, var, fh)
    targets = frame_objects(published, var_spec)
    for source, target in zip(frame_objects(staged, var_spec), targets, strict=True):
        storage.copy(source, target)
    return targets


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


def _clear_staged(storage: ObjectStore, plan: RunPlan, var: str, fh: int) -> None:
    """Remove a committed frame's staging copies (links to the published inodes, or leftovers)."""
    staged = store.staging_frame(plan.model.name, plan.run, var, fh)
    for key in frame_objects(staged, get_variable(plan.model, var)):
        storage.delete(key)


def _advance_latest(
    storage: ObjectStore, manifest: Manifest, final: bool, changed: bool, now: datetime | None
) -> str | None:
    """Move LATEST.json forward to this run when it is ready; returns the run LATEST names afterwards."""
    latest = read_latest(storage, manifest.model)
    if ready_for_latest(manifest, final) and (changed or latest is None or latest.run != manifest.run):
        if write_latest(storage, manifest.model, manifest.run, now):
            return manifest.run
    return latest.run if latest else None


def one_line(exc: BaseException) -> str:
    """An error's message on one line (or its type's name when it has none), for reports and findings."""
    return " ".join(str(exc).split()) or type(exc).__name__
