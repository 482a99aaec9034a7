"""From request segments to one committed frame: every check a frame-addressed route needs, in order.

Segments are validated as identifiers first (traversal → 400), then against the model registry (unknown →
404), then against the committed manifest: a frame whose files exist but that the manifest does not list
is not published.
"""

from __future__ import annotations

from dataclasses import dataclass

from twf.api.deps import Services
from twf.api.manifest_cache import ResolvedRun
from twf.errors import NotPublished
from twf.manifest import Manifest
from twf.models import check_frame, get_model, get_variable
from twf.models.base import ModelSpec, VarSpec
from twf.store import FramePaths, Store, safe_segment


@dataclass(frozen=True)
class FrameRef:
    model: ModelSpec
    var: VarSpec
    run: ResolvedRun
    fh: int
    valid_time: str
    paths: FramePaths

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
                         lambda: _published_frames(services.store, cached.value, var_spec.name))
    frame = listed.get(fh)
    if frame is None:
        raise NotPublished(f"{spec.name} {resolved.run} {var_spec.name} f{fh:03d} is not published")
    valid_time, paths = frame
    return FrameRef(spec, var_spec, resolved, fh, valid_time, paths)


def _published_frames(store: Store, manifest: Manifest, var: str) -> dict[int, tuple[str, FramePaths]]:
    """fh → (valid time, files) of the frames the manifest lists: built once per manifest, not per tile."""
    entry = manifest.variables.get(var)
    if entry is None:
        return {}
    return {f.fh: (f.valid_time, store.published_frame(manifest.model, manifest.run, var, f.fh))
            for f in entry.frames}
