"""Check a built frame before anyone may see it: both COGs on the model's canonical grids (plan safeguard 1:
no per-run or per-variable drift), the files the sidecar names present, and the sidecar consistent with them.
The builder runs it on its temporary directory; the publisher runs it again before promotion.
"""

from __future__ import annotations

import json
from pathlib import Path

import rasterio
from rasterio.errors import RasterioError

from twf import CONTRACT_VERSION
from twf.errors import InvalidFrame
from twf.grid import CanonicalGrid
from twf.models.base import ModelSpec
from twf.store import FramePaths

_SIDECAR_KEYS = ("contract_version", "model", "run", "var", "fh", "valid_time", "units", "kind", "grid",
                 "value_grid", "value_range", "files", "contours", "source")


def _check_raster(path: Path, grid: CanonicalGrid, count: int, dtype: str, what: str) -> None:
    """GridDrift unless the raster is exactly on `grid`; InvalidFrame if unreadable or of another type."""
    try:
        with rasterio.open(path) as ds:
            grid.check(ds.crs, ds.transform, (ds.height, ds.width), f"{path.name} ({what})")
            if ds.count != count or ds.dtypes[0] != dtype:
                raise InvalidFrame(f"{path.name}: {ds.count} x {ds.dtypes[0]} bands, "
                                   f"expected {count} x {dtype}")
            if ds.driver != "GTiff" or (not ds.overviews(1) and max(ds.shape) > 512):
                raise InvalidFrame(f"{path.name}: not a tiled GeoTIFF with internal overviews")
    except RasterioError as exc:
        raise InvalidFrame(f"{path.name}: unreadable ({str(exc).splitlines()[0]})") from None


def read_sidecar(paths: FramePaths) -> dict:
    try:
        sidecar = json.loads(paths.sidecar.read_text())
    except FileNotFoundError:
        raise InvalidFrame(f"{paths.sidecar} is missing") from None
    except (OSError, ValueError) as exc:
        raise InvalidFrame(f"{paths.sidecar.name}: not readable JSON ({exc})") from None
    if not isinstance(sidecar, dict):
        raise InvalidFrame(f"{paths.sidecar.name}: not a JSON object")
    return sidecar


def validate_frame(paths: FramePaths, model: ModelSpec) -> dict:
    """The frame's sidecar, once every check passed. Raises GridDrift or InvalidFrame."""
    sidecar = read_sidecar(paths)
    missing = [k for k in _SIDECAR_KEYS if k not in sidecar]
    if missing:
        raise InvalidFrame(f"{paths.sidecar.name}: missing {', '.join(missing)}")
    expected = {
        "contract_version": CONTRACT_VERSION, "model": model.name, "fh": paths.fh,
        "grid": model.grid.as_json(), "value_grid": model.value_grid.as_json(),
        "files": {"rgba": paths.rgba.name, "value": paths.value.name},
    }
    for key, value in expected.items():
        if sidecar[key] != value:
            raise InvalidFrame(f"{paths.sidecar.name}: {key} is {sidecar[key]!r}, expected {value!r}")
    if sidecar["var"] not in model.variables:
        raise InvalidFrame(f"{paths.sidecar.name}: {model.name} has no variable {sidecar['var']!r}")
    _check_raster(paths.rgba, model.grid, 4, "uint8", "RGBA")
    _check_raster(paths.value, model.value_grid, 1, "float32", "values")
    for key, name in sidecar["contours"].items():
        if name != paths.contour(key).name or not paths.contour(key).is_file():
            raise InvalidFrame(f"{paths.sidecar.name}: contour file {name!r} is missing")
    return sidecar
