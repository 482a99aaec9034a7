"""Fetch one frame's GRIB messages: exactly the bytes the variables need, validated, from the first source
that serves them whole.

For each upstream file the frame needs (its own hour, plus earlier hours whose buckets a summed run total
or a change over hours needs, of each file product the variables read; those files are fetched
concurrently), the `.idx` is read (or reused if read moments ago: `inventory`),
the requested messages are selected exactly (`twf.models.requirements` decides which), their inclusive byte
ranges are merged and fetched concurrently, and every range must be a 206 of exactly the requested bytes made
of whole GRIB2 messages. Any failure moves on to the next source; nothing partial is ever written: each subset
file appears in one atomic rename.

A record that a complete, stable inventory does not hold (a local mirror's, or one whose Last-Modified is
old enough; the record absent, listed only as a probability/spread twin, or on a line that cannot be read)
will not appear by waiting: when every source that carries the model says so, the failure is `RecordAbsent`,
which the scheduler gives up at once instead of retrying.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TypeVar

from twf.errors import (
    FetchError,
    ForecastHourOutOfRange,
    MessageNotFound,
    RecordAbsent,
    TWFError,
    UnknownVariable,
)
from twf.fetch.cache import DownloadCache, write_atomic
from twf.fetch.idx import ByteRange, IdxEntry, merge_ranges, parse_idx, select
from twf.fetch.inventory import PROCESS_INVENTORIES, InventoryCache
from twf.fetch.sources import Source
from twf.fetch.transport import Response, Transport, borrowed
from twf.fetch.validate import check_grib, check_range_response, check_stable, is_settled
from twf.models import check_frame, get_variable
from twf.models.base import ModelSpec
from twf.models.requirements import MessageRequest, messages_for
from twf.store import parse_run_id

_MAX_TAG_CHARS = 80  # file-name tag of the variable set; longer sets use a digest
T = TypeVar("T")
# An upstream file: (forecast hour, file product).
FileKey = tuple[int, str]


@dataclass(frozen=True)
class FetchedFile:
    """One written subset file and what it cost."""

    fh: int
    product: str
    path: Path
    source: str
    url: str
    messages: tuple[str, ...]  # inventory labels, in file order
    bytes_written: int
    bytes_downloaded: int  # network bytes for ranges and .idx (cache hits excluded)


@dataclass(frozen=True)
class Selection:
    """The records one upstream file holds for a frame, as one source's inventory lists them."""

    fh: int
    product: str
    source: str
    url: str  # the GRIB2 file
    entries: tuple[IdxEntry, ...]  # the chosen inventory lines, in file order
    ranges: tuple[ByteRange, ...]  # inclusive, merged: what a fetch requests
    version: str  # the inventory's Last-Modified (part of the download-cache key)
    idx_bytes: int  # network bytes spent on the inventory (0 when it was read moments ago)


def frame_requests(
    model: ModelSpec, run: str, fh: int, variables: Sequence[str]
) -> dict[FileKey, list[MessageRequest]]:
    """The messages of every variable at `fh`, grouped by the file (forecast hour, product) holding them."""
    check_frame(model, run, fh)
    if not variables:
        raise UnknownVariable(f"no variable given for {model.name} {run} f{fh:03d}")
    by_file: dict[FileKey, list[MessageRequest]] = defaultdict(list)
    for name in variables:
        requests = messages_for(model, get_variable(model, name), fh)
        if not requests:
            raise ForecastHourOutOfRange(f"{model.name} {name} has no frame at f{fh:03d} (run {run})")
        for request in requests:
            file = (request.fh, request.product or model.main_product)
            if request not in by_file[file]:
                by_file[file].append(request)
    return dict(sorted(by_file.items()))


def subset_name(file_key: str, variables: Sequence[str]) -> str:
    """`hrrr.t17z.wrfsfcf01.refc-tmp2m.grib2`: the upstream file name tagged with the variable set."""
    stem = PurePosixPath(file_key).name.removesuffix(".grib2")
    tag = "-".join(sorted(set(variables)))
    if len(tag) > _MAX_TAG_CHARS:
        tag = hashlib.sha1(tag.encode()).hexdigest()[:12]
    return f"{stem}.{tag}.grib2"


