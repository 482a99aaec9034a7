"""The artifact set of one frame, described once: which objects a frame has, in which format, in which order.

The builder writes it, the publisher places it, `validate` and `twf check` verify it and the API reads it,
all from `FRAME_ARTIFACTS`; the storage layer moves the objects without knowing their names. A new kind of
per-frame artifact (an overlay, a derived raster) is one more `ArtifactKind` entry here: its file names,
its format (so its completeness can be checked) and, for kinds with one object per key (overlays), which
keys a variable has. Its names are recorded in the sidecar (`twf.sidecar.Sidecar`) under the kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from twf.grid import CanonicalGrid
from twf.models.base import ModelSpec, VarSpec
from twf.store import FrameKeys, frame_stem, safe_segment

Format = Literal["cog", "json", "geojson"]


@dataclass(frozen=True)
class RasterShape:
    """What a raster artifact must be: on which of the model's grids, how many bands of which type."""

    grid: Callable[[ModelSpec], CanonicalGrid]
    bands: int
    dtype: str
    what: str  # for messages: "RGBA", "values"


@dataclass(frozen=True)
class ArtifactKind:
    name: str  # also its entry in the sidecar: `files[name]`, or the field `name` for keyed kinds
    suffix: str  # after the frame stem `fhXXX`; holds `{key}` for kinds with one object per key
    format: Format
    keys: Callable[[VarSpec], tuple[str, ...]] | None = None  # keyed kinds: the variable's keys
    raster: RasterShape | None = None

    @property
    def keyed(self) -> bool:
        return self.keys is not None

    def names(self, fh: int, var: VarSpec) -> dict[str, str]:
        """Key → object name of this kind for one frame (the key is "" for a kind with one object)."""
        stem = frame_stem(fh)
        if self.keys is None:
            return {"": f"{stem}{self.suffix}"}
        what = f"{self.name} key"
        return {k: f"{stem}{self.suffix.format(key=safe_segment(k, what))}" for k in self.keys(var)}

    def key(self, frame: FrameKeys, item: str = "") -> str:
        """The storage key of this kind's object (`item`: the overlay key, for keyed kinds)."""
        stem = frame.stem
        suffix = self.suffix.format(key=safe_segment(item, f"{self.name} key")) if self.keyed else self.suffix
        return frame.key(f"{stem}{suffix}")


RGBA = ArtifactKind("rgba", ".rgba.cog.tif", "cog", raster=RasterShape(lambda m: m.grid, 4, "uint8", "RGBA"))
VALUE = ArtifactKind("value", ".val.cog.tif", "cog",
                     raster=RasterShape(lambda m: m.value_grid, 1, "float32", "values"))
OVERLAYS = ArtifactKind("overlays", ".overlay.{key}.geojson", "geojson",
                        keys=lambda var: tuple(o.key for o in var.overlays))
SIDECAR = ArtifactKind("sidecar", ".json", "json")

# Placement order: data first, the sidecar last (its presence marks a complete frame).
FRAME_ARTIFACTS: tuple[ArtifactKind, ...] = (RGBA, VALUE, OVERLAYS, SIDECAR)
DATA_ARTIFACTS = tuple(kind for kind in FRAME_ARTIFACTS if kind is not SIDECAR)


def frame_objects(frame: FrameKeys, var: VarSpec) -> list[str]:
    """The keys of every object of one frame, in placement order."""
    return [frame.key(name) for kind in FRAME_ARTIFACTS for name in kind.names(frame.fh, var).values()]
