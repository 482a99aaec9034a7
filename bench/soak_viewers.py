"""The crowd of `make soak`: asyncio clients that use the API the way people use the web viewer.

A viewer comes back visit after visit. A visit opens the page: discovery (`/api/v3/models`, `/api/regions`
revalidated with its ETag, the model's runs, the latest run's variables and manifest, a variable's frames),
then it looks at one dataset over one region (a region's default view, sometimes a zoom in or out) for
`VISIT_SECONDS`, as the viewer does:

- the map holds the frames of the prefetch window (the frame shown, 12 ahead, 2 behind: 3×3 512 px `@2x`
  tiles each, six requests in flight as a browser has) and plays at 4 frames a second, a tick advancing only
  when the next frame is loaded (a stall otherwise); some viewers step by hand instead;
- the browser keeps what it fetched (tiles, isotherms and samples of a concrete run are immutable), so a loop
  is fetched once and played from the cache;
- 2 m temperature and dew point label the cities in view (one `POST /api/v3/sample/batch` per frame change,
  the previous one aborted);
  the pointer rests now and then (a hover sample); some viewers show the isotherms, click a point (its
  meteogram: `/api/v3/series`), pan or zoom (a new viewport), or export the loop (`/api/v3/export`);
- some visits show the difference with another model at the same valid times (`/api/v3/diff/legend`,
  `/tiles/v3/diff/...`, `/api/v3/diff/sample`) or the run-to-run trend (`/api/v3/trend` and its frames).

Every visit starts from `/api/v3/models`, so viewers move to a new run when `latest` does.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass, replace

import httpx

from bench.soak_tally import Tally
from twf.api.webmercator import ORIGIN_SHIFT_M, lonlat_to_mercator, tile_bounds
from twf.grid import CONUS_BOUNDS_3857, CONUS_BOUNDS_4326, MERCATOR_RADIUS_M

VIEWPORT = 3  # tiles per side: a 1536 px view of 512 px tiles
BROWSER_PARALLEL = 6  # requests a browser keeps in flight to one host
PLAY_FPS = 4.0  # the viewer's default speed (frontend/src/lib/config.ts)
PREFETCH_AHEAD, PREFETCH_BEHIND = 12, 2  # frontend/src/lib/prefetch.ts
VISIT_SECONDS = (20.0, 60.0)
MODEL_WEIGHTS = {"hrrr": 6, "gfs": 3, "nbm": 2, "nam": 2}
VAR_WEIGHTS = {"tmp2m": 6, "refc": 4, "radar_ptype": 3, "precip_total": 3, "wgst10m": 2, "dp2m": 2,
               "snowfall_total": 2}  # every other variable: 1
LABELLED_UNITS = "°F"  # city labels are on by default for these (frontend/src/lib/places.ts)
# Chances per visit.
MODE_WEIGHTS = {"single": 8, "diff": 1, "trend": 1}
P_PLAYS, P_OVERLAYS, P_POINT, P_EXPORT = 0.7, 0.2, 0.3, 0.02
P_MOVE_PER_S = 0.02  # a pan or zoom


@dataclass(frozen=True)
class Camera:
    z: int
    x: int  # tile column at the centre of the view
    y: int

    def tiles(self) -> list[tuple[int, int, int]]:
        n, half = 2**self.z, VIEWPORT // 2
        return [(self.z, (self.x + dx) % n, min(n - 1, max(0, self.y + dy)))
                for dy in range(-half, half + 1) for dx in range(-half, half + 1)]

    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees of the whole view."""
        tiles = self.tiles()
        left, top = tile_bounds(*tiles[0]).left, tile_bounds(*tiles[0]).top
        right, bottom = tile_bounds(*tiles[-1]).right, tile_bounds(*tiles[-1]).bottom
        return (*mercator_to_lonlat(left, bottom), *mercator_to_lonlat(right, top))


