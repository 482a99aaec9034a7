"""The crowd of `make soak`: asyncio clients that use the API the way the web viewer does.

Each client loops: discovery (`/api/v3/models` → the model's `latest_run` → its variables → a variable's
frames), then a viewport of tiles at one zoom of 4–9 (the viewer's 512 px `@2x` tiles, six at a time as a
browser fetches them) for a few consecutive frames, a hover sample per frame and, for 2 m temperature, the
isotherms. Every loop starts from `/api/v3/models`, so a client follows `latest` to a new run as soon as it
moves. Any status other than 200/204/304, any transport error, and any 404 for a frame the client found listed
in a manifest it was served, fails the soak.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx

from twf.api.webmercator import ORIGIN_SHIFT_M, lonlat_to_mercator
from twf.grid import CONUS_BOUNDS_3857, CONUS_BOUNDS_4326

OK_STATUSES = frozenset({200, 204, 304})
ZOOMS = range(4, 10)
VIEWPORT = 3  # tiles per side: a 1536 px viewport of 512 px tiles
BROWSER_PARALLEL = 6  # requests a browser keeps in flight to one host
MODEL_WEIGHTS = {"hrrr": 0.8, "gfs": 0.2}


def route_of(path: str) -> str:
    """The route a request belongs to, for the percentile table."""
    if path.startswith("/tiles/"):
        return "tile"
    if path.startswith("/api/v3/sample"):
        return "sample"
    if "/contours/" in path:
        return "contours"
    if path.endswith("/frames"):
        return "frames"
    if path.endswith("/vars"):
        return "vars"
    return "models"


@dataclass
class Tally:
    """What the crowd saw: latencies per route, statuses, failures, and which runs it followed."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    transport_errors: int = 0
    lost_frames: int = 0  # 404 for a frame listed in a manifest the client was served
    runs_followed: Counter = field(default_factory=Counter)  # (model, run) → discovery loops on it

    def record(self, path: str, status: int, seconds: float, listed: bool) -> None:
        self.latencies[route_of(path)].append(seconds * 1000)
        self.statuses[status] += 1
        if status == 404 and listed:
            self.lost_frames += 1
            self.failures.append(f"404 for a listed frame: {path}")
        elif status not in OK_STATUSES:
            self.failures.append(f"{status} {path}")

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


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    x, y = lonlat_to_mercator(lon, lat)
    n = 2**z
    col = int((x + ORIGIN_SHIFT_M) / (2 * ORIGIN_SHIFT_M) * n)
    row = int((ORIGIN_SHIFT_M - y) / (2 * ORIGIN_SHIFT_M) * n)
    return min(n - 1, max(0, col)), min(n - 1, max(0, row))


def tile_range(z: int) -> tuple[int, int, int, int]:
    """(x_min, x_max, y_min, y_max) of the tiles covering CONUS at zoom z."""
    left, bottom, right, top = CONUS_BOUNDS_3857
    n = 2**z

    def index(metres: float) -> int:
        return min(n - 1, max(0, int((metres + ORIGIN_SHIFT_M) / (2 * ORIGIN_SHIFT_M) * n)))

    return index(left), index(right), n - 1 - index(top), n - 1 - index(bottom)


def clamp(row: int, n: int) -> int:
    return min(n - 1, max(0, row))


class Viewer:
    """One simulated viewer: its own HTTP connection pool, random choices from its own seed."""

    def __init__(self, client: httpx.AsyncClient, seed: int, tally: Tally, think_s: float) -> None:
        self.client, self.rng, self.tally, self.think_s = client, random.Random(seed), tally, think_s
        self.gate = asyncio.Semaphore(BROWSER_PARALLEL)

    async def get(self, path: str, listed: bool = False) -> httpx.Response | None:
        async with self.gate:
            start = time.perf_counter()
            try:
                response = await self.client.get(path)
            except httpx.HTTPError as exc:
                self.tally.transport_errors += 1
                self.tally.failures.append(f"transport error {type(exc).__name__} {path}")
                return None
            self.tally.record(path, response.status_code, time.perf_counter() - start, listed)
            return response

    async def think(self) -> None:
        if self.think_s > 0:
            await asyncio.sleep(self.rng.uniform(0.5, 1.5) * self.think_s)

    async def session(self, until: float) -> None:
        while time.monotonic() < until:
            await self.one_view()

    async def one_view(self) -> None:
        models = await self.get("/api/v3/models")
        if models is None or models.status_code != 200:
            return await self.think()
        live = [m for m in models.json()["models"] if m["latest_run"] and m["id"] in MODEL_WEIGHTS]
        if not live:
            return await self.think()
        model = self.rng.choices(live, [MODEL_WEIGHTS[m["id"]] for m in live])[0]
        name, run = model["id"], model["latest_run"]
        self.tally.runs_followed[(name, run)] += 1
        variables = await self.get(f"/api/v3/{name}/{run}/vars")
        if variables is None or variables.status_code != 200:
            return await self.think()
        ready = [v["id"] for v in variables.json()["variables"] if v["available_frames"] > 0]
        if not ready:
            return await self.think()
        var = self.rng.choice(ready)
        listing = await self.get(f"/api/v3/{name}/{run}/{var}/frames")
        if listing is None or listing.status_code != 200:
            return await self.think()
        frames = listing.json()["frames"]
        if frames:
            await self.animate(name, run, var, frames)
        await self.think()

    async def animate(self, model: str, run: str, var: str, frames: list[dict]) -> None:
        """A viewport at one zoom over a few consecutive frames: tiles, a sample and isotherms per frame."""
        z = self.rng.choice(ZOOMS)
        west, south, east, north = CONUS_BOUNDS_4326
        lon, lat = self.rng.uniform(west, east), self.rng.uniform(south, north)
        cx, cy = tile_xy(lon, lat, z)
        n = 2**z
        start = self.rng.randrange(len(frames))
        for frame in (frames[(start + k) % len(frames)] for k in range(self.rng.randint(1, 4))):
            template = frame["tile_url"].replace("{z}", str(z)).replace("{y}.png", "{y}@2x.png")
            around = range(-(VIEWPORT // 2), VIEWPORT // 2 + 1)
            tiles = [template.replace("{x}", str((cx + dx) % n)).replace("{y}", str(clamp(cy + dy, n)))
                     for dx in around for dy in around]
            requests = [self.get(path, listed=True) for path in dict.fromkeys(tiles)]
            requests.append(self.get(f"/api/v3/sample?model={model}&run={run}&var={var}&fh={frame['fh']}"
                                     f"&lat={lat + self.rng.uniform(-1, 1):.4f}"
                                     f"&lon={lon + self.rng.uniform(-1, 1):.4f}", listed=True))
            requests += [self.get(url, listed=True) for url in frame["contours"].values()]
            await asyncio.gather(*requests)
            await self.think()


async def crowd(url: str, clients: int, seconds: float, think_s: float, seed: int, tally: Tally) -> None:
    """`clients` viewers for `seconds`, each with its own keep-alive connections (as separate browsers)."""
    until = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=BROWSER_PARALLEL, max_keepalive_connections=BROWSER_PARALLEL)

    async def one(i: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            await Viewer(client, seed + i, tally, think_s).session(until)

    await asyncio.gather(*(one(i) for i in range(clients)))
