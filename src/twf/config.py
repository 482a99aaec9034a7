"""Settings read from the environment: the one place an environment variable is named.

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[2]  # src/twf/config.py → the work tree (editable install)


@dataclass(frozen=True)
class Settings:
    data_root: Path
    cache_dir: Path
    enable_debug_scan: bool
    web_dist: Path | None = None  # the built web viewer `twf serve` serves at `/` when the folder exists


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def load_settings() -> Settings:
    """Read settings now (not at import) so tests and CLIs can point TWF_DATA_ROOT anywhere."""
    data_root = Path(os.environ.get("TWF_DATA_ROOT", "./data/v3")).resolve()
    cache_dir = Path(os.environ.get("TWF_CACHE_DIR", str(data_root.parent / "cache"))).resolve()
    return Settings(
        data_root=data_root,
        cache_dir=cache_dir,
        enable_debug_scan=_flag("TWF_ENABLE_DEBUG_SCAN"),
        web_dist=Path(os.environ.get("TWF_WEB_DIST", str(_REPO_ROOT / "frontend" / "dist"))).resolve(),
    )
