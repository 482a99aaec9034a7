"""What the crowd of `make soak` saw: latency per route, statuses, failures, and which runs it followed.

Any status other than 200/204/304, any transport error, and any 404 for a frame the client found listed in a
listing it was served, fails the soak.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

OK_STATUSES = frozenset({200, 204, 304})
# Route of a request, by the first rule its path matches (the percentile table's rows, in this order).
ROUTE_RULES = (
    ("diff_tile", "/tiles/v3/diff/"), ("tile", "/tiles/"), ("sample_batch", "/api/v3/sample/batch"),
    ("sample", "/api/v3/sample"), ("diff_sample", "/api/v3/diff/sample"),
    ("diff_legend", "/api/v3/diff/legend"),
    ("series", "/api/v3/series"), ("trend", "/api/v3/trend"), ("export", "/api/v3/export"),
    ("regions", "/api/regions"), ("overlays", "/overlays/"), ("frames", "/frames"), ("vars", "/vars"),
    ("manifest", "/manifest"), ("runs", "/runs"), ("models", "/api/v3/models"),
)
ROUTES = tuple(route for route, _ in ROUTE_RULES)


def route_of(path: str) -> str:
    for route, marker in ROUTE_RULES:
        if marker in path.split("?", 1)[0]:
            return route
    return "other"


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # the same, of the requests that had to open a connection first (none of the client's was free)
    connecting: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    transport_errors: int = 0
    lost_frames: int = 0  # 404 for a frame listed in a listing the client was served
    runs_followed: Counter = field(default_factory=Counter)  # (model, run) → visits on it
    stalls: int = 0  # playback ticks that found the next frame not loaded yet
    advances: int = 0  # playback ticks that showed the next frame

    def record(self, path: str, status: int, seconds: float, listed: bool, connected: bool = False) -> None:
        self.latencies[route_of(path)].append(seconds * 1000)
        if connected:
            self.connecting[route_of(path)].append(seconds * 1000)
        self.statuses[status] += 1
        if status == 404 and listed:
            self.lost_frames += 1
            self.failures.append(f"404 for a listed frame: {path}")
        elif status not in OK_STATUSES:
            self.failures.append(f"{status} {path}")

    def transport_error(self, path: str, error: Exception) -> None:
        self.transport_errors += 1
        self.failures.append(f"transport error {type(error).__name__} {path}")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))]
