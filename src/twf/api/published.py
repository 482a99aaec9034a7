"""From request segments to one committed frame: every check a frame-addressed route needs, in order.

Segments are validated as identifiers first (traversal → 400), then against the model registry (unknown →
404), then against the committed manifest: a frame whose objects exist but that the manifest does not list
is not published.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from twf import store
from twf.api.deps import Services
from twf.api.manifest_cache import Cached, ResolvedRun
from twf.artifacts import ArtifactKind
from twf.errors import NotPublished
from twf.manifest import Manifest
from twf.models import check_frame, get_model, get_variable
from twf.models.base import ModelSpec, VarSpec
from twf.storage import ObjectInfo
from twf.store import FrameKeys, safe_segment


@dataclass(frozen=True)
class FrameRef:
    model: ModelSpec
    var: VarSpec
    run: ResolvedRun
    fh: int
    valid_time: str
    keys: FrameKeys
    manifest: Cached[Manifest]

    @property
    def label(self) -> str:
        return f"{self.model.name} {self.run.run} {self.var.name} f{self.fh:03d}"


def resolve_model(model: str) -> ModelSpec:
    return get_model(safe_segment(model, "model"))


def resolve_variable(model: ModelSpec, var: str) -> VarSpec:
    return get_variable(model, safe_segment(var, "variable"))


def resolve_frame(services: Services, model: str, run: str, var: str, fh: int) -> FrameRef:
    spec = resolve_model(model)
    var_spec = resolve_variable(spec, var)
    resolved = services.manifests.resolve(spec.name, run)
    check_frame(spec, resolved.run, fh)
    cached = services.manifests.manifest(spec.name, resolved.run)
    listed = cached.memo(("published_frames", var_spec.name),
                         lambda: _published_frames(cached.value, var_spec.name))
    frame = listed.get(fh)
    if frame is None:
        raise NotPublished(f"{spec.name} {resolved.run} {var_spec.name} f{fh:03d} is not published")
    valid_time, keys = frame
    return FrameRef(spec, var_spec, resolved, fh, valid_time, keys, cached)


def _published_frames(manifest: Manifest, var: str) -> dict[int, tuple[str, FrameKeys]]:
    """fh → (valid time, keys) of the frames the manifest lists: built once per manifest, not per tile."""
    entry = manifest.variables.get(var)
    if entry is None:
        return {}
    return {f.fh: (f.valid_time, store.published_frame(manifest.model, manifest.run, var, f.fh))
            for f in entry.frames}


def locate(services: Services, frame: FrameRef, kind: ArtifactKind,
           item: str = "") -> tuple[str, str, Hashable]:
    """The key, GDAL path and identity of one object of a committed frame. A local store is asked (`head`, a
    `stat`) on every request; a remote one (`revalidate_seconds` > 0) once per manifest version, since a
    listed object is immutable: the hot path makes no request to it."""
    key = kind.key(frame.keys, item)
    info = committed_object(services, frame.manifest, key, raster=kind.raster is not None)
    if info is None:
        raise NotPublished(f"{frame.label} has no {kind.name} object")
    return key, services.storage.gdal_path(key), info.identity


def committed_object(services: Services, manifest: Cached[Manifest], key: str,
                     raster: bool = False) -> ObjectInfo | None:
    """`head` of an object the manifest lists (`head_raster` of a raster about to be read): per request on
    a local store, once per manifest version on a remote one."""
    storage = services.storage
    head = storage.head_raster if raster else storage.head
    if storage.revalidate_seconds:
        return manifest.memo(("head", key), lambda: head(key))
    return head(key)
