"""Settings read from the environment: the one place an environment variable is named.

Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_root: Path
    cache_dir: Path
    enable_debug_scan: bool


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
    )
