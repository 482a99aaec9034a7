"""`twf check [--fix]`: verify published state against the manifests (plan risk 2: manifest authority drift).

Findings, one line each:
- a listed frame whose files are missing, or that does not open on the canonical grid (fix: unlist + delete);
- a published frame no manifest lists (fix: delete; it is what an interrupted publish leaves, and its staged
  copy is still in staging, so the next publish places it again);
- `LATEST.json` naming a run without a committed manifest (fix: the newest committed run, or none);
- a run index that lists a run without a manifest, or misses one that has a manifest (fix: unlist / list);
- a damaged manifest or LATEST.json (reported only: nothing to rebuild it from safely);
- a series store that lacks committed hours, serves an hour the manifest does not list or values other than
  its frame's, is damaged, or holds objects its document does not name (fix: write it anew from the frames);
  a series store of a variable without committed frames (fix: delete);
- leftovers of an interrupted write (local temp files; fix: delete);
- legacy region-scoped trees `published/{model}/{region}/...`, `manifests/{model}/{region}/...` (fix: delete a
  region's copy of a run only once the canonical manifest of that run is committed).
The check holds the model's writer lock, so it never sees (or races) a publish half-way.
"""

from __future__ import annotations

import argparse
import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rasterio.errors import RasterioError

from twf import store
from twf.artifacts import SIDECAR, frame_objects
from twf.builder.validate import check_frame_whole, validate_frame
from twf.errors import InvalidManifest, ObjectNotFound, TWFError
from twf.manifest import (
    Manifest,
    list_run,
    load_manifest,
    load_run_index,
    manifested_runs,
    read_latest,
    unlist_runs,
    write_latest,
    write_manifest,
    writer_lock,
)
from twf.models import REGISTRY, get_model
from twf.models.base import ModelSpec
from twf.publish import Validator, one_line
from twf.retention import run_ids_in
from twf.series.verify import fix_series, series_problems, stray_stores
from twf.storage import ObjectStore, configured_store
from twf.store import FRAME_FILE_RE, RUN_ID_RE, FrameKeys, frame_stem, parse_run_id

Frame = tuple[str, int]
NOT_REGIONS = {"LATEST.json", "runs.json"}  # the model-level documents beside the runs


@dataclass(frozen=True)
class Finding:
    model: str
    where: str
    problem: str
    fixed: bool = False

    def line(self) -> str:
        return f"{'fixed' if self.fixed else 'drift'}: {self.model} {self.where}: {self.problem}"


