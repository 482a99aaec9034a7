"""`twf` command line. Each subcommand lives beside the code it drives and exposes
`add_arguments(parser)` and `run(args) -> int`; this module only dispatches and maps errors to exit codes.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from twf.errors import TWFError

# subcommand → (module, one-line help). Modules are imported only when their command runs.
COMMANDS: dict[str, tuple[str, str]] = {
    "build-frame": ("twf.builder.cli", "build one frame's artifacts from GRIB2 files"),
    "fetch": ("twf.fetch.cli", "download the GRIB2 messages one frame needs"),
    "latest-run": ("twf.fetch.cli_latest", "print the newest complete run of a model"),
    "scheduler": ("twf.scheduler", "fetch, build and publish runs"),
    "check": ("twf.check", "verify published state against manifests"),
    "serve": ("twf.api.server", "serve the API, tiles and the web viewer"),
    "tile-server": ("twf.api.server_tiles", "serve only the tiles"),
    "demo-data": ("twf.demo.cli", "write synthetic demo GRIB2 into a mirror folder"),
    "export": ("twf.export.cli", "export a loop of frames as GIF or MP4, as the viewer shows them"),
    "objectstore": ("twf.storage.seaweed", "run a local S3 server (SeaweedFS) for tests and the demo"),
    "dask-cluster": ("twf.scheduling.cluster", "run a local Dask scheduler and workers for the demo"),
}


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """Only the chosen command's module is imported, so `twf serve` never loads GDAL's GRIB code paths."""
    parser = argparse.ArgumentParser(
        prog="twf", description="TWF Models v3: forecast-map pipeline and server"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(module_name).add_arguments(command_parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args) or 0)
    except TWFError as exc:
        print(f"twf {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
