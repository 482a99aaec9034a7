"""`twf tile-server`: only the PNG tiles (and /healthz), as its own process (default 127.0.0.1:8201)."""

from __future__ import annotations

import argparse

from twf.api import server

DEFAULT_PORT = 8201


def add_arguments(parser: argparse.ArgumentParser) -> None:
    server.add_arguments(parser, default_port=DEFAULT_PORT)


def run(args: argparse.Namespace) -> int:
    from twf.api.app import create_tiles_app

    return server.serve(create_tiles_app(server.settings_from(args)), args)
