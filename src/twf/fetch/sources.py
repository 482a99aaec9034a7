"""Where a model's files are: the NOAA buckets, NOMADS, Google Cloud, a local mirror or any base URL.

Every source is a URL prefix that the model's bucket key (`ModelSpec.file_key`) is appended to; a local
mirror is a folder laid out like the bucket keys and becomes a `file://` prefix, so the demo, air-gapped
sites and the tests run exactly the code path production runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from twf.errors import FetchError, TWFError
from twf.models.base import ModelSpec

NAMED_SOURCES = ("nomads", "aws", "google")
# NOMADS publishes first but keeps only about two days and rate-limits; the buckets keep history.
NOMADS_FRESH_HOURS = 18
# S3 and Google Cloud Storage answer 403, not 404, for a key that does not exist when the caller may not list
# the bucket: from them a 403 means "not there yet"; from anywhere else it is a refusal.
OBJECT_STORES = ("aws", "google")
MISSING_STATUSES = frozenset({404})
OBJECT_STORE_MISSING_STATUSES = frozenset({403, 404})
# Object stores publish atomically and NOMADS writes files in place, so remote files must sit unchanged this
# long before they are read; a local mirror is written by our own atomic writers.
REMOTE_STABLE_SECONDS = 120.0


class InvalidSource(TWFError):
    """A `--source` that is none of aws, nomads, google, mirror:PATH, file:///PATH or http(s)://HOST/."""

    exit_code = 2


@dataclass(frozen=True)
class Source:
    """A named place files come from. `base` is None for the named sources (the model spec has the prefix)."""

    name: str
    base: str | None = None
    stable_seconds: float = REMOTE_STABLE_SECONDS

    @property
    def missing_statuses(self) -> frozenset[int]:
        """HTTP statuses by which this source says a file does not exist (yet)."""
        return OBJECT_STORE_MISSING_STATUSES if self.name in OBJECT_STORES else MISSING_STATUSES

    @property
    def is_local(self) -> bool:
        return self.base is not None and self.base.startswith("file://")

    def prefix(self, model: ModelSpec) -> str | None:
        """URL prefix for `model`, or None when this named source does not carry the model."""
        return self.base if self.base is not None else model.sources.get(self.name)

    def file_url(self, model: ModelSpec, ref_time: datetime, fh: int, product: str | None = None) -> str:
        """The URL of one forecast-hour file of `product` (default: the model's main one)."""
        prefix = self.prefix(model)
        if prefix is None:
            raise FetchError(f"source {self.name!r} does not carry model {model.name}")
        return prefix + quote(model.file_key(ref_time, fh, product))

    def idx_url(self, model: ModelSpec, ref_time: datetime, fh: int, product: str | None = None) -> str:
        return self.file_url(model, ref_time, fh, product) + model.idx_suffix


def parse_source(text: str) -> Source:
    """`aws` | `nomads` | `google` | `mirror:PATH` | `file:///abs/path` | `http(s)://host[:port]/prefix/`."""
    text = text.strip()
    if text in NAMED_SOURCES:
        return Source(text)
    if text.startswith("mirror:"):
        path = Path(text.removeprefix("mirror:")).expanduser().resolve()
        return Source(f"mirror:{path}", path.as_uri() + "/", stable_seconds=0.0)
    parts = urlsplit(text)
    if parts.scheme == "file" and parts.path.startswith("/"):
        return Source(text, text.rstrip("/") + "/", stable_seconds=0.0)
    if parts.scheme in ("http", "https") and parts.netloc:
        return Source(text, text.rstrip("/") + "/")
    raise InvalidSource(
        f"unknown source {text!r} (use aws, nomads, google, mirror:PATH, file:///PATH or http(s)://HOST/)"
    )


def default_sources(model: ModelSpec, ref_time: datetime, now: datetime) -> list[Source]:
    """NOMADS first for fresh runs (it publishes first), the buckets first for history."""
    fresh = now - ref_time < timedelta(hours=NOMADS_FRESH_HOURS)
    order = ("nomads", "aws", "google") if fresh else ("aws", "google", "nomads")
    return [Source(name) for name in order if name in model.sources]


def chosen_sources(model: ModelSpec, texts: Sequence[str], ref_time: datetime | None,
                   now: datetime | None = None) -> list[Source]:
    """The sources named (tried in that order), or by default the order that suits the run's age."""
    if texts:
        return [parse_source(t) for t in texts]
    now = now or datetime.now(UTC)
    return default_sources(model, ref_time or now, now)


def local_root(source: Source) -> Path | None:
    """The mirror folder of a local source (None for remote ones)."""
    return Path(urlsplit(source.base).path) if source.is_local and source.base else None


_FIELD_RES = {"date": r"(?P<date>\d{8})", "cycle": r"(?P<cycle>\d{1,2})"}


def _template_regex(key_template: str, suffix: str) -> re.Pattern[str]:
    """The model's key template (+ suffix) as a regex whose `date` and `cycle` groups recover a run."""
    pattern, pos = "", 0
    for m in re.finditer(r"\{(\w+)(?::[^}]*)?\}", key_template):
        pattern += re.escape(key_template[pos : m.start()])
        name = m.group(1)
        seen = f"(?P={name})" if f"(?P<{name}>" in pattern else None
        pattern += seen or _FIELD_RES.get(name, rf"(?P<{name}>\d+)")
        pos = m.end()
    return re.compile(pattern + re.escape(key_template[pos:] + suffix) + "$")


def mirror_runs(model: ModelSpec, source: Source) -> list[datetime]:
    """Runs of `model` with an inventory in a local mirror, newest first (keys matched to the template)."""
    root = local_root(source)
    if root is None or not root.is_dir():
        return []
    regex = _template_regex(model.key_template, model.idx_suffix)
    glob = re.sub(r"\{[^}]*\}", "*", model.key_template) + model.idx_suffix
    runs: set[datetime] = set()
    for path in root.glob(glob):
        if m := regex.match(path.relative_to(root).as_posix()):
            day = datetime.strptime(m.group("date"), "%Y%m%d")
            runs.add(day.replace(hour=int(m.group("cycle")), tzinfo=UTC))
    return sorted(runs, reverse=True)

