"""The `DEMO.json` marker at a mirror's root: says its data is synthetic, so the pipeline can label what it
builds from it (manifests, UI) as demo data, never as a forecast.

    {"demo": true, "generator": "twf.synthetic", "description": "...", "runs": {"hrrr": ["20260129_17z"]}}
"""

from __future__ import annotations

import json
from pathlib import Path

from twf.atomic import write_bytes_atomic

MARKER_NAME = "DEMO.json"
DESCRIPTION = "Synthetic weather on the real model grids, generated offline for the demo. Not a forecast."


def marker_path(mirror_root: Path) -> Path:
    return Path(mirror_root) / MARKER_NAME


def read_marker(mirror_root: Path) -> dict | None:
    """The marker's content, or None when the mirror holds no demo marker (or an unreadable one)."""
    try:
        content = json.loads(marker_path(mirror_root).read_text())
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) and content.get("demo") is True else None


def is_demo_mirror(mirror_root: Path) -> bool:
    return read_marker(mirror_root) is not None


def record_run(mirror_root: Path, model: str, run: str) -> Path:
    """Add `run` of `model` to the marker (creating it), keeping the runs already listed."""
    runs: dict[str, list[str]] = dict((read_marker(mirror_root) or {}).get("runs", {}))
    runs[model] = sorted({*runs.get(model, []), run})
    content = {"demo": True, "generator": "twf.synthetic", "description": DESCRIPTION, "runs": runs}
    path = marker_path(mirror_root)
    write_bytes_atomic(path, (json.dumps(content, indent=2, sort_keys=True) + "\n").encode())
    return path
