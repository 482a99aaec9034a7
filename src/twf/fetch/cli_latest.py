"""`twf latest-run`: print the newest run of a model whose needed forecast hours are all published."""

from __future__ import annotations

import argparse

from twf.errors import NotYetAvailable
from twf.fetch.cli import add_source_arguments
from twf.fetch.discovery import latest_run
from twf.fetch.sources import chosen_sources
from twf.hours import parse_hours
from twf.models import get_model


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True)
    add_source_arguments(parser)
    parser.add_argument("--hours", help="hours that must be available, e.g. 0-6 (default: all)")


def run(args: argparse.Namespace) -> int:
    model = get_model(args.model)
    sources = chosen_sources(model, args.source, None)
    needed = parse_hours(args.hours, "--hours") if args.hours else None
    found = latest_run(model, sources, needed_hours=needed)
    if found is None:
        names = ", ".join(s.name for s in sources)
        raise NotYetAvailable(f"no {model.name} run with the needed hours in {names}")
    print(found)
    return 0
