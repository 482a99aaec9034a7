"""`GET /api/debug/scan`: what the store holds under each area. Off unless TWF_ENABLE_DEBUG_SCAN, and then
only for a request carrying `Authorization: Bearer <TWF_DEBUG_TOKEN>` (the setting refuses to start without
one).

This is the only route that lists the store; discovery never does (committed state is the manifests).
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header

from twf.api.deps import Services, get_services
from twf.api.schemas import ErrorOut
from twf.errors import Unauthorized
from twf.storage import ObjectStore

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


def _tree(storage: ObjectStore, area: str) -> dict[str, Any]:
    """{model: {run: object count}} for one area (a run is a folder of objects, or one manifest object)."""
    out: dict[str, Any] = {}
    for model in sorted(storage.children(area)):
        runs: dict[str, int] = {}
        for entry in sorted(storage.children(f"{area}/{model}")):
            prefix = f"{area}/{model}/{entry}"
            runs[entry] = 1 if storage.head(prefix) is not None else sum(1 for _ in storage.list(prefix))
        out[model] = runs
    return out


@router.get("/api/debug/scan", summary="listing of the store (debug only, bearer token)")
def scan(services: Annotated[Services, Depends(get_services)]) -> dict[str, Any]:
    storage = services.storage
    return {"data_root": storage.url, **{area: _tree(storage, area) for area in AREAS}}