def frame_problem(storage: ObjectStore, frame: FrameKeys, model: ModelSpec, var: str,
                  validate: Validator) -> str | None:
    """Why a published frame is not servable, or None when its objects are all there, whole, on the grid."""
    var_spec = model.variables.get(var)
    if var_spec is None:
        return f"{model.name} has no variable {var!r}"
    try:
        keys = frame_objects(frame, var_spec)
        missing = [key.rsplit("/", 1)[-1] for key in keys if storage.head(key) is None]
        if missing:
            return f"missing {', '.join(missing)}"
        sidecar = validate(storage, frame, model)
        check_frame_whole(storage, frame, sidecar, model)
    except ObjectNotFound:
        return f"missing {SIDECAR.key(frame).rsplit('/', 1)[-1]}"
    except (TWFError, RasterioError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return one_line(exc)
    return None


def published_objects(storage: ObjectStore, model: str, run: str) -> dict[Frame, list[str]]:
    """(var, fh) → the keys of every object a run's published folder holds for that frame (a listing)."""
    found: dict[Frame, list[str]] = defaultdict(list)
    top = store.published_run(model, run)
    for key in storage.list(top):
        parts = key[len(top) + 1:].split("/")
        if len(parts) == 2 and (m := FRAME_FILE_RE.match(parts[1])):
            found[(parts[0], int(m.group(1)))].append(key)
    return dict(found)


def _check_run(storage: ObjectStore, model: ModelSpec, run: str, fix: bool,
               validate: Validator) -> list[Finding]:
    findings: list[Finding] = []
    name = model.name
    try:
        loaded = load_manifest(storage, name, run)
    except InvalidManifest as exc:
        return [Finding(name, run, str(exc))]
    manifest, based_on = loaded if loaded else (None, None)
    objects = published_objects(storage, name, run)
    bad: dict[str, set[int]] = {}
    for var, fh in manifest.frames() if manifest else ():
        problem = frame_problem(storage, store.published_frame(name, run, var, fh), model, var, validate)
        if problem:
            bad.setdefault(var, set()).add(fh)
            findings.append(Finding(name, f"{run} {var} {frame_stem(fh)}", f"listed but {problem}", fix))
    if fix and manifest and bad:
        now = datetime.now(UTC)
        for var, fhs in bad.items():
            entry = manifest.variables[var]
            manifest = manifest.with_frames(var, entry.kind, entry.units, entry.expected_frames,
                                            set(entry.fhs) - fhs, now)
        manifest = write_manifest(storage, manifest, based_on)
        for var, fhs in bad.items():
            for fh in fhs:
                for key in objects.pop((var, fh), []):
                    storage.delete(key)
    for (var, fh), keys in sorted(objects.items()):
        if manifest is None or not manifest.has_frame(var, fh):
            findings.append(Finding(name, f"{run} {var} {frame_stem(fh)}", "published but unlisted", fix))
            for key in keys if fix else ():
                storage.delete(key)
    findings += _check_series(storage, model, run, manifest, fix)
    if fix and manifest is None:
        storage.delete_prefix(store.published_run(name, run))
    return findings


def _check_series(storage: ObjectStore, model: ModelSpec, run: str, manifest: Manifest | None,
                  fix: bool) -> list[Finding]:
    """Each variable's series store against its committed frames (`twf.series.verify`)."""
    findings = []
    for var in stray_stores(storage, model.name, run, manifest):
        problem = "store of a variable without committed frames"
        findings.append(Finding(model.name, f"{run} {var} series", problem, fix))
        if fix:
            storage.delete_prefix(store.series(model.name, run, var).prefix)
    for var in sorted(v for v, entry in (manifest.variables.items() if manifest else ()) if entry.frames):
        problems = series_problems(storage, model, manifest, var)
        if not problems:
            continue
        fixed = fix
        if fix:
            try:
                fix_series(storage, model, manifest, var)
            except (TWFError, RasterioError, OSError, ValueError) as exc:
                fixed = False
                problems.append(f"not rebuilt: {one_line(exc)}")
        findings.append(Finding(model.name, f"{run} {var} series", "; ".join(problems), fixed))
    return findings


def _check_index(storage: ObjectStore, model: str, fix: bool) -> list[Finding]:
    """The run index against the manifests there are."""
    try:
        loaded = load_run_index(storage, model)
    except InvalidManifest as exc:
        return [Finding(model, "runs.json", str(exc))]
    indexed = set(loaded[0].runs) if loaded else set()
    committed = manifested_runs(storage, model)
    findings = [Finding(model, "runs.json", f"lists {run}, which has no committed manifest", fix)
                for run in sorted(indexed - committed)]
    findings += [Finding(model, "runs.json", f"misses {run}, which has a committed manifest", fix)
                 for run in sorted(committed - indexed)]
    if fix:
        unlist_runs(storage, model, indexed - committed)
        for run in sorted(committed - indexed):
            list_run(storage, model, run)
    return findings


def _check_latest(storage: ObjectStore, model: str, fix: bool) -> list[Finding]:
    try:
        latest = read_latest(storage, model)
    except InvalidManifest as exc:
        return [Finding(model, "LATEST.json", str(exc))]
    if latest is None or storage.head(store.manifest(model, latest.run)) is not None:
        return []
    finding = Finding(model, "LATEST.json", f"names {latest.run}, which has no committed manifest", fix)
    if fix:
        runs = sorted(manifested_runs(storage, model), key=parse_run_id, reverse=True)
        if runs:
            write_latest(storage, model, runs[0], allow_older=True)
        else:
            storage.delete(store.latest(model))
    return [finding]


def _temp_litter(storage: ObjectStore, model: str) -> list[str]:
    return [key for top in (store.published_model(model), store.manifests(model))
            for key in storage.partial_writes(top, recursive=True)]


def _region_runs(storage: ObjectStore, folder: str) -> set[str]:
    """Runs a legacy region folder holds: run folders or run manifests."""
    names = {n.removesuffix(".json") for n in storage.children(folder)}
    return {n for n in names if RUN_ID_RE.match(n)}


def _check_legacy(storage: ObjectStore, model: str, fix: bool) -> list[Finding]:
    """Region-scoped trees of the old layout: any folder under published/{model} or manifests/{model} that is
    not a run. A region's copy of a run goes once that run's canonical manifest is committed."""
    findings: list[Finding] = []
    committed = manifested_runs(storage, model)
    for top in (store.published_model(model), store.manifests(model)):
        entries = sorted(storage.children(top) - NOT_REGIONS)
        for region in (e for e in entries if not RUN_ID_RE.match(e.removesuffix(".json"))):
            folder = f"{top}/{region}"
            runs = _region_runs(storage, folder)
            if fix:
                for run in sorted(runs & committed):
                    storage.delete_prefix(f"{folder}/{run}")
                    storage.delete(f"{folder}/{run}.json")
                if not _region_runs(storage, folder):
                    storage.delete_prefix(folder)
            removed = fix and not storage.children(folder)
            pending = sorted(runs - committed)
            detail = "legacy region-scoped tree"
            if pending and not removed:
                detail += f"; runs not yet committed canonically: {', '.join(pending)}"
            findings.append(Finding(model, folder, detail, removed))
    return findings


def check_model(
    storage: ObjectStore, model: ModelSpec, *, fix: bool = False, validate: Validator = validate_frame
) -> list[Finding]:
    """Every finding for one model; with `fix`, repairs what is safe to repair (see the module docstring)."""
    name = model.name
    if not (storage.children(store.manifests(name)) or storage.children(store.published_model(name))):
        return []  # nothing of this model was ever published here
    with contextlib.ExitStack() as stack:
        try:  # a publish in progress would otherwise show as unlisted frames
            stack.enter_context(writer_lock(storage, name))
        except OSError:
            if fix:
                raise
            # a read-only data root (e.g. checked as the API's user): nothing can be publishing into it
        findings = []
        for key in _temp_litter(storage, name):
            findings.append(Finding(name, key, "temp file of an interrupted write", fix))
            if fix:
                storage.delete(key)
        runs = manifested_runs(storage, name) | run_ids_in(storage, store.published_model(name))
        for run in sorted(runs):
            findings += _check_run(storage, model, run, fix, validate)
        findings += _check_index(storage, name, fix)
        findings += _check_latest(storage, name, fix)
        findings += _check_legacy(storage, name, fix)
    return findings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", action="append", help="model id (repeatable; default: every model)")
    parser.add_argument("--fix", action="store_true", help="repair what is safe to repair")
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT)")


def run(args: argparse.Namespace) -> int:
    storage = configured_store(args.data_root)
    models = [get_model(m) for m in args.model] if args.model else list(REGISTRY.values())
    findings = [f for model in models for f in check_model(storage, model, fix=args.fix)]
    for finding in findings:
        print(finding.line())
    remaining = [f for f in findings if not f.fixed]
    print(f"twf check: {len(findings)} finding(s), {len(findings) - len(remaining)} fixed, "
          f"{len(remaining)} remaining under {storage.url}")
    return 1 if remaining else 0
