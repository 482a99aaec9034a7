"""`twf serve`: the API, tiles and the built web viewer in one uvicorn process (default 127.0.0.1:8200)."""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from twf.config import load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8200
# Idle keep-alive connections stay open this long (uvicorn's default is 5 s). A client that reuses a
# connection just as the server closes it gets a reset, and 5 s is exactly httpx's idle expiry: under
# `make soak` that race failed a few requests a minute. Longer than any client's idle expiry, as nginx's 75 s.
KEEP_ALIVE_S = 75


def add_arguments(parser: argparse.ArgumentParser, default_port: int = DEFAULT_PORT) -> None:
    parser.add_argument("--data-root", type=Path, help="data root (default: TWF_DATA_ROOT or ./data/v3)")
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"listen address (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=default_port, help=f"port (default {default_port})")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--access-log", action="store_true", help="log every request (off: tiles are many)")


def settings_from(args: argparse.Namespace):
    return load_settings().with_data_root(args.data_root)


def ready(app):
    """The app with its routes prepared: FastAPI builds an included router's routes on the first request that
    reaches them, ~25 ms of CPU (and its OpenAPI document on the first /docs), which a freshly started server
    would hand to its first users; generating the document at start does both."""
    app.openapi()
    return app


def serve(app, args: argparse.Namespace) -> int:
    ready(app)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=args.access_log,
                timeout_keep_alive=KEEP_ALIVE_S)
    return 0


def run(args: argparse.Namespace) -> int:
    from twf.api.app import create_app

    return serve(create_app(settings_from(args)), args)


def app_from_env():
    """For more than one process: `uvicorn --factory twf.api.server:app_from_env --workers N` (settings
    from the environment, as `load_settings` reads them)."""
    from twf.api.app import create_app

    return ready(create_app(load_settings()))
