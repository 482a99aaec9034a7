"""`twf fetch --explain`: what a frame would read, per variable, without downloading a byte of GRIB.

For each variable, each upstream file its frame needs is resolved exactly as a fetch resolves it (the first
source whose inventory holds every message; only the `.idx` files are read): the inventory lines chosen, by
number and as the inventory spells them, and the inclusive byte ranges a fetch would request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from twf.fetch.frame import Selection, frame_requests, select_file
from twf.fetch.inventory import PROCESS_INVENTORIES, InventoryCache
from twf.fetch.sources import Source
from twf.fetch.transport import Transport, borrowed
from twf.models.base import ModelSpec
from twf.store import parse_run_id


@dataclass(frozen=True)
class VariableReads:
    """One variable's reads: a selection per upstream file, in forecast-hour order."""

    var: str
    files: tuple[Selection, ...]


def explain_frame(
    model: ModelSpec,
    run: str,
    fh: int,
    variables: Sequence[str],
    sources: Sequence[Source],
    *,
    transport: Transport | None = None,
    now: datetime | None = None,
    inventories: InventoryCache = PROCESS_INVENTORIES,
) -> list[VariableReads]:
    """What frame `fh` of each variable would read. Raises as a fetch would (MessageNotFound naming what no
    inventory holds, NotYetAvailable for inventories not there yet)."""
    ref_time = parse_run_id(run)
    reads = []
    with borrowed(transport) as t:
        for var in variables:
            plan = frame_requests(model, run, fh, [var])
            files = tuple(select_file(model, ref_time, file_fh, requests, sources, transport=t,
                                      product=product, now=now, inventories=inventories)
                          for (file_fh, product), requests in plan.items())
            reads.append(VariableReads(var, files))
    return reads


def format_reads(reads: Sequence[VariableReads]) -> str:
    """The operator's view: per variable, per file, one line per chosen record with its byte range."""
    lines = []
    for read in reads:
        lines.append(read.var)
        for selection in read.files:
            size = sum(r.length or 0 for r in selection.ranges)
            open_ended = any(r.end is None for r in selection.ranges)
            total = f"{size} bytes" + (" + to the end of the file" if open_ended else "")
            lines.append(f"  f{selection.fh:03d} {selection.source}: {selection.url} ({total})")
            for entry in selection.entries:
                span = f"bytes={entry.start}-" + ("" if entry.end is None else str(entry.end))
                lines.append(f"    {entry.number:>6}  {entry.label}  {span}")
            ranges = ", ".join(r.header.removeprefix("bytes=") for r in selection.ranges)
            lines.append(f"    ranges: {ranges}")
    return "\n".join(lines)
