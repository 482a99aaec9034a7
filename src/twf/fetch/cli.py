"""`twf fetch`: download the GRIB2 messages one frame needs into a folder and print where they went; with
`--explain`, print per variable the inventory lines and byte ranges it would read, downloading no GRIB."""

from __future__ import annotations

import argparse
from pathlib import Path

from twf.config import load_settings
from twf.errors import InvalidParameter
from twf.fetch.cache import DownloadCache
from twf.fetch.explain import explain_frame, format_reads
from twf.fetch.frame import fetch_frame_files
from twf.fetch.sources import chosen_sources
from twf.models import get_model
from twf.store import parse_run_id


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source", action="append", default=[], metavar="SOURCE",
        help="aws | nomads | google | mirror:PATH | file:///PATH | http(s)://HOST/PREFIX/ (repeat for"
        " fallbacks; default: NOMADS first for runs under 18 h old, the buckets first otherwise)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", required=True)
    parser.add_argument("--run", required=True, help="run id, e.g. 20260129_17z")
    parser.add_argument("--fh", required=True, type=int, help="forecast hour")
    parser.add_argument("--var", action="append", required=True, metavar="VAR",
                        help="variable (repeat, or comma-separated)")
    parser.add_argument("--out", type=Path, help="folder for the subset GRIB2 files (not with --explain)")
    add_source_arguments(parser)
    parser.add_argument("--no-cache", action="store_true", help="skip the download cache (TWF_CACHE_DIR)")
    parser.add_argument("--explain", action="store_true",
                        help="print per variable the inventory lines and byte ranges it would read;"
                        " reads only the .idx inventories, downloads no GRIB")


def run(args: argparse.Namespace) -> int:
    model = get_model(args.model)
    variables = [v for text in args.var for v in text.split(",") if v]
    sources = chosen_sources(model, args.source, parse_run_id(args.run))
    if args.explain:
        print(format_reads(explain_frame(model, args.run, args.fh, variables, sources)))
        return 0
    if args.out is None:
        raise InvalidParameter("--out is required (or --explain to only show what would be read)")
    cache = None if args.no_cache else DownloadCache(load_settings().cache_dir)
    files = fetch_frame_files(model, args.run, args.fh, variables, args.out, sources, cache=cache)
    for fetched in files.values():
        summary = f"{len(fetched.messages)} messages\t{fetched.bytes_written} bytes"
        print(f"{fetched.path}\t{fetched.source}\t{summary}")
    return 0
