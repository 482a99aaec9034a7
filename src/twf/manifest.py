"""Run manifests, the run index and `LATEST.json`: the committed state every reader trusts
(docs/ARTIFACT_CONTRACT.md).

A manifest lists the frames of one run whose objects are all in `published/`; the run index lists the runs
that have a manifest (readers list runs from it, never from a listing of the store); `LATEST.json` names
the newest run readers should show. All three are only ever replaced whole, so a reader sees the previous
or the next committed state, never a torn one, and every write is a compare-and-swap against the version
the writer read (`ObjectStore.create` / `replace`) with a generation number one above it: a second writer
of the same model (another scheduler) fails with WriteConflict instead of committing over the first.
Writers are `twf.publish`, `twf.retention` and `twf check --fix`; everyone else only reads.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, TypeVar

from twf import CONTRACT_VERSION, store
from twf.errors import InvalidManifest, NotPublished, ObjectNotFound, TWFError, WriteConflict
from twf.storage import ObjectInfo, ObjectStore
from twf.store import RUN_ID_RE, iso_utc, parse_run_id, valid_time

T = TypeVar("T")
D = TypeVar("D", "Latest", "RunIndex")

RUN_INDEX_ATTEMPTS = 5  # another writer's run-index commits one change is made again over


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

    @cached_property
    def fh_set(self) -> frozenset[int]:
        """The committed hours, for membership tests on hot paths (a manifest is cached across requests)."""
        return frozenset(f.fh for f in self.frames)


@dataclass(frozen=True)
class Manifest:
    model: str
    run: str
    variables: Mapping[str, VariableEntry]
    last_updated: str
    ref_time: str = ""
    contract_version: str = CONTRACT_VERSION
    demo: bool = False  # built from synthetic demo data (a mirror with a DEMO.json marker), not a forecast
    generation: int = 0  # one more on every commit: two writers never put the same bytes

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
            "generation": self.generation,
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
                generation=_generation(data),
            )
            parse_run_id(manifest.run)
        except (KeyError, TypeError, ValueError, AttributeError, TWFError) as exc:
            raise InvalidManifest(f"{source} does not follow the manifest schema ({exc!r})") from None
        return manifest


def empty_manifest(model: str, run: str, now: datetime | None = None) -> Manifest:
    return Manifest(model=model, run=run, variables={}, last_updated=iso_utc(now or datetime.now(UTC)))


def _generation(data: Mapping[str, Any]) -> int:
    """A document's generation (0 for one written before generations existed)."""
    generation = data.get("generation", 0)
    if isinstance(generation, bool) or not isinstance(generation, int) or generation < 0:
        raise ValueError(f"generation {generation!r} is not a count")
    return generation


@dataclass(frozen=True)
class Latest:
    model: str
    run: str
    updated: str
    contract_version: str = field(default=CONTRACT_VERSION)
    generation: int = 0

    def __post_init__(self) -> None:
        parse_run_id(self.run)

    def to_dict(self) -> dict[str, Any]:
        return {"contract_version": self.contract_version, "model": self.model, "run": self.run,
                "updated": self.updated, "generation": self.generation}


@dataclass(frozen=True)
class RunIndex:
    """The runs of a model that have a committed manifest, newest first (`manifests/{model}/runs.json`)."""

    model: str
    runs: tuple[str, ...] = ()
    generation: int = 0
    contract_version: str = CONTRACT_VERSION

    def __post_init__(self) -> None:
        for run in self.runs:
            parse_run_id(run)

    def to_dict(self) -> dict[str, Any]:
        return {"contract_version": self.contract_version, "model": self.model, "runs": list(self.runs),
                "generation": self.generation}

    def with_runs(self, runs: set[str]) -> RunIndex:
        return replace(self, runs=tuple(sorted(runs, key=parse_run_id, reverse=True)))


def _dumps(document: Manifest | Latest | RunIndex) -> bytes:
    return json.dumps(document.to_dict(), indent=1, ensure_ascii=False).encode()


