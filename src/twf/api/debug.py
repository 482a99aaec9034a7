"""`GET /api/debug/scan`: what is on disk under the data root. Off unless TWF_ENABLE_DEBUG_SCAN, and then only
for a request carrying `Authorization: Bearer <TWF_DEBUG_TOKEN>` (the setting refuses to start without one).

This is the only route that lists folders; discovery never uses it (committed state is the manifests).
"""

from __future__ import annotations

import hmac
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header

from twf.api.deps import Services, get_services
from twf.api.schemas import ErrorOut
from twf.errors import Unauthorized

AREAS = ("staging", "published", "manifests")
BEARER = "bearer "


def require_token(services: Annotated[Services, Depends(get_services)],
                  authorization: Annotated[str | None, Header()] = None) -> None:
    """Constant-time comparison, so the answer time does not tell how much of a guess was right."""
    expected = services.settings.debug_token
    scheme_ok = authorization is not None and authorization.lower().startswith(BEARER)
    given = authorization[len(BEARER):].strip() if scheme_ok and authorization else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("the debug scan needs Authorization: Bearer <TWF_DEBUG_TOKEN>")


router = APIRouter(tags=["debug"], dependencies=[Depends(require_token)],
                   responses={401: {"model": ErrorOut, "description": "no or wrong bearer token"}})


def _tree(area: Path) -> dict[str, Any]:
    """{model: {run: file count}} for one area (a run is a folder, or a manifest file)."""
    out: dict[str, Any] = {}
    if not area.is_dir():
        return out
    for model_dir in sorted(p for p in area.iterdir() if p.is_dir()):
        runs: dict[str, int] = {}
        for entry in sorted(model_dir.iterdir()):
            runs[entry.name] = sum(1 for f in entry.rglob("*") if f.is_file()) if entry.is_dir() else 1
        out[model_dir.name] = runs
    return out


@router.get("/api/debug/scan", summary="filesystem scan of the data root (debug only, bearer token)")
def scan(services: Annotated[Services, Depends(get_services)]) -> dict[str, Any]:
    root = services.store.root
    return {"data_root": str(root), **{area: _tree(root / area) for area in AREAS}}
