"""Click → meteogram drawn in headless Chromium (issue 12 target ≤ 300 ms): runs
`frontend/e2e/meteogram_perf.mjs` over the demo runs (`make bench` builds them first) and prints the time of
each step. Needs what `bench_viewer` needs; skipped with a note when something is missing.
"""

from __future__ import annotations

import subprocess

from bench.bench_viewer import FRONTEND, missing_browser_parts


def main() -> None:
    missing = missing_browser_parts()
    if missing:
        print(f"skipped: missing {', '.join(missing)}")
        return
    subprocess.run(["node", "e2e/meteogram_perf.mjs"], cwd=FRONTEND, check=True)