def decode(data: bytes, key: str) -> Any:
    """A committed document's JSON; InvalidManifest when it is not JSON (damaged)."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidManifest(f"{key} is not valid JSON ({exc})") from None


def _load_json(storage: ObjectStore, key: str, what: str) -> tuple[Any, ObjectInfo]:
    try:
        data, info = storage.get_with_info(key)
    except ObjectNotFound:
        raise NotPublished(f"{what} is not published") from None
    return decode(data, key), info


def parse_manifest(data: Any, model: str, run: str, key: str) -> Manifest:
    manifest = Manifest.from_dict(data, source=key)
    if manifest.model != model or manifest.run != run:
        raise InvalidManifest(f"{key} names {manifest.model} {manifest.run}")
    return manifest


def _load(storage: ObjectStore, key: str, what: str,
          parse: Callable[[Any], T]) -> tuple[T, ObjectInfo] | None:
    """A committed document, parsed, and the identity of the version read; None when there is none."""
    try:
        data, info = _load_json(storage, key, what)
    except NotPublished:
        return None
    return parse(data), info


def load_manifest(storage: ObjectStore, model: str, run: str) -> tuple[Manifest, ObjectInfo] | None:
    """The committed manifest of one run and the identity of the version read, or None when it has none.
    Raises InvalidManifest when it is damaged."""
    key = store.manifest(model, run)
    return _load(storage, key, f"{model} run {run}", lambda data: parse_manifest(data, model, run, key))


def read_manifest(storage: ObjectStore, model: str, run: str) -> Manifest:
    """The committed manifest of one run.

    Raises NotPublished when there is none, InvalidManifest when it is damaged.
    """
    loaded = load_manifest(storage, model, run)
    if loaded is None:
        raise NotPublished(f"{model} run {run} is not published")
    return loaded[0]


def _parse(key: str, schema: str, model: str, build: Callable[[], D]) -> D:
    """A model-level document built from its JSON; InvalidManifest when it is not of its schema or names
    another model."""
    try:
        document = build()
    except (KeyError, TypeError, ValueError, TWFError) as exc:
        raise InvalidManifest(f"{key} does not follow the {schema} schema ({exc!r})") from None
    if document.model != model:
        raise InvalidManifest(f"{key} names model {document.model}")
    return document


def parse_latest(data: Any, model: str, key: str) -> Latest:
    return _parse(key, "LATEST.json", model, lambda: Latest(
        model=str(data["model"]), run=str(data["run"]), updated=str(data["updated"]),
        contract_version=str(data["contract_version"]), generation=_generation(data)))


def load_latest(storage: ObjectStore, model: str) -> tuple[Latest, ObjectInfo] | None:
    key = store.latest(model)
    return _load(storage, key, f"LATEST of {model}", lambda data: parse_latest(data, model, key))


def read_latest(storage: ObjectStore, model: str) -> Latest | None:
    """The run `LATEST.json` names, or None before any run of the model was committed."""
    loaded = load_latest(storage, model)
    return loaded[0] if loaded else None


def parse_run_index(data: Any, model: str, key: str) -> RunIndex:
    return _parse(key, "run index", model, lambda: RunIndex(
        model=str(data["model"]), runs=tuple(str(r) for r in data["runs"]), generation=_generation(data),
        contract_version=str(data["contract_version"])))


def load_run_index(storage: ObjectStore, model: str) -> tuple[RunIndex, ObjectInfo] | None:
    key = store.run_index(model)
    return _load(storage, key, f"the run index of {model}", lambda data: parse_run_index(data, model, key))


def list_runs(storage: ObjectStore, model: str) -> list[str]:
    """Run ids that have a committed manifest, newest first (from the run index)."""
    loaded = load_run_index(storage, model)
    return list(loaded[0].runs) if loaded else []


def manifested_runs(storage: ObjectStore, model: str) -> set[str]:
    """Runs with a manifest object, from a listing: for writers rebuilding the run index and `twf check`."""
    names = storage.children(store.manifests(model))
    return {name.removesuffix(".json") for name in names if RUN_ID_RE.match(name.removesuffix(".json"))}


def commit_document(storage: ObjectStore, key: str, data: bytes, based_on: ObjectInfo | None) -> ObjectInfo:
    """Write a committed document only over the version the writer read (None: only if there is none)."""
    return storage.create(key, data) if based_on is None else storage.replace(key, data, based_on)


def write_manifest(storage: ObjectStore, manifest: Manifest, based_on: ObjectInfo | None) -> Manifest:
    """Commit `manifest` (derived from the version `based_on` describes, or new when None) with the next
    generation, then make sure the run index lists the run. Raises WriteConflict when another writer
    committed in between."""
    committed = replace(manifest, generation=manifest.generation + 1)
    commit_document(storage, store.manifest(manifest.model, manifest.run), _dumps(committed), based_on)
    list_run(storage, manifest.model, manifest.run)
    return committed


def list_run(storage: ObjectStore, model: str, run: str) -> None:
    """Add `run` to the run index if missing. A store written before the index existed has none: it is
    built from the manifests there are (a writer's listing, once)."""
    def listed(runs: set[str], exists: bool) -> set[str]:
        return (runs if exists else manifested_runs(storage, model)) | {run}

    _update_run_index(storage, model, listed)


def unlist_runs(storage: ObjectStore, model: str, runs: set[str]) -> None:
    """Take runs out of the run index (retention, before their manifests go; `twf check --fix`)."""
    _update_run_index(storage, model, lambda listed, exists: listed - runs if exists else None)


def _update_run_index(storage: ObjectStore, model: str,
                      change: Callable[[set[str], bool], set[str] | None]) -> None:
    """Commit `change(runs listed, index exists)` (None or the same runs: nothing to do). The index is a
    set every writer only adds its own run to or takes retired runs from, so when another writer committed
    in between (two schedulers of a model, each listing the run the other just committed a manifest of),
    the change is made again over theirs instead of failing a commit whose manifest is already in."""
    for attempt in range(1, RUN_INDEX_ATTEMPTS + 1):
        loaded = load_run_index(storage, model)
        index, info = loaded if loaded else (RunIndex(model), None)
        runs = change(set(index.runs), loaded is not None)
        if runs is None or (loaded is not None and runs == set(index.runs)):
            return
        updated = replace(index.with_runs(runs), generation=index.generation + 1)
        try:
            commit_document(storage, store.run_index(model), _dumps(updated), info)
            return
        except WriteConflict:
            if attempt == RUN_INDEX_ATTEMPTS:
                raise


def write_latest(storage: ObjectStore, model: str, run: str, now: datetime | None = None, *,
                 allow_older: bool = False) -> bool:
    """Point LATEST.json at `run`, whose manifest must be committed; True if written.

    Refuses to move LATEST to an older run unless `allow_older` (only `twf check --fix`, repairing a LATEST
    that names a run without a manifest).
    """
    if storage.head(store.manifest(model, run)) is None:
        raise NotPublished(f"{model} run {run} has no committed manifest; LATEST.json cannot name it")
    loaded = load_latest(storage, model)
    current, info = loaded if loaded else (None, None)
    if current is not None and not allow_older and parse_run_id(current.run) > parse_run_id(run):
        return False
    latest = Latest(model=model, run=run, updated=iso_utc(now or datetime.now(UTC)),
                    generation=current.generation + 1 if current else 1)
    commit_document(storage, store.latest(model), _dumps(latest), info)
    return True


def writer_lock(storage: ObjectStore, model: str) -> contextlib.AbstractContextManager:
    """Serialise the writers of one model's committed state (publisher, retention, `twf check --fix`).

    Locally an advisory flock the kernel drops when its holder dies, so a killed publisher never wedges the
    next; across hosts the compare-and-swap of every committed document keeps two writers apart.
    """
    return storage.writer_lock(store.publish_lock(model))
