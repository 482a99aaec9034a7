"""The canonical key layout (plan: "Canonical filesystem layout"); the only code that builds storage keys.

    staging/{model}/{run}/{var}/fhXXX.*
    published/{model}/LATEST.json
    published/{model}/{run}/{var}/fhXXX.*
    published/{model}/{run}/_series/{var}/series.json, .../{segment}/zarr.json, .../{segment}/c/0/0/0
    manifests/{model}/{run}.json
    manifests/{model}/runs.json

Keys are relative, `/`-separated, the same on every backend (`twf.storage`): under a local data root they
are file paths, on S3 object names under the store's prefix. No region dimension exists anywhere. Every
segment is validated before it becomes part of a key, so no input can name an object outside the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from twf.errors import InvalidPathSegment, InvalidRunId

RUN_ID_RE = re.compile(r"^(\d{8})_(\d{2})z$")
_SEGMENT_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")

RUNNING_TOTALS = "_totals"  # beside a run's variable prefixes; never a variable (those start [a-z0-9])
FRAME_FILE_RE = re.compile(r"^fh(\d{3})\.")  # any file of a frame: fhXXX.<suffix>


def parse_run_id(run: str) -> datetime:
    """`20260129_17z` → the run's reference time (UTC). Raises InvalidRunId."""
    m = RUN_ID_RE.match(run)
    if not m:
        raise InvalidRunId(f"run id {run!r} is not of the form YYYYMMDD_HHz")
    try:
        day = datetime.strptime(m.group(1), "%Y%m%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidRunId(f"run id {run!r} has no such date") from exc
    hour = int(m.group(2))
    if hour > 23:
        raise InvalidRunId(f"run id {run!r} has no such hour")
    return day + timedelta(hours=hour)


def format_run_id(ref_time: datetime) -> str:
    return ref_time.astimezone(UTC).strftime("%Y%m%d_%Hz")


def valid_time(run: str, fh: int) -> datetime:
    return parse_run_id(run) + timedelta(hours=fh)


def iso_utc(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def frame_stem(fh: int) -> str:
    """`fh001`: three digits covers GFS's f384."""
    if not 0 <= fh <= 999:
        raise InvalidPathSegment(f"forecast hour {fh} is out of range")
    return f"fh{fh:03d}"


def is_segment(value: str) -> bool:
    """A plain lowercase identifier (what `safe_segment` accepts)."""
    return isinstance(value, str) and bool(_SEGMENT_RE.match(value))


def safe_segment(value: str, what: str) -> str:
    """Accept only plain lowercase identifiers: no dots, slashes, encodings or empty strings."""
    if not is_segment(value):
        raise InvalidPathSegment(f"{what} {value!r} is not a valid identifier")
    return value


@dataclass(frozen=True)
class FrameKeys:
    """Where the objects of one frame are: a folder-like prefix and the forecast hour (the artifact set,
    `twf.artifacts`, names the objects themselves)."""

    prefix: str
    fh: int

    @property
    def stem(self) -> str:
        return frame_stem(self.fh)

    def key(self, name: str) -> str:
        """The key of the object called `name` (e.g. `fh001.json`) beside this frame's others."""
        return f"{self.prefix}/{name}" if self.prefix else name


@dataclass(frozen=True)
class Area:
    """A top-level area of the layout: `staging` (frames being built) or `published` (committed frames)."""

    name: str

    def model(self, model: str) -> str:
        return f"{self.name}/{safe_segment(model, 'model')}"

    def run(self, model: str, run: str) -> str:
        parse_run_id(run)
        return f"{self.model(model)}/{run}"

    def var(self, model: str, run: str, var: str) -> str:
        return f"{self.run(model, run)}/{safe_segment(var, 'variable')}"

    def frame(self, model: str, run: str, var: str, fh: int) -> FrameKeys:
        return FrameKeys(self.var(model, run, var), fh)


STAGING = Area("staging")
PUBLISHED = Area("published")
staging_model, staging_run = STAGING.model, STAGING.run
staging_var, staging_frame = STAGING.var, STAGING.frame
published_model, published_run = PUBLISHED.model, PUBLISHED.run
published_var, published_frame = PUBLISHED.var, PUBLISHED.frame


def running_totals(var_prefix: str) -> str:
    """Where a running-total variable (`VarSpec.running`) whose frames go under `var_prefix` keeps each
    frame's native-grid total: `{run}/_totals/{var}` (`twf.builder.running_total`)."""
    parent, _, name = var_prefix.rpartition("/")
    return "/".join(part for part in (parent, RUNNING_TOTALS, name) if part)


def staging_totals(model: str, run: str) -> str:
    """The run's running totals (`running_totals` of each variable), removed once the run is done."""
    return f"{staging_run(model, run)}/{RUNNING_TOTALS}"


def staging_grib(model: str, run: str, fh: int) -> str:
    """Where the scheduler fetches one forecast hour's GRIB2 subsets (`_grib` can never be a variable), each
    attempt in a folder of its own (`twf.scratch`). A worker's scratch, never objects."""
    return f"{staging_run(model, run)}/_grib/{frame_stem(fh)}"


def publish_lock(model: str) -> str:
    """One publisher per model at a time holds a lock on this (in staging, never read by the API)."""
    return f"{staging_model(model)}/.publish.lock"


def latest(model: str) -> str:
    return f"{published_model(model)}/LATEST.json"


def manifests(model: str) -> str:
    return f"manifests/{safe_segment(model, 'model')}"


def manifest(model: str, run: str) -> str:
    parse_run_id(run)
    return f"{manifests(model)}/{run}.json"


def run_index(model: str) -> str:
    """The committed runs of a model (`twf.manifest.RunIndex`): readers list runs from it, never a listing."""
    return f"{manifests(model)}/runs.json"


SERIES_AREA = "_series"  # beside a run's variables; a name starting with `_` can never be a variable


@dataclass(frozen=True)
class SeriesKeys:
    """Where the series store of one (model, run, variable) is (`twf.series`): its document and segments."""

    prefix: str

    @property
    def document(self) -> str:
        return f"{self.prefix}/series.json"

    def segment(self, name: str) -> str:
        """The prefix of one segment: a Zarr v3 array, its `zarr.json` and its single shard."""
        return f"{self.prefix}/{safe_segment(name, 'series segment')}"

    def segment_metadata(self, name: str) -> str:
        return f"{self.segment(name)}/zarr.json"

    def segment_shard(self, name: str) -> str:
        return f"{self.segment(name)}/c/0/0/0"


def series_area(model: str, run: str) -> str:
    """Where the series stores of one run are, inside its published prefix (retention deletes them with the
    run; `twf check` looks at `{var}/fhXXX.*` only, so they are never taken for frames)."""
    return f"{published_run(model, run)}/{SERIES_AREA}"


def series(model: str, run: str, var: str) -> SeriesKeys:
    """The series store of one variable of one run."""
    return SeriesKeys(f"{series_area(model, run)}/{safe_segment(var, 'variable')}")
