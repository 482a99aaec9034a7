"""Settings read from the environment: the one place an environment variable is named.

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from twf.errors import InvalidSetting

_REPO_ROOT = Path(__file__).resolve().parents[2]  # src/twf/config.py → the work tree (editable install)


# Pixels one server process may keep in memory, in MiB (TWF_CACHE_MB): decoded RGBA blocks and value
# levels, differences and exported loops (shares in `twf.api.deps`). A 3 km HRRR RGBA frame decodes to
# 23 MB (17 MB full resolution + overviews): the RGBA share of 512 MiB (307 MiB) holds a dozen frames at
# every zoom. Chosen so a server worker stays under 1 GiB RSS in `make soak` (docs/RELIABILITY.md).
DEFAULT_CACHE_MB = 512


@dataclass(frozen=True)
class S3Credentials:
    """The standard AWS variables, for an `s3://` TWF_STORAGE_URL."""

    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    region: str = "us-east-1"


URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # `s3:...`: a URL, never a folder name

# How long an API process trusts a manifest, the run index or LATEST.json read from an object store before
# asking again: a new run or frame shows within this; 0 asks on every request (what a local data root does).
DEFAULT_REVALIDATE_SECONDS = 2.0


@dataclass(frozen=True)
class Settings:
    data_root: Path
    cache_dir: Path
    enable_debug_scan: bool
    web_dist: Path | None = None  # the built web viewer `twf serve` serves at `/` when the folder exists
    cache_mb: int = DEFAULT_CACHE_MB  # pixels one server process keeps in memory (all its caches)
    cors_origins: tuple[str, ...] = ()  # origins other sites' pages may read the API from ("*": any)
    debug_token: str | None = None  # bearer token the debug scan endpoint requires (set when it is enabled)
    storage_url: str | None = None  # TWF_STORAGE_URL: `s3://bucket/prefix?endpoint=...`; None: the data root
    s3: S3Credentials = S3Credentials()
    revalidate_seconds: float = DEFAULT_REVALIDATE_SECONDS
    # TWF_REQUEST_BUDGETS: requests per minute for hosts beyond the built-in ones (`twf.fetch.budget`)
    request_budgets: tuple[tuple[str, float], ...] = ()

    @property
    def storage_location(self) -> str:
        """Where staged and published data lives: TWF_STORAGE_URL, else the data root folder."""
        return self.storage_url or str(self.data_root)

    def with_data_root(self, data_root: Path | None) -> Settings:
        """A command's `--data-root`, when given, wins over TWF_STORAGE_URL and TWF_DATA_ROOT."""
        if data_root is None:
            return self
        return replace(self, data_root=data_root.resolve(), storage_url=None)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSetting(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise InvalidSetting(f"{name}={raw!r} must be positive")
    return value


# A token shorter than this is guessable: a bearer token guards a route that lists the data root.
MIN_TOKEN_LENGTH = 16


def _origins(name: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in os.environ.get(name, "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not (origin.startswith(("http://", "https://")) and origin.count("/") == 2):
            raise InvalidSetting(f"{name}: {origin!r} is not an origin (scheme://host[:port]) or *")
    return origins


def _budgets(name: str) -> tuple[tuple[str, float], ...]:
    """`host=requests_per_minute` pairs, comma-separated (hosts lower-cased, as URLs name them)."""
    budgets = []
    for item in (i.strip() for i in os.environ.get(name, "").split(",") if i.strip()):
        host, _, rate = (part.strip() for part in item.partition("="))
        try:
            per_minute = float(rate)
        except ValueError:
            per_minute = math.nan
        if not host or not 0 < per_minute < math.inf:
            raise InvalidSetting(f"{name}: {item!r} is not host=requests_per_minute (a positive number)")
        budgets.append((host.lower(), per_minute))
    return tuple(budgets)


def _debug_token(enabled: bool) -> str | None:
    token = os.environ.get("TWF_DEBUG_TOKEN", "").strip() or None
    if enabled and token is None:
        raise InvalidSetting("TWF_ENABLE_DEBUG_SCAN is on but TWF_DEBUG_TOKEN is empty: the scan needs one")
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise InvalidSetting(f"TWF_DEBUG_TOKEN must be at least {MIN_TOKEN_LENGTH} characters")
    return token


def load_settings() -> Settings:
    """Read settings now (not at import) so tests and CLIs can point TWF_DATA_ROOT anywhere."""
    env = os.environ.get
    storage_url = env("TWF_STORAGE_URL", "").strip() or None
    if storage_url is not None and not URL_SCHEME.match(storage_url):
        data_root, storage_url = Path(storage_url).resolve(), None  # a folder: the data root itself
    else:
        data_root = Path(env("TWF_DATA_ROOT", "./data/v3")).resolve()
    cache_dir = Path(os.environ.get("TWF_CACHE_DIR", str(data_root.parent / "cache"))).resolve()
    debug_scan = _flag("TWF_ENABLE_DEBUG_SCAN")
    return Settings(
        data_root=data_root,
        cache_dir=cache_dir,
        enable_debug_scan=debug_scan,
        web_dist=Path(os.environ.get("TWF_WEB_DIST", str(_REPO_ROOT / "frontend" / "dist"))).resolve(),
        cache_mb=_positive_int("TWF_CACHE_MB", DEFAULT_CACHE_MB),
        cors_origins=_origins("TWF_CORS_ORIGINS"),
        debug_token=_debug_token(debug_scan),
        storage_url=storage_url,
        s3=S3Credentials(env("AWS_ACCESS_KEY_ID") or None, env("AWS_SECRET_ACCESS_KEY") or None,
                         env("AWS_SESSION_TOKEN") or None,
                         env("AWS_REGION") or env("AWS_DEFAULT_REGION") or S3Credentials.region),
        revalidate_seconds=_seconds("TWF_STORAGE_REVALIDATE_SECONDS", DEFAULT_REVALIDATE_SECONDS),
        request_budgets=_budgets("TWF_REQUEST_BUDGETS"),
    )


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise InvalidSetting(f"{name}={raw!r} is not a number of seconds") from None
    if not value >= 0:
        raise InvalidSetting(f"{name}={raw!r} must not be negative")
    return value