def fetch_frame_files(
    model: ModelSpec,
    run: str,
    fh: int,
    variables: Sequence[str],
    out_dir: Path,
    sources: Sequence[Source],
    *,
    cache: DownloadCache | None = None,
    transport: Transport | None = None,
    now: datetime | None = None,
    inventories: InventoryCache = PROCESS_INVENTORIES,
) -> dict[FileKey, FetchedFile]:
    """Every subset file frame `fh` needs, keyed by (upstream forecast hour, product); the main product's
    file of `fh` itself is always among them.

    The files are fetched concurrently (a summed run total needs one per earlier bucket); if any fails, the
    first failure in (forecast hour, product) order is raised once all have finished.
    """
    plan = frame_requests(model, run, fh, variables)
    ref_time = parse_run_id(run)
    with borrowed(transport) as t:

        def one(file: FileKey) -> FetchedFile:
            file_fh, product = file
            out_path = out_dir / subset_name(model.file_key(ref_time, file_fh, product), variables)
            return fetch_file(
                model, ref_time, file_fh, plan[file], out_path, sources, product=product,
                transport=t, cache=cache, now=now, inventories=inventories,
            )

        with ThreadPoolExecutor(max_workers=max(1, min(len(plan), t.policy.concurrency))) as pool:
            futures = {file: pool.submit(one, file) for file in plan}
        return {file: future.result() for file, future in futures.items()}


def fetch_frame(
    model: ModelSpec,
    run: str,
    fh: int,
    variables: Sequence[str],
    out_dir: Path,
    sources: Sequence[Source],
    *,
    cache: DownloadCache | None = None,
    transport: Transport | None = None,
    now: datetime | None = None,
    inventories: InventoryCache = PROCESS_INVENTORIES,
) -> Path:
    """The subset GRIB2 of frame `fh` (all the variables' messages from the `fh` file).

    Run totals summed from buckets also need earlier files; they are written beside it in `out_dir` and
    returned, with the frame's own file, by `fetch_frame_files`, which a caller building such a total uses.
    """
    files = fetch_frame_files(
        model, run, fh, variables, out_dir, sources,
        cache=cache, transport=transport, now=now, inventories=inventories,
    )
    return files[(fh, model.main_product)].path


def fetch_file(
    model: ModelSpec,
    ref_time: datetime,
    fh: int,
    requests: Sequence[MessageRequest],
    out_path: Path,
    sources: Sequence[Source],
    *,
    transport: Transport,
    product: str | None = None,
    cache: DownloadCache | None = None,
    now: datetime | None = None,
    inventories: InventoryCache = PROCESS_INVENTORIES,
) -> FetchedFile:
    """Try the sources in order; the first that serves every message whole wins. Errors name every attempt.
    `product`: the file product (default: the model's main one)."""
    file = (fh, product or model.main_product)

    def attempt(source: Source) -> FetchedFile:
        selection = _select_from(source, model, ref_time, file, requests, transport, now, inventories)
        try:
            return _fetch_selected(selection, out_path, transport, cache, source, now or datetime.now(UTC))
        except FetchError:
            inventories.forget(source.idx_url(model, ref_time, *file))  # it may be stale: read it afresh
            raise

    return _first_source(model, sources, attempt)


def select_file(
    model: ModelSpec,
    ref_time: datetime,
    fh: int,
    requests: Sequence[MessageRequest],
    sources: Sequence[Source],
    *,
    transport: Transport,
    product: str | None = None,
    now: datetime | None = None,
    inventories: InventoryCache = PROCESS_INVENTORIES,
) -> Selection:
    """What a fetch of the file of `product` (default: the main one) at `fh` would read: the first source
    whose inventory holds every message. Reads inventories only."""
    file = (fh, product or model.main_product)
    return _first_source(
        model, sources, lambda source: _select_from(source, model, ref_time, file, requests, transport, now,
                                                    inventories))


def _first_source(model: ModelSpec, sources: Sequence[Source], attempt: Callable[[Source], T]) -> T:
    """`attempt` on each source that carries the model until one succeeds. The error names every failure;
    it is `RecordAbsent` when every source tried lacks a record for good."""
    if not sources:
        raise FetchError("no sources given")
    failures: list[TWFError] = []
    skipped: list[str] = []
    for source in sources:
        if source.prefix(model) is None:
            skipped.append(f"source {source.name} does not carry {model.name}")
            continue
        try:
            return attempt(source)
        except (FetchError, MessageNotFound) as exc:
            failures.append(exc)
    text = "; ".join([*map(str, failures), *skipped])
    kinds = {type(f) for f in failures}
    raise (kinds.pop() if len(kinds) == 1 else FetchError)(text)


