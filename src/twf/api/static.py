"""The built web viewer at `/`: files from the dist folder, `index.html` for client-side routes.

Only paths that resolve inside the dist folder are served; `/api/…` and `/tiles/…` never fall back to the
viewer, so an unknown API path stays a JSON 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse

from twf.api.errors import error_response
from twf.api.http_cache import IMMUTABLE

API_PREFIXES = ("api/", "tiles/", "healthz", "docs", "openapi.json", "redoc")
# Vite names bundles by content hash under assets/: safe to cache for good. index.html must revalidate.
HASHED_DIR = "assets/"
REVALIDATE = "no-cache"


def _inside(root: Path, relative: str) -> Path | None:
    if "\x00" in relative or "\\" in relative:
        return None
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def mount_web_viewer(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()
    index = root / "index.html"

    @app.get("/{path:path}", include_in_schema=False)
    async def web_viewer(path: str, request: Request) -> Response:
        if path.startswith(API_PREFIXES):
            return error_response(404, "not_found", f"no route {request.url.path}")
        found = _inside(root, path) if path else None
        if found is not None:
            cache = IMMUTABLE if path.startswith(HASHED_DIR) else REVALIDATE
            return FileResponse(found, headers={"Cache-Control": cache})
        return FileResponse(index, media_type="text/html", headers={"Cache-Control": REVALIDATE})
