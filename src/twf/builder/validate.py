"""Check a built frame before anyone may see it: every object of its artifact set (`twf.artifacts`) present
and named by its sidecar, the rasters on the model's canonical grids (plan safeguard 1: no per-run or
per-variable drift), and each object whole. The builder runs it on its output; the publisher runs it again
before promotion, and `twf check` on committed frames.
"""

from __future__ import annotations

import rasterio
from rasterio.errors import RasterioError

from twf import CONTRACT_VERSION
from twf.artifacts import DATA_ARTIFACTS, SIDECAR, ArtifactKind, RasterShape
from twf.errors import InvalidFrame, ObjectNotFound
from twf.models.base import ModelSpec
from twf.sidecar import Sidecar
from twf.storage import ObjectStore
from twf.store import FrameKeys


def _name(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _check_raster(storage: ObjectStore, key: str, model: ModelSpec, shape: RasterShape) -> None:
    """GridDrift unless the raster is exactly on its grid; InvalidFrame if unreadable or of another type."""
    name = _name(key)
    try:
        with storage.gdal_env(), rasterio.open(storage.gdal_path(key)) as ds:
            shape.grid(model).check(ds.crs, ds.transform, (ds.height, ds.width), f"{name} ({shape.what})")
            if ds.count != shape.bands or ds.dtypes[0] != shape.dtype:
                raise InvalidFrame(f"{name}: {ds.count} x {ds.dtypes[0]} bands, "
                                   f"expected {shape.bands} x {shape.dtype}")
            if ds.driver != "GTiff" or (not ds.overviews(1) and max(ds.shape) > 512):
                raise InvalidFrame(f"{name}: not a tiled GeoTIFF with internal overviews")
    except RasterioError as exc:
        raise InvalidFrame(f"{name}: unreadable ({str(exc).splitlines()[0]})") from None


def read_sidecar(storage: ObjectStore, frame: FrameKeys) -> Sidecar:
    key = SIDECAR.key(frame)
    try:
        data = storage.get(key)
    except ObjectNotFound:
        raise InvalidFrame(f"{key} is missing") from None
    return Sidecar.loads(data, _name(key))


def validate_frame(storage: ObjectStore, frame: FrameKeys, model: ModelSpec) -> Sidecar:
    """The frame's sidecar, once every check passed. Raises GridDrift or InvalidFrame."""
    sidecar = read_sidecar(storage, frame)
    where = _name(SIDECAR.key(frame))
    expected = {"contract_version": CONTRACT_VERSION, "model": model.name, "fh": frame.fh,
                "grid": model.grid.as_json(), "value_grid": model.value_grid.as_json()}
    for field, value in expected.items():
        if getattr(sidecar, field) != value:
            raise InvalidFrame(f"{where}: {field} is {getattr(sidecar, field)!r}, expected {value!r}")
    var = model.variables.get(sidecar.var)
    if var is None:
        raise InvalidFrame(f"{where}: {model.name} has no variable {sidecar.var!r}")
    for kind in DATA_ARTIFACTS:
        names = kind.names(frame.fh, var)
        if sidecar.names_of(kind) != names:
            raise InvalidFrame(f"{where}: {kind.name} is {sidecar.names_of(kind)!r}, expected {names!r}")
        for name in names.values():
            _check_present(storage, frame.key(name), model, kind)
    return sidecar


def _check_present(storage: ObjectStore, key: str, model: ModelSpec, kind: ArtifactKind) -> None:
    if kind.raster is not None:
        _check_raster(storage, key, model, kind.raster)
    elif storage.head(key) is None:
        raise InvalidFrame(f"{kind.name} object {_name(key)!r} is missing")


def check_whole(storage: ObjectStore, key: str, kind: ArtifactKind) -> None:
    """InvalidFrame unless the object is complete: a sidecar parses, a GeoJSON FeatureCollection ends as one
    does (a full parse of a 3 MB contour file costs 0.3 s), and every block a GeoTIFF's directory points at
    lies inside the object (a truncated COG still opens and reports the right grid, but is missing tiles)."""
    name = _name(key)
    info = storage.head(key)
    if info is None:
        raise InvalidFrame(f"{name} is missing")
    if kind.format == "json":
        Sidecar.loads(storage.get(key), name)
        return
    if kind.format == "geojson":
        if not storage.get_range(key, max(0, info.size - 64), 64).rstrip().endswith(b"]}"):
            raise InvalidFrame(f"{name}: truncated (does not end a FeatureCollection)")
        return
    with storage.gdal_env(), rasterio.open(storage.gdal_path(key)) as ds:
        for band in range(1, ds.count + 1):
            for (row, col), _ in ds.block_windows(band):
                offset = ds.get_tag_item(f"BLOCK_OFFSET_{col}_{row}", "TIFF", bidx=band)
                length = ds.get_tag_item(f"BLOCK_SIZE_{col}_{row}", "TIFF", bidx=band)
                if offset and length and int(offset) + int(length) > info.size:
                    raise InvalidFrame(f"{name}: truncated (block {row},{col} of band {band} ends at "
                                       f"byte {int(offset) + int(length)}, the object has {info.size})")


def check_frame_whole(storage: ObjectStore, frame: FrameKeys, sidecar: Sidecar, model: ModelSpec) -> None:
    """`check_whole` on every object of a validated frame, data first, its sidecar last."""
    var = model.variables[sidecar.var]
    for kind in (*DATA_ARTIFACTS, SIDECAR):
        for name in kind.names(frame.fh, var).values():
            check_whole(storage, frame.key(name), kind)
