"""Which runs and hours exist upstream now: an hour exists when its `.idx` is present and stable.

The inventory is written after its GRIB file is complete, so a present, unchanging `.idx` is the signal that
the hour can be fetched. Remote runs are looked for back from the clock (the newest possible cycle first);
a local mirror is listed instead, so a mirror of old runs (the demo, an archive) is found whatever today is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from twf.errors import FetchError, InvalidRunId
from twf.fetch.sources import Source, mirror_runs
from twf.fetch.transport import Transport, borrowed
from twf.fetch.validate import check_stable
from twf.models.base import ModelSpec
from twf.store import format_run_id, parse_run_id

DEFAULT_LOOKBACK_HOURS = 48  # NOMADS keeps about two days; older runs are history, not "latest"


def hour_available(model: ModelSpec, ref_time: datetime, fh: int, sources: Sequence[Source],
                   transport: Transport, now: datetime) -> bool:
    """True when some source has the hour's `.idx` and it has been unchanged for that source's stable time."""
    for source in sources:
        if source.prefix(model) is None:
            continue
        url = source.idx_url(model, ref_time, fh)
        try:
            head = transport.head(url)
            check_stable(url, head.last_modified, source.stable_seconds, now)
        except FetchError:  # includes NotYetAvailable: absent, young or failing here; maybe elsewhere
            continue
        return True
    return False


def _hours_present(model: ModelSpec, ref_time: datetime, hours: Iterable[int], sources: Sequence[Source],
                   transport: Transport, now: datetime) -> set[int]:
    hours = list(hours)
    workers = max(1, min(len(hours), transport.policy.concurrency))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        present = pool.map(lambda h: hour_available(model, ref_time, h, sources, transport, now), hours)
        return {h for h, ok in zip(hours, present, strict=True) if ok}


def available_hours(model: ModelSpec, run: str, sources: Sequence[Source], *,
                    transport: Transport | None = None, now: datetime | None = None) -> set[int]:
    """The forecast hours of `run` whose `.idx` is present and stable in at least one source."""
    ref_time = parse_run_id(run)
    if ref_time.hour not in model.cycles:
        raise InvalidRunId(f"{model.name} has no {ref_time.hour:02d}z cycle (run {run})")
    with borrowed(transport) as t:
        return _hours_present(model, ref_time, model.forecast_hours(ref_time.hour), sources, t,
                              now or datetime.now(UTC))


def candidate_runs(model: ModelSpec, sources: Sequence[Source], now: datetime,
                   lookback_hours: int = DEFAULT_LOOKBACK_HOURS) -> list[datetime]:
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


def latest_run(model: ModelSpec, sources: Sequence[Source], *, now: datetime | None = None,
               needed_hours: Iterable[int] | None = None, lookback_hours: int = DEFAULT_LOOKBACK_HOURS,
               transport: Transport | None = None) -> str | None:
    """The newest run whose needed hours are all available (default: every hour of the cycle = complete).

    Each candidate is first probed at its last needed hour, the one that appears last, so a run still being
    published costs one request before the search moves on to the previous cycle.
    """
    now = now or datetime.now(UTC)
    wanted = None if needed_hours is None else sorted(set(needed_hours))
    with borrowed(transport) as t:
        for ref_time in candidate_runs(model, sources, now, lookback_hours):
            hours = [h for h in (wanted or model.forecast_hours(ref_time.hour))
                     if h in model.forecast_hours(ref_time.hour)]
            if not hours or not hour_available(model, ref_time, hours[-1], sources, t, now):
                continue
            if _hours_present(model, ref_time, hours, sources, t, now) == set(hours):
                return format_run_id(ref_time)
    return None
