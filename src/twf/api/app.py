"""The FastAPI application: `create_app(settings)` for the full service, `create_tiles_app` for tiles only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Response

from twf import CONTRACT_VERSION
from twf.api import debug, diff, discovery, export, overlays, regions, sample, series, tiles, trend
from twf.api.cors import install_cors
from twf.api.deps import Services
from twf.api.errors import install_error_handlers
from twf.api.http_cache import NO_STORE
from twf.api.memory import return_freed_arrays_to_the_os
from twf.api.openapi import install_openapi
from twf.api.raster_threads import raster_threads
from twf.api.schemas import HealthOut
from twf.api.static import mount_web_viewer
from twf.api.warmup import read_latest_manifests, warm_up_routes
from twf.config import Settings
from twf.models.requirements import work_out_plans

DESCRIPTION = "Canonical CONUS forecast maps: discovery from committed manifests, samples, overlays, tiles."


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    await warm_up_routes(app)  # before the server accepts anyone: each route's first-request costs
    reading = asyncio.create_task(
        to_thread.run_sync(read_latest_manifests, app.state.services, abandon_on_cancel=True))
    yield
    reading.cancel()


def _base_app(settings: Settings, title: str) -> FastAPI:
    return_freed_arrays_to_the_os()  # per process: each uvicorn worker builds its own app
    # No trailing-slash redirects: a 307 to a rewritten path is not an answer an API client expects.
    app = FastAPI(title=title, version=CONTRACT_VERSION, description=DESCRIPTION, redoc_url=None,
                  redirect_slashes=False, lifespan=_lifespan)
    app.state.services = Services(settings)
    raster_threads()  # started and warmed now: GDAL's one-time costs are paid before the first request
    install_error_handlers(app)
    install_cors(app, settings.cors_origins)
    install_openapi(app)

    @app.get("/healthz", response_model=HealthOut, tags=["health"])
    async def healthz(response: Response) -> dict[str, str]:
        response.headers["Cache-Control"] = NO_STORE
        return {"status": "ok", "contract_version": CONTRACT_VERSION}

    return app


def create_app(settings: Settings) -> FastAPI:
    """API, tiles and (when its dist folder exists) the web viewer, in one process."""
    app = _base_app(settings, "TWF Models v3")
    work_out_plans(series.DEFAULT_VARS)  # the meteogram's planned hours (each answer lists them), at start
    if settings.enable_debug_scan:
        app.include_router(debug.router)
    app.include_router(regions.router)
    app.include_router(sample.router)
    app.include_router(diff.router)
    app.include_router(series.router)
    app.include_router(trend.router)
    app.include_router(export.router)
    app.include_router(discovery.router)
    app.include_router(overlays.router)
    app.include_router(tiles.router)
    app.include_router(diff.tile_router)
    if settings.web_dist is not None and (settings.web_dist / "index.html").is_file():
        mount_web_viewer(app, settings.web_dist)
    return app


def create_tiles_app(settings: Settings) -> FastAPI:
    """Tiles only (the plan's separate tile server)."""
    app = _base_app(settings, "TWF Models v3 tiles")
    app.include_router(tiles.router)
    app.include_router(diff.tile_router)
    return app
