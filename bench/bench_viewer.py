"""Viewer speed in headless Chromium: runs `frontend/e2e/perf.mjs` (cold load to first frame, prefetch of
every frame of the PNW view, frame switches during 8 fps playback). Needs the built viewer (`make web`), the
npm packages and Debian's chromium; skipped with a note when they are missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def run_browser_bench(script: str) -> None:
    """Runs a browser benchmark of `frontend/e2e/` with node, or says what this machine lacks for it."""
    missing = [
        what
        for what, ok in (
            ("node", shutil.which("node") is not None),
            ("frontend/dist (make web)", (FRONTEND / "dist" / "index.html").is_file()),
            ("frontend/node_modules (make web)", (FRONTEND / "node_modules" / "playwright-core").is_dir()),
            ("/usr/bin/chromium (make chromium)", Path("/usr/bin/chromium").exists()),
        )
        if not ok
    ]
    if missing:
        print(f"skipped: missing {', '.join(missing)}")
        return
    subprocess.run(["node", f"e2e/{script}"], cwd=FRONTEND, check=True)


def main() -> None:
    run_browser_bench("perf.mjs")
