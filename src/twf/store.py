"""The canonical filesystem layout (plan: "Canonical filesystem layout"); the only code that builds its paths.

    {data_root}/staging/{model}/{run}/{var}/fhXXX.*
    {data_root}/published/{model}/LATEST.json
    {data_root}/published/{model}/{run}/{var}/fhXXX.*
    {data_root}/manifests/{model}/{run}.json

No region dimension exists anywhere. Every segment is validated before it touches a path, so no input can
name a file outside the data root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from twf.errors import InvalidPathSegment, InvalidRunId

RUN_ID_RE = re.compile(r"^(\d{8})_(\d{2})z$")
_SEGMENT_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")

RGBA_SUFFIX = ".rgba.cog.tif"
VALUE_SUFFIX = ".val.cog.tif"
SIDECAR_SUFFIX = ".json"
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


def safe_segment(value: str, what: str) -> str:
    """Accept only plain lowercase identifiers: no dots, slashes, encodings or empty strings."""
    if not isinstance(value, str) or not _SEGMENT_RE.match(value):
        raise InvalidPathSegment(f"{what} {value!r} is not a valid identifier")
    return value


@dataclass(frozen=True)
class FramePaths:
    """The files of one frame in one directory."""

    directory: Path
    fh: int

    @property
    def stem(self) -> str:
        return frame_stem(self.fh)

    @property
    def rgba(self) -> Path:
        return self.directory / f"{self.stem}{RGBA_SUFFIX}"

    @property
    def value(self) -> Path:
        return self.directory / f"{self.stem}{VALUE_SUFFIX}"

    @property
    def sidecar(self) -> Path:
        return self.directory / f"{self.stem}{SIDECAR_SUFFIX}"

    def contour(self, key: str) -> Path:
        return self.directory / f"{self.stem}.contours.{safe_segment(key, 'contour key')}.geojson"


@dataclass(frozen=True)
class Store:
    """Paths under one data root. Methods validate every segment they are given."""

    root: Path

    def _run_dir(self, area: str, model: str, run: str) -> Path:
        parse_run_id(run)
        return self.root / area / safe_segment(model, "model") / run

    def staging_model_dir(self, model: str) -> Path:
        return self.root / "staging" / safe_segment(model, "model")

    def staging_run_dir(self, model: str, run: str) -> Path:
        return self._run_dir("staging", model, run)

    def staging_var_dir(self, model: str, run: str, var: str) -> Path:
        return self.staging_run_dir(model, run) / safe_segment(var, "variable")

    def staging_grib_dir(self, model: str, run: str, fh: int, var: str | None = None) -> Path:
        """Where the scheduler fetches one forecast hour's GRIB2 subsets (`_grib` can never be a variable);
        with `var`, the folder of that variable's own fetch inside it."""
        hour_dir = self.staging_run_dir(model, run) / "_grib" / frame_stem(fh)
        return hour_dir / safe_segment(var, "variable") if var is not None else hour_dir

    def publish_lock_path(self, model: str) -> Path:
        """One publisher per model at a time holds a lock on this file (in staging, never read by the API)."""
        return self.staging_model_dir(model) / ".publish.lock"

    def published_model_dir(self, model: str) -> Path:
        return self.root / "published" / safe_segment(model, "model")

    def published_run_dir(self, model: str, run: str) -> Path:
        return self._run_dir("published", model, run)

    def published_var_dir(self, model: str, run: str, var: str) -> Path:
        return self.published_run_dir(model, run) / safe_segment(var, "variable")

    def published_frame(self, model: str, run: str, var: str, fh: int) -> FramePaths:
        return FramePaths(self.published_var_dir(model, run, var), fh)

    def staging_frame(self, model: str, run: str, var: str, fh: int) -> FramePaths:
        return FramePaths(self.staging_var_dir(model, run, var), fh)

    def latest_path(self, model: str) -> Path:
        return self.published_model_dir(model) / "LATEST.json"

    def manifest_dir(self, model: str) -> Path:
        return self.root / "manifests" / safe_segment(model, "model")

    def manifest_path(self, model: str, run: str) -> Path:
        parse_run_id(run)
        return self.manifest_dir(model) / f"{run}.json"
