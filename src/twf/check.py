"""`twf check [--fix]`: verify published state against the manifests (plan risk 2: manifest authority drift).

Findings, one line each:
- a listed frame whose files are missing, or that does not open on the canonical grid (fix: unlist + delete);
- a published frame no manifest lists (fix: delete; it is what an interrupted publish leaves, and its staged
  copy is still in staging, so the next publish places it again);
- `LATEST.json` naming a run without a committed manifest (fix: the newest committed run, or none);
- a damaged manifest or LATEST.json (reported only: nothing to rebuild it from safely);
- temp files of an interrupted write (fix: delete);
- legacy region-scoped trees `published/{model}/{region}/...`, `manifests/{model}/{region}/...` (fix: delete a
  region's copy of a run only once the canonical manifest of that run is committed).
The check holds the model's writer lock, so it never sees (or races) a publish half-way.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rasterio.errors import RasterioError

from twf.atomic import is_temp
from twf.builder.validate import validate_frame
from twf.config import load_settings
from twf.errors import InvalidManifest, TWFError
from twf.manifest import (
    Manifest,
    list_runs,
    read_latest,
    read_manifest,
    write_latest,
    write_manifest,
    writer_lock,
)
from twf.models import REGISTRY, get_model
from twf.models.base import ModelSpec
from twf.publish import Validator, check_whole, frame_files, one_line
from twf.retention import run_ids_in
from twf.store import FRAME_FILE_RE, RUN_ID_RE, FramePaths, Store, frame_stem


@dataclass(frozen=True)
class Finding:
    model: str
    where: str
    problem: str
    fixed: bool = False

    def line(self) -> str:
        return f"{'fixed' if self.fixed else 'drift'}: {self.model} {self.where}: {self.problem}"


def frame_problem(paths: FramePaths, model: ModelSpec, validate: Validator) -> str | None:
    """Why a published frame is not servable, or None when all its files are there and on the grid."""
    try:
        sidecar = json.loads(paths.sidecar.read_bytes())
        missing = [p.name for p in frame_files(paths, sidecar) if not p.is_file()]
        if missing:
            return f"missing {', '.join(missing)}"
        validate(paths, model)
        for path in frame_files(paths, sidecar):
            check_whole(path)
    except FileNotFoundError:
        return f"missing {paths.sidecar.name}"
    except (TWFError, RasterioError, OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return one_line(exc)
    return None


def _delete_frame(paths: FramePaths) -> None:
    for path in paths.directory.glob(f"{paths.stem}.*"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def published_fhs(var_dir: Path) -> set[int]:
    """Forecast hours with any file in a published variable folder."""
    if not var_dir.is_dir():
        return set()
    return {int(m.group(1)) for p in var_dir.iterdir() if (m := FRAME_FILE_RE.match(p.name))}


def _check_run(store: Store, model: ModelSpec, run: str, fix: bool, validate: Validator) -> list[Finding]:
    findings: list[Finding] = []
    name = model.name
    manifest: Manifest | None = None
    if store.manifest_path(name, run).is_file():
        try:
            manifest = read_manifest(store, name, run)
        except InvalidManifest as exc:
            return [Finding(name, run, str(exc))]
    bad: dict[str, set[int]] = {}
    for var, fh in manifest.frames() if manifest else ():
        problem = frame_problem(store.published_frame(name, run, var, fh), model, validate)
        if problem:
            bad.setdefault(var, set()).add(fh)
            findings.append(Finding(name, f"{run} {var} {frame_stem(fh)}", f"listed but {problem}", fix))
    if fix and manifest and bad:
        now = datetime.now(UTC)
        for var, fhs in bad.items():
            entry = manifest.variables[var]
            manifest = manifest.with_frames(var, entry.kind, entry.units, entry.expected_frames,
                                            set(entry.fhs) - fhs, now)
        write_manifest(store, manifest)
        for var, fhs in bad.items():
            for fh in fhs:
                _delete_frame(store.published_frame(name, run, var, fh))
    run_dir = store.published_run_dir(name, run)
    for var_dir in sorted(p for p in run_dir.iterdir() if p.is_dir()) if run_dir.is_dir() else ():
        for fh in sorted(published_fhs(var_dir)):
            if manifest is None or not manifest.has_frame(var_dir.name, fh):
                where = f"{run} {var_dir.name} {frame_stem(fh)}"
                findings.append(Finding(name, where, "published but unlisted", fix))
                if fix:
                    _delete_frame(FramePaths(var_dir, fh))
    if fix and manifest is None and run_dir.is_dir() and not any(run_dir.rglob("*.*")):
        shutil.rmtree(run_dir, ignore_errors=True)
    return findings


def _check_latest(store: Store, model: str, fix: bool) -> list[Finding]:
    try:
        latest = read_latest(store, model)
    except InvalidManifest as exc:
        return [Finding(model, "LATEST.json", str(exc))]
    if latest is None or store.manifest_path(model, latest.run).is_file():
        return []
    finding = Finding(model, "LATEST.json", f"names {latest.run}, which has no committed manifest", fix)
    if fix:
        runs = list_runs(store, model)
        if runs:
            write_latest(store, model, runs[0], allow_older=True)
        else:
            store.latest_path(model).unlink(missing_ok=True)
    return [finding]


def _temp_litter(store: Store, model: str) -> Iterable[Path]:
    for top in (store.published_model_dir(model), store.manifest_dir(model)):
        if top.is_dir():
            yield from (p for p in top.rglob(".*") if is_temp(p))


def _check_legacy(store: Store, model: str, fix: bool) -> list[Finding]:
    """Region-scoped trees of the old layout: any folder under published/{model} or manifests/{model} that is
    not a run. A region's copy of a run goes once that run's canonical manifest is committed."""
    findings: list[Finding] = []
    committed = set(list_runs(store, model))
    for top in (store.published_model_dir(model), store.manifest_dir(model)):
        entries = sorted(top.iterdir()) if top.is_dir() else []
        for region in (p for p in entries if p.is_dir() and not RUN_ID_RE.match(p.name)):
            runs = run_ids_in(region) | run_ids_in(region, ".json")
            done = sorted(runs & committed)
            if fix:
                for run in done:
                    shutil.rmtree(region / run, ignore_errors=True)
                    (region / f"{run}.json").unlink(missing_ok=True)
                if not run_ids_in(region) and not run_ids_in(region, ".json"):
                    shutil.rmtree(region, ignore_errors=True)
            removed = fix and not region.exists()
            pending = sorted(runs - committed)
            detail = "legacy region-scoped tree"
            if pending and not removed:
                detail += f"; runs not yet committed canonically: {', '.join(pending)}"
            findings.append(Finding(model, str(region.relative_to(store.root)), detail, removed))
    return findings


def check_model(
    store: Store, model: ModelSpec, *, fix: bool = False, validate: Validator = validate_frame
) -> list[Finding]:
    """Every finding for one model; with `fix`, repairs what is safe to repair (see the module docstring)."""
    name = model.name
    if not (store.manifest_dir(name).exists() or store.published_model_dir(name).exists()):
        return []  # nothing of this model was ever published here
    with contextlib.ExitStack() as stack:
        try:  # a publish in progress would otherwise show as unlisted frames
            stack.enter_context(writer_lock(store, name))
        except OSError:
            if fix:
                raise
            # a read-only data root (e.g. checked as the API's user): nothing can be publishing into it
        findings = []
        for path in list(_temp_litter(store, name)):
            where = str(path.relative_to(store.root))
            findings.append(Finding(name, where, "temp file of an interrupted write", fix))
            if fix:
                path.unlink(missing_ok=True)
        runs = run_ids_in(store.manifest_dir(name), ".json") | run_ids_in(store.published_model_dir(name))
        for run in sorted(runs):
            findings += _check_run(store, model, run, fix, validate)
        findings += _check_latest(store, name, fix)
        findings += _check_legacy(store, name, fix)
    return findings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", action="append", help="model id (repeatable; default: every model)")
    parser.add_argument("--fix", action="store_true", help="repair what is safe to repair")
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT)")


def run(args: argparse.Namespace) -> int:
    store = Store(args.data_root.resolve() if args.data_root else load_settings().data_root)
    models = [get_model(m) for m in args.model] if args.model else list(REGISTRY.values())
    findings = [f for model in models for f in check_model(store, model, fix=args.fix)]
    for finding in findings:
        print(finding.line())
    remaining = [f for f in findings if not f.fixed]
    print(f"twf check: {len(findings)} finding(s), {len(findings) - len(remaining)} fixed, "
          f"{len(remaining)} remaining under {store.root}")
    return 1 if remaining else 0
