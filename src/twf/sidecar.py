"""The frame sidecar `fhXXX.json` as a typed model (docs/ARTIFACT_CONTRACT.md "Sidecar"), like `Manifest`.

Written last by the builder so its presence means the frame is complete; read by the publisher, `validate`
and `twf check`. The object names it records come from the artifact set (`twf.artifacts`): single objects in
`files` under their kind's name, keyed ones (overlays) in a field named after the kind.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from twf import CONTRACT_VERSION
from twf.artifacts import FRAME_ARTIFACTS, ArtifactKind
from twf.errors import InvalidFrame

KEYED_KINDS = tuple(kind.name for kind in FRAME_ARTIFACTS if kind.keyed)
REQUIRED = ("contract_version", "model", "run", "var", "fh", "valid_time", "units", "kind", "grid",
            "value_grid", "value_range", "files", "source")


@dataclass(frozen=True)
class Sidecar:
    model: str
    run: str
    var: str
    fh: int
    valid_time: str
    units: str
    kind: str
    grid: Mapping[str, Any]
    value_grid: Mapping[str, Any]
    value_range: Mapping[str, Any]
    files: Mapping[str, str]  # single-object kinds: kind name → object name
    keyed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # keyed kinds: kind → key → name
    source: tuple[Mapping[str, Any], ...] = ()
    ref_time: str = ""
    resampling: str = ""
    palette: str = ""
    built_at: str = ""
    contract_version: str = CONTRACT_VERSION

    def names_of(self, kind: ArtifactKind) -> dict[str, str]:
        """The object names this sidecar records for `kind`, as `ArtifactKind.names` gives them."""
        if kind.keyed:
            return dict(self.keyed.get(kind.name, {}))
        return {"": self.files[kind.name]} if kind.name in self.files else {}

    def to_dict(self) -> dict[str, Any]:
        return {
            "contract_version": self.contract_version, "model": self.model, "run": self.run, "var": self.var,
            "fh": self.fh, "ref_time": self.ref_time, "valid_time": self.valid_time, "units": self.units,
            "kind": self.kind, "resampling": self.resampling, "palette": self.palette,
            "grid": dict(self.grid), "value_grid": dict(self.value_grid),
            "value_range": dict(self.value_range), "files": dict(self.files),
            **{name: dict(self.keyed.get(name, {})) for name in KEYED_KINDS},
            "source": [dict(s) for s in self.source], "built_at": self.built_at,
        }

    def dumps(self) -> bytes:
        return (json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n").encode()

    @classmethod
    def from_dict(cls, data: Any, source: str = "sidecar") -> Sidecar:
        """Raises InvalidFrame naming what is missing or of the wrong type."""
        if not isinstance(data, dict):
            raise InvalidFrame(f"{source}: not a JSON object")
        missing = [k for k in REQUIRED if k not in data]
        if missing:
            raise InvalidFrame(f"{source}: missing {', '.join(missing)}")
        try:
            keyed = {name: _names(data.get(name, {})) for name in KEYED_KINDS}
            optional = {k: str(data.get(k, "")) for k in ("ref_time", "resampling", "palette", "built_at")}
            return cls(
                model=str(data["model"]), run=str(data["run"]), var=str(data["var"]), fh=_int(data["fh"]),
                valid_time=str(data["valid_time"]), units=str(data["units"]), kind=str(data["kind"]),
                grid=dict(data["grid"]), value_grid=dict(data["value_grid"]),
                value_range=dict(data["value_range"]), files=_names(data["files"]), keyed=keyed,
                source=tuple(dict(s) for s in data["source"]), contract_version=str(data["contract_version"]),
                **optional,
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise InvalidFrame(f"{source}: does not follow the sidecar schema ({exc})") from None

    @classmethod
    def loads(cls, data: bytes, source: str = "sidecar") -> Sidecar:
        try:
            parsed = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidFrame(f"{source}: not readable JSON ({exc})") from None
        return cls.from_dict(parsed, source)


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"fh {value!r} is not an integer")
    return value


def _names(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise TypeError(f"{value!r} is not a mapping of object names")
    return {str(k): v for k, v in value.items()}