def mercator_to_lonlat(x: float, y: float) -> tuple[float, float]:
    r = MERCATOR_RADIUS_M
    return math.degrees(x / r), math.degrees(2 * math.atan(math.exp(y / r)) - math.pi / 2)


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


def region_camera(region: dict, rng: random.Random) -> Camera:
    """Where a visit to `region` looks: its default view, now and then one zoom in or out."""
    # A raster source at a fractional zoom shows the tiles of the nearest whole zoom (MapLibre: roundZoom).
    zoom = round(region["defaultZoom"]) + rng.choice((0, 0, 0, 0, 1, -1))
    zoom = int(min(max(zoom, math.ceil(region["minZoom"]), 4), math.floor(region["maxZoom"]), 9))
    lon, lat = region["defaultCenter"]
    return Camera(zoom, *tile_xy(lon, lat, zoom))


def prefetch_window(count: int, index: int) -> list[int]:
    """The frames the map keeps loaded, most urgent first (frontend/src/lib/prefetch.ts)."""
    order = [index] + [(index + d) % count for d in range(1, PREFETCH_AHEAD + 1)]
    order += [(index - d) % count for d in range(1, PREFETCH_BEHIND + 1)]
    return list(dict.fromkeys(order))


def frame_tiles(template: str, camera: Camera) -> list[str]:
    """The `@2x` tile URLs of one frame in view."""
    template = template.replace("{y}.png", "{y}@2x.png")
    return list(dict.fromkeys(template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
                              for z, x, y in camera.tiles()))


def weighted(rng: random.Random, names: list[str], weights: dict[str, int]) -> str:
    return rng.choices(names, [weights.get(name, 1) for name in names])[0]