def _select_from(
    source: Source,
    model: ModelSpec,
    ref_time: datetime,
    file: FileKey,
    requests: Sequence[MessageRequest],
    transport: Transport,
    now: datetime | None,
    inventories: InventoryCache,
) -> Selection:
    now = now or datetime.now(UTC)
    fh, product = file
    idx_url = source.idx_url(model, ref_time, fh, product)
    inventory, idx_bytes = _read_inventory(source, idx_url, transport, inventories, now)
    try:
        entries = select(parse_idx(inventory.body.decode("utf-8", "replace"), url=idx_url), requests,
                         url=idx_url)
    except (FetchError, MessageNotFound) as exc:
        if is_settled(source.is_local, inventory.last_modified, source.stable_seconds, now):
            raise RecordAbsent(f"{exc} (the inventory is complete and stable: not retried)") from None
        raise
    version = inventory.last_modified.isoformat() if inventory.last_modified else ""
    return Selection(fh, product, source.name, source.file_url(model, ref_time, fh, product), tuple(entries),
                     tuple(merge_ranges(entries)), version, idx_bytes)


def _fetch_selected(selection: Selection, out_path: Path, transport: Transport, cache: DownloadCache | None,
                    source: Source, now: datetime) -> FetchedFile:
    """Download the selection's ranges (concurrently), validate them and write the subset file atomically."""
    url, entries = selection.url, selection.entries

    def one(rng: ByteRange) -> tuple[bytes, int | None, int]:
        return _fetch_range(url, rng, _messages_in(rng, entries), transport, cache, selection.version, source,
                            now)

    workers = max(1, min(len(selection.ranges), transport.policy.concurrency))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        parts = list(pool.map(one, selection.ranges))
    totals = {total for _, total, _ in parts if total is not None}
    if len(totals) > 1:
        raise FetchError(f"{url}: file size changed during the download ({sorted(totals)}); retry later")
    data = b"".join(body for body, _, _ in parts)
    write_atomic(out_path, data)
    return FetchedFile(
        fh=selection.fh,
        product=selection.product,
        path=out_path,
        source=selection.source,
        url=url,
        messages=tuple(e.label for e in entries),
        bytes_written=len(data),
        bytes_downloaded=selection.idx_bytes + sum(n for _, _, n in parts),
    )


def _read_inventory(
    source: Source, idx_url: str, transport: Transport, inventories: InventoryCache, now: datetime
) -> tuple[Response, int]:
    """(the stable `.idx` response, network bytes spent on it). Remote inventories read moments ago are
    reused; a mirror's are read every time (free, and a mirror folder may be rewritten at any moment)."""

    def download() -> Response:
        response = transport.get(idx_url, missing=source.missing_statuses)
        check_stable(idx_url, response.last_modified, source.stable_seconds, now)
        return response

    if source.is_local:
        response = download()
        return response, len(response.body)
    with inventories.loading(idx_url):
        if (kept := inventories.get(idx_url)) is not None:
            return kept, 0
        response = download()
        inventories.put(idx_url, response)
        return response, len(response.body)


def _messages_in(rng: ByteRange, entries: Sequence[IdxEntry]) -> int:
    """GRIB messages a merged range holds: distinct offsets inside it (sub-messages share one)."""
    return len({e.start for e in entries if e.start >= rng.start and (rng.end is None or e.start <= rng.end)})


def _fetch_range(
    url: str,
    rng: ByteRange,
    messages: int,
    transport: Transport,
    cache: DownloadCache | None,
    version: str,
    source: Source,
    now: datetime,
) -> tuple[bytes, int | None, int]:
    """(validated bytes, file size if the server said, network bytes spent)."""
    key = DownloadCache.key(url, rng.header, version)
    if cache is not None and (cached := cache.get(key)) is not None:
        try:
            check_grib(url, rng, cached, messages)
            return cached, None, 0
        except FetchError:
            cache.discard(key)
    response = transport.get(url, rng, missing=source.missing_statuses)
    total = check_range_response(url, rng, response.status, response.content_range, response.body)
    check_stable(url, response.last_modified, source.stable_seconds, now)
    check_grib(url, rng, response.body, messages)
    if cache is not None:
        cache.put(key, response.body)
    return response.body, total, len(response.body)

