"""Click → meteogram drawn in headless Chromium (issue 12 target ≤ 300 ms): runs
`frontend/e2e/meteogram_perf.mjs` over the demo runs (`make bench` builds them first) and prints the time of
each step. Needs what `bench_viewer` needs; skipped with a note when something is missing.
"""

from __future__ import annotations

from bench.bench_viewer import run_browser_bench


def main() -> None:
    run_browser_bench("meteogram_perf.mjs")