class Viewer:
    """One person with one browser: its own keep-alive connections, HTTP cache and random choices."""

    def __init__(self, client: httpx.AsyncClient, seed: int, tally: Tally) -> None:
        self.client, self.rng, self.tally = client, random.Random(seed), tally
        self.gate = asyncio.Semaphore(BROWSER_PARALLEL)
        self.cached: set[str] = set()  # immutable answers the browser keeps
        self.regions_etag: str | None = None
        self.regions: list[dict] = []

    async def get(self, path: str, listed: bool = False, cache: bool = False, headers: dict | None = None,
                  timeout: float | None = None) -> httpx.Response | None:
        if cache and path in self.cached:
            return None
        return await self._send("GET", path, listed, cache, headers=headers or {}, timeout=timeout)

    async def post(self, path: str, body: dict, listed: bool = False) -> httpx.Response | None:
        return await self._send("POST", path, listed, False, json=body)

    async def _send(self, method: str, path: str, listed: bool, cache: bool, **options: object) \
            -> httpx.Response | None:
        if options.get("timeout") is None:
            options.pop("timeout", None)
        opened: list[str] = []

        async def trace(event: str, _: dict) -> None:
            if event == "connection.connect_tcp.started":
                opened.append(event)

        # A page left mid-load cancels this coroutine but never the exchange itself: httpcore 1.0.9 strands a
        # pool slot when a request is cancelled inside it (encode/httpcore#1093), and six stranded slots made
        # run G's PoolTimeouts. The exchange finishes on its own and only then frees its place at the gate.
        await self.gate.acquire()
        start = time.perf_counter()
        request = self.client.request(method, path, extensions={"trace": trace}, **options)
        exchange = asyncio.ensure_future(request)
        exchange.add_done_callback(self._exchange_done)
        try:
            response = await asyncio.shield(exchange)
        except httpx.HTTPError as exc:
            self.tally.transport_error(path, exc)
            return None
        self.tally.record(path, response.status_code, time.perf_counter() - start, listed, bool(opened))
        if cache and response.status_code in (200, 204):
            self.cached.add(path)
        return response

    def _exchange_done(self, exchange: asyncio.Future) -> None:
        self.gate.release()
        if not exchange.cancelled():
            exchange.exception()  # an abandoned exchange's error is retrieved, so asyncio stays quiet

    async def session(self, until: float) -> None:
        while time.monotonic() < until:
            if not await self.visit(until):
                await asyncio.sleep(self.rng.uniform(0.5, 1.5))

    async def visit(self, until: float) -> bool:
        """One page load and what follows it; False when there was nothing to look at."""
        models = await self.get("/api/v3/models")
        await self.load_regions()
        if models is None or models.status_code != 200 or not self.regions:
            return False
        live = [m["id"] for m in models.json()["models"] if m["latest_run"]]
        if not live:
            return False
        model = weighted(self.rng, live, MODEL_WEIGHTS)
        run = next(m["latest_run"] for m in models.json()["models"] if m["id"] == model)
        self.tally.runs_followed[(model, run)] += 1
        _, variables, _ = await asyncio.gather(self.get(f"/api/v3/{model}/runs"),
                                               self.get(f"/api/v3/{model}/{run}/vars"),
                                               self.get(f"/api/v3/{model}/{run}/manifest"))
        if variables is None or variables.status_code != 200:
            return False
        ready = [v for v in variables.json()["variables"] if v["available_frames"] > 0]
        if not ready:
            return False
        chosen = weighted(self.rng, [v["id"] for v in ready], VAR_WEIGHTS)
        var = next(v for v in ready if v["id"] == chosen)
        listing = await self.get(f"/api/v3/{model}/{run}/{var['id']}/frames")
        if listing is None or listing.status_code != 200 or not listing.json()["frames"]:
            return False
        show = Showing(model, run, var["id"], var["units"], listing.json()["frames"],
                       region_camera(self.rng.choice(self.regions), self.rng))
        mode = weighted(self.rng, list(MODE_WEIGHTS), MODE_WEIGHTS)
        if mode == "diff" and var["kind"] != "categorical":  # the viewer offers no difference of classes
            show = await self.difference(show, models.json()["models"]) or show
        elif mode == "trend":
            show = await self.trend(show) or show
        end = min(until, time.monotonic() + self.rng.uniform(*VISIT_SECONDS))
        await Playback(self, show, end).run()
        return True

    async def load_regions(self) -> None:
        headers = {"If-None-Match": self.regions_etag} if self.regions_etag else {}
        answer = await self.get("/api/regions", headers=headers)
        if answer is not None and answer.status_code == 200:
            self.regions, self.regions_etag = answer.json()["regions"], answer.headers.get("etag")

    async def difference(self, show: Showing, models: list[dict]) -> Showing | None:
        """A − B with another model's latest run at the valid times both have (the viewer's diff mode: the
        other model's catalog offers the variable, then its frames are listed)."""
        others = [(m["id"], m["latest_run"]) for m in models if m["latest_run"] and m["id"] != show.model]
        if not others:
            return None
        other, b_run = self.rng.choice(others)
        catalog = await self.get(f"/api/v3/{other}/{b_run}/vars")
        if catalog is None or catalog.status_code != 200 or not any(
                v["id"] == show.var and v["available_frames"] for v in catalog.json()["variables"]):
            return None
        listing = await self.get(f"/api/v3/{other}/{b_run}/{show.var}/frames")
        if listing is None or listing.status_code != 200:
            return None
        by_time = {f["valid_time"]: f["fh"] for f in listing.json()["frames"]}
        pairs = [(f, by_time[f["valid_time"]]) for f in show.frames if f["valid_time"] in by_time]
        if not pairs:
            return None
        first, first_b = pairs[0]
        a0, b0 = f"{show.model}/{show.run}/{show.var}/{first['fh']}", f"{other}/{b_run}/{show.var}/{first_b}"
        legend = await self.get(f"/api/v3/diff/legend?a={a0}&b={b0}", listed=True)
        if legend is None or legend.status_code != 200:
            return None
        frames = [{"fh": f["fh"], "valid_time": f["valid_time"], "overlays": {},
                   "tile_url": f"/tiles/v3/diff/{show.model}/{show.run}/{show.var}/{f['fh']}/"
                               f"{other}/{b_run}/{show.var}/{fh_b}/{{z}}/{{x}}/{{y}}.png",
                   "b": f"{other}/{b_run}/{show.var}/{fh_b}"} for f, fh_b in pairs]
        return replace(show, frames=frames, kind="diff")

    async def trend(self, show: Showing) -> Showing | None:
        """The frames of the newest runs valid at one time of this run (the viewer's trend mode)."""
        valid = self.rng.choice(show.frames)["valid_time"]
        answer = await self.get(f"/api/v3/trend?model={show.model}&var={show.var}&valid_time={valid}&runs=6",
                                listed=True)
        if answer is None or answer.status_code != 200:
            return None
        return replace(show, frames=answer.json()["frames"], kind="trend")


