"""Run manifests and `LATEST.json`: the committed state every reader trusts (docs/ARTIFACT_CONTRACT.md).

A manifest lists the frames of one run whose files are all in `published/`; `LATEST.json` names the newest
run readers should show. Both are only ever replaced whole (`twf.atomic`), so `read_manifest` and
`read_latest` see either the previous or the next committed state, never a torn one. Writers are
`twf.publish`, `twf.retention` and `twf check --fix`; everyone else only reads.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from twf import CONTRACT_VERSION
from twf.atomic import write_bytes_atomic
from twf.errors import InvalidManifest, NotPublished, TWFError
from twf.store import RUN_ID_RE, Store, iso_utc, parse_run_id, valid_time


@dataclass(frozen=True)
class FrameEntry:
    fh: int
    valid_time: str


@dataclass(frozen=True)
class VariableEntry:
    kind: str
    units: str
    expected_frames: int
    frames: tuple[FrameEntry, ...] = ()
    # Why the run cannot show the variable (it has no frame and every frame tried was given up: e.g. a record
    # the upstream inventory does not hold); None while it has frames or may still get them.
    unavailable: str | None = None

    @property
    def available_frames(self) -> int:
        return len(self.frames)

    @property
    def fhs(self) -> tuple[int, ...]:
        return tuple(f.fh for f in self.frames)


@dataclass(frozen=True)
class Manifest:
    model: str
    run: str
    variables: Mapping[str, VariableEntry]
    last_updated: str
    ref_time: str = ""
    contract_version: str = CONTRACT_VERSION
    demo: bool = False  # built from synthetic demo data (a mirror with a DEMO.json marker), not a forecast

    def __post_init__(self) -> None:
        if not self.ref_time:
            object.__setattr__(self, "ref_time", iso_utc(parse_run_id(self.run)))

    @property
    def complete(self) -> bool:
        """Every variable has all the frames its plan expects."""
        return all(v.available_frames >= v.expected_frames for v in self.variables.values())

    @property
    def frame_count(self) -> int:
        return sum(v.available_frames for v in self.variables.values())

    def frames(self) -> Iterator[tuple[str, int]]:
        for var, entry in self.variables.items():
            for frame in entry.frames:
                yield var, frame.fh

    def has_frame(self, var: str, fh: int) -> bool:
        entry = self.variables.get(var)
        return entry is not None and fh in entry.fhs

    def with_frames(
        self, var: str, kind: str, units: str, expected: int, fhs: set[int], now: datetime,
        unavailable: str | None = None,
    ) -> Manifest:
        """A copy where `var` lists exactly `fhs` (sorted), with the plan's expected count (and, for a
        variable without frames, why it is unavailable)."""
        entry = VariableEntry(
            kind=kind, units=units, expected_frames=expected,
            frames=tuple(FrameEntry(fh, iso_utc(valid_time(self.run, fh))) for fh in sorted(fhs)),
            unavailable=None if fhs else unavailable,
        )
        variables = {**self.variables, var: entry}
        return replace(self, variables=dict(sorted(variables.items())), last_updated=iso_utc(now))

    def to_dict(self) -> dict[str, Any]:
        """The committed JSON; `demo` appears only on demo runs and `unavailable` only on variables that have
        it (manifests without either are unchanged by them)."""
        return {
            "contract_version": self.contract_version,
            "model": self.model,
            "run": self.run,
            "ref_time": self.ref_time,
            "variables": {
                var: {
                    "kind": e.kind, "units": e.units,
                    "expected_frames": e.expected_frames, "available_frames": e.available_frames,
                    "frames": [{"fh": f.fh, "valid_time": f.valid_time} for f in e.frames],
                } | ({"unavailable": e.unavailable} if e.unavailable else {})
                for var, e in self.variables.items()
            },
            "last_updated": self.last_updated,
        } | ({"demo": True} if self.demo else {})

    @classmethod
    def from_dict(cls, data: Any, source: str = "manifest") -> Manifest:
        try:
            variables = {
                str(var): VariableEntry(
                    kind=str(e["kind"]), units=str(e["units"]), expected_frames=int(e["expected_frames"]),
                    frames=tuple(
                        FrameEntry(int(f["fh"]), str(f["valid_time"]))
                        for f in sorted(e["frames"], key=lambda f: int(f["fh"]))
                    ),
                    unavailable=str(e["unavailable"]) if e.get("unavailable") else None,
                )
                for var, e in data["variables"].items()
            }
            manifest = cls(
                model=str(data["model"]), run=str(data["run"]), variables=variables,
                last_updated=str(data["last_updated"]), ref_time=str(data.get("ref_time", "")),
                contract_version=str(data["contract_version"]), demo=data.get("demo", False) is True,
            )
            parse_run_id(manifest.run)
        except (KeyError, TypeError, ValueError, AttributeError, TWFError) as exc:
            raise InvalidManifest(f"{source} does not follow the manifest schema ({exc!r})") from None
        return manifest


def empty_manifest(model: str, run: str, now: datetime | None = None) -> Manifest:
    return Manifest(model=model, run=run, variables={}, last_updated=iso_utc(now or datetime.now(UTC)))


@dataclass(frozen=True)
class Latest:
    model: str
    run: str
    updated: str
    contract_version: str = field(default=CONTRACT_VERSION)

    def to_dict(self) -> dict[str, str]:
        return {"contract_version": self.contract_version, "model": self.model, "run": self.run,
                "updated": self.updated}


def _load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise NotPublished(f"{what} is not published") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidManifest(f"{path.name} is not valid JSON ({exc})") from None


def read_manifest(store: Store, model: str, run: str) -> Manifest:
    """The committed manifest of one run.

    Raises NotPublished when there is none, InvalidManifest when it is damaged.
    """
    path = store.manifest_path(model, run)
    manifest = Manifest.from_dict(_load_json(path, f"{model} run {run}"), source=str(path))
    if manifest.model != model or manifest.run != run:
        raise InvalidManifest(f"{path} names {manifest.model} {manifest.run}")
    return manifest


def read_latest(store: Store, model: str) -> Latest | None:
    """The run `LATEST.json` names, or None before any run of the model was committed."""
    path = store.latest_path(model)
    try:
        data = _load_json(path, f"LATEST of {model}")
    except NotPublished:
        return None
    try:
        latest = Latest(model=str(data["model"]), run=str(data["run"]), updated=str(data["updated"]),
                        contract_version=str(data["contract_version"]))
        parse_run_id(latest.run)
    except (KeyError, TypeError, TWFError) as exc:
        raise InvalidManifest(f"{path} does not follow the LATEST.json schema ({exc!r})") from None
    if latest.model != model:
        raise InvalidManifest(f"{path} names model {latest.model}")
    return latest


def list_runs(store: Store, model: str) -> list[str]:
    """Run ids that have a committed manifest, newest first (file names only; temp files are skipped)."""
    directory = store.manifest_dir(model)
    if not directory.is_dir():
        return []
    runs = [p.stem for p in directory.iterdir() if p.suffix == ".json" and RUN_ID_RE.match(p.stem)]
    return sorted(runs, key=parse_run_id, reverse=True)


def write_manifest(store: Store, manifest: Manifest) -> None:
    """Commit a manifest: temp file, fsync, rename, fsync of the directory."""
    data = json.dumps(manifest.to_dict(), indent=1, ensure_ascii=False).encode()
    write_bytes_atomic(store.manifest_path(manifest.model, manifest.run), data)


def write_latest(store: Store, model: str, run: str, now: datetime | None = None, *,
                 allow_older: bool = False) -> bool:
    """Point LATEST.json at `run`, whose manifest must be committed; True if written.

    Refuses to move LATEST to an older run unless `allow_older` (only `twf check --fix`, repairing a LATEST
    that names a run without a manifest).
    """
    if not store.manifest_path(model, run).is_file():
        raise NotPublished(f"{model} run {run} has no committed manifest; LATEST.json cannot name it")
    current = read_latest(store, model)
    if current is not None and not allow_older and parse_run_id(current.run) > parse_run_id(run):
        return False
    latest = Latest(model=model, run=run, updated=iso_utc(now or datetime.now(UTC)))
    write_bytes_atomic(store.latest_path(model), json.dumps(latest.to_dict()).encode())
    return True


@contextlib.contextmanager
def writer_lock(store: Store, model: str) -> Iterator[None]:
    """Serialise the writers of one model's committed state (publisher, retention, `twf check --fix`).

    An advisory flock: the kernel drops it when its holder dies, so a killed publisher never wedges the next.
    """
    path = store.publish_lock_path(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
