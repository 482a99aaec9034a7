"""`GET /api/debug/scan`: what is on disk under the data root, off unless TWF_ENABLE_DEBUG_SCAN.

This is the only route that lists folders; discovery never uses it (committed state is the manifests).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends

from twf.api.deps import Services, get_services

router = APIRouter(tags=["debug"])

AREAS = ("staging", "published", "manifests")


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


@router.get("/api/debug/scan", summary="filesystem scan of the data root (debug only)")
def scan(services: Annotated[Services, Depends(get_services)]) -> dict[str, Any]:
    root = services.store.root
    return {"data_root": str(root), **{area: _tree(root / area) for area in AREAS}}