@dataclass(frozen=True)
class Showing:
    """What a visit shows: one dataset's frames (or difference/trend frames) through one camera."""

    model: str
    run: str
    var: str
    units: str
    frames: list[dict]
    camera: Camera
    kind: str = "single"  # or "diff", "trend"


class Playback:
    """The map and its clock during one visit."""

    def __init__(self, viewer: Viewer, show: Showing, end: float) -> None:
        self.viewer, self.show, self.end, self.rng = viewer, show, end, viewer.rng
        self.loaded: dict[int, asyncio.Task] = {}
        self.background: set[asyncio.Task] = set()
        self.labels: asyncio.Task | None = None  # the city labels' batch in flight
        self.index = 0
        self.places = self.place_points()

    async def run(self) -> None:
        rng, tally = self.rng, self.viewer.tally
        plays = rng.random() < P_PLAYS
        overlays = rng.random() < P_OVERLAYS
        if rng.random() < P_POINT:
            self.spawn(self.viewer.get(self.series_path(), cache=True))
        if rng.random() < P_EXPORT and self.show.kind == "single":
            self.spawn(self.viewer.get(self.export_path(), timeout=300))
        self.on_frame(overlays)
        next_step = next_hover = time.monotonic()
        try:
            while time.monotonic() < self.end:
                self.prefetch()
                await asyncio.sleep(1 / PLAY_FPS)
                now = time.monotonic()
                if rng.random() < P_MOVE_PER_S / PLAY_FPS:
                    self.move()
                if plays or now >= next_step:
                    following = (self.index + 1) % len(self.show.frames)
                    if self.loaded[following].done():
                        tally.advances += 1
                        self.index = following
                        self.on_frame(overlays)
                        next_step = now + rng.uniform(1.0, 4.0)
                    else:
                        tally.stalls += 1
                if now >= next_hover:
                    self.spawn(self.hover())
                    next_hover = now + rng.uniform(1.0, 5.0)
        finally:
            for task in [*self.loaded.values(), *self.background]:
                task.cancel()  # the page is left: the browser drops what is still in flight
            await asyncio.gather(*self.loaded.values(), *self.background, return_exceptions=True)

    def spawn(self, work: object) -> asyncio.Task:
        task = asyncio.ensure_future(work)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    def prefetch(self) -> None:
        for i in prefetch_window(len(self.show.frames), self.index):
            if i not in self.loaded:
                self.loaded[i] = asyncio.ensure_future(self.load(self.show.frames[i]))

    async def load(self, frame: dict) -> None:
        urls = frame_tiles(frame["tile_url"], self.show.camera)
        await asyncio.gather(*(self.viewer.get(url, listed=True, cache=True) for url in urls))

    def move(self) -> None:
        """A pan by one tile or a zoom in or out by one: a new viewport for every frame, whose loads start at
        once (the map drops the old viewport's tiles still in flight)."""
        camera = self.show.camera
        if self.rng.random() < 0.5:
            step = self.rng.choice((-1, 1)), self.rng.choice((-1, 1))
            camera = replace(camera, x=camera.x + step[0], y=camera.y + step[1])
        else:
            dz = 1 if camera.z < 5 else -1 if camera.z > 8 else self.rng.choice((-1, 1))
            scale = 2.0**dz
            camera = Camera(camera.z + dz, int(camera.x * scale), int(camera.y * scale))
        self.show = replace(self.show, camera=camera)
        for task in self.loaded.values():
            task.cancel()
        self.loaded.clear()
        self.places = self.place_points()
        self.prefetch()

    def on_frame(self, overlays: bool) -> None:
        frame = self.show.frames[self.index]
        if self.show.units == LABELLED_UNITS and self.show.kind != "diff" and self.places:
            body = {"model": self.show.model, "run": frame.get("run", self.show.run), "var": self.show.var,
                    "fh": frame["fh"], "points": self.places}
            if self.labels is not None:
                self.labels.cancel()  # as the viewer does: the previous frame's labels are aborted
            self.labels = self.spawn(self.viewer.post("/api/v3/sample/batch", body, listed=True))
        if overlays:
            for url in frame.get("overlays", {}).values():
                self.spawn(self.viewer.get(url, listed=True, cache=True))

    async def hover(self) -> None:
        frame = self.show.frames[self.index]
        west, south, east, north = self.show.camera.bbox()
        lat, lon = self.rng.uniform(south, north), self.rng.uniform(west, east)
        if self.show.kind == "diff":
            a = f"{self.show.model}/{self.show.run}/{self.show.var}/{frame['fh']}"
            path = f"/api/v3/diff/sample?a={a}&b={frame['b']}&lat={lat:.4f}&lon={lon:.4f}"
        else:
            path = (f"/api/v3/sample?model={self.show.model}&run={frame.get('run', self.show.run)}"
                    f"&var={self.show.var}&fh={frame['fh']}&lat={lat:.4f}&lon={lon:.4f}")
        await self.viewer.get(path, listed=True, cache=True)

    def place_points(self) -> list[list[float]]:
        """The city labels of the view: 30-80 points, the same ones for as long as the view stays."""
        rng = random.Random(hash(self.show.camera))
        west, south, east, north = self.show.camera.bbox()
        return [[round(rng.uniform(south, north), 4), round(rng.uniform(west, east), 4)]
                for _ in range(rng.randint(30, 80))]

    def series_path(self) -> str:
        west, south, east, north = self.show.camera.bbox()
        return f"/api/v3/series?lat={(south + north) / 2:.4f}&lon={(west + east) / 2:.4f}"

    def export_path(self) -> str:
        """The loop on screen (at most 13 frames) over the view, clipped to the canonical grid."""
        view, grid = self.show.camera.bbox(), CONUS_BOUNDS_4326
        west, south = (math.ceil(max(v, g) * 1000) / 1000 for v, g in zip(view[:2], grid[:2], strict=True))
        east, north = (math.floor(min(v, g) * 1000) / 1000 for v, g in zip(view[2:], grid[2:], strict=True))
        fhs = ",".join(str(f["fh"]) for f in self.show.frames[:13])  # the box rounded inwards: on the grid
        return (f"/api/v3/export?model={self.show.model}&var={self.show.var}&run={self.show.run}&fhs={fhs}"
                f"&bbox={west:.3f},{south:.3f},{east:.3f},{north:.3f}&width=720&format=gif&fps=4")


async def crowd(url: str, clients: int, seconds: float, seed: int, tally: Tally) -> None:
    """`clients` viewers for `seconds`, each with its own keep-alive connections (as separate browsers)."""
    until = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=BROWSER_PARALLEL, max_keepalive_connections=BROWSER_PARALLEL)

    async def one(i: int) -> None:
        await asyncio.sleep(i * min(5.0, seconds / 10) / clients)  # arrivals spread over the first seconds
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
            await Viewer(client, seed + i, tally).session(until)

    await asyncio.gather(*(one(i) for i in range(clients)))
