"""Which runs and hours exist upstream now: an hour exists when its `.idx` is present and stable.

The inventory is written after its GRIB file is complete, so a present, unchanging `.idx` is the signal that
the hour can be fetched. Remote runs are looked for back from the clock (the newest possible cycle first);
a local mirror is listed instead, so a mirror of old runs (the demo, an archive) is found whatever today is.
A source that fails outright (not a 404: retries exhausted) is left out for the rest of the search, so an
unreachable host costs one retry sequence, not one per probe; if every source fails, that is the error.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from twf.errors import FetchError, InvalidRunId, NotYetAvailable
from twf.fetch.sources import Source, mirror_runs
from twf.fetch.transport import Transport, borrowed
from twf.fetch.validate import check_stable
from twf.models.base import ModelSpec
from twf.store import format_run_id, parse_run_id

DEFAULT_LOOKBACK_HOURS = 48  # NOMADS keeps about two days; older runs are history, not "latest"


class Prober:
    """Asks sources whether hours exist, remembering sources that failed outright."""

    def __init__(
        self, model: ModelSpec, sources: Sequence[Source], transport: Transport, now: datetime
    ) -> None:
        self.model, self.transport, self.now = model, transport, now
        self.sources = [s for s in sources if s.prefix(model) is not None]
        if not self.sources:
            raise FetchError(f"none of the given sources carries {model.name}")
        self.failed: dict[str, str] = {}
        self._lock = threading.Lock()

    def hour_available(self, ref_time: datetime, fh: int) -> bool:
        """True when some source has the hour's `.idx`, unchanged for that source's stable time."""
        for source in self.sources:
            if source.name in self.failed:
                continue
            url = source.idx_url(self.model, ref_time, fh)
            try:
                head = self.transport.head(url, missing=source.missing_statuses)
                check_stable(url, head.last_modified, source.stable_seconds, self.now)
            except NotYetAvailable:
                continue
            except FetchError as exc:
                with self._lock:
                    self.failed[source.name] = str(exc)
                continue
            return True
        if len(self.failed) == len(self.sources):
            raise FetchError("every source failed: " + "; ".join(self.failed.values()))
        return False

    def hours_present(self, ref_time: datetime, hours: Iterable[int]) -> set[int]:
        hours = list(hours)
        workers = max(1, min(len(hours), self.transport.policy.concurrency))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            present = pool.map(lambda h: self.hour_available(ref_time, h), hours)
            return {h for h, ok in zip(hours, present, strict=True) if ok}


def available_hours(
    model: ModelSpec, run: str, sources: Sequence[Source], *,
    transport: Transport | None = None, now: datetime | None = None,
) -> set[int]:
    """The forecast hours of `run` whose `.idx` is present and stable in at least one source."""
    ref_time = parse_run_id(run)
    if ref_time.hour not in model.cycles:
        raise InvalidRunId(f"{model.name} has no {ref_time.hour:02d}z cycle (run {run})")
    with borrowed(transport) as t:
        prober = Prober(model, sources, t, now or datetime.now(UTC))
        return prober.hours_present(ref_time, model.forecast_hours(ref_time.hour))


def candidate_runs(
    model: ModelSpec, sources: Sequence[Source], now: datetime, lookback_hours: int = DEFAULT_LOOKBACK_HOURS
) -> list[datetime]:
    """Runs worth asking about, newest first: cycles back from `now` (remote), listings (mirrors)."""
    runs: set[datetime] = set()
    if any(not s.is_local for s in sources):
        newest = now.replace(minute=0, second=0, microsecond=0)
        for back in range(lookback_hours + 1):
            t = newest - timedelta(hours=back)
            if t.hour in model.cycles:
                runs.add(t)
    for source in sources:
        if source.is_local:
            runs.update(t for t in mirror_runs(model, source) if t <= now)
    return sorted(runs, reverse=True)


def latest_run(
    model: ModelSpec, sources: Sequence[Source], *, now: datetime | None = None,
    needed_hours: Iterable[int] | None = None, lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
    transport: Transport | None = None,
) -> str | None:
    """The newest run whose needed hours are all available (default: every hour of the cycle = complete).

    Each candidate is first probed at its last needed hour, the one that appears last, so a run still being
    published costs one request before the search moves on to the previous cycle.
    """
    now = now or datetime.now(UTC)
    wanted = None if needed_hours is None else sorted(set(needed_hours))
    with borrowed(transport) as t:
        prober = Prober(model, sources, t, now)
        for ref_time in candidate_runs(model, sources, now, lookback_hours):
            produced = model.forecast_hours(ref_time.hour)
            hours = [h for h in (wanted or produced) if h in produced]
            if not hours or not prober.hour_available(ref_time, hours[-1]):
                continue
            if prober.hours_present(ref_time, hours) == set(hours):
                return format_run_id(ref_time)
    return None
