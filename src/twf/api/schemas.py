"""Response shapes of docs/API.md as pydantic models: they document the OpenAPI schema.

Routes build their JSON directly (memoised per committed manifest) and declare these as `response_model`
for the docs; nothing is validated on the hot path.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel


class ErrorOut(BaseModel):
    error: str
    detail: str


class HealthOut(BaseModel):
    status: str
    contract_version: str


class ModelOut(BaseModel):
    id: str
    label: str
    description: str
    latest_run: str | None


class ModelsOut(BaseModel):
    contract_version: str
    models: list[ModelOut]


class RunOut(BaseModel):
    run: str
    ref_time: str
    complete: bool
    last_updated: str


class RunsOut(BaseModel):
    model: str
    latest: str | None
    runs: list[RunOut]


class VariableOut(BaseModel):
    id: str
    label: str
    units: str
    kind: str
    group: str  # the picker's section: surface, precipitation, winter, upper_air or severe
    expected_frames: int
    available_frames: int
    unavailable: str | None = None  # why the run cannot show it (no frame, every frame tried given up)
    legend: dict[str, Any]


class VarsOut(BaseModel):
    model: str
    run: str
    variables: list[VariableOut]


class FrameOut(BaseModel):
    fh: int
    valid_time: str
    tile_url: str
    overlays: dict[str, str]  # overlay key → URL of this frame's GeoJSON


class OverlayOut(BaseModel):
    key: str
    kind: Literal["isolines", "centres", "barbs"]
    label: str
    shown: bool  # drawn until the user turns it off


class FramesOut(BaseModel):
    model: str
    run: str
    var: str
    units: str
    kind: str
    legend: dict[str, Any]
    overlays: list[OverlayOut]
    frames: list[FrameOut]


class RegionOut(BaseModel):
    id: str
    label: str
    bbox: tuple[float, float, float, float]
    defaultCenter: tuple[float, float]  # noqa: N815 (the wire name the viewer reads)
    defaultZoom: float  # noqa: N815
    minZoom: float  # noqa: N815
    maxZoom: float  # noqa: N815


class RegionsOut(BaseModel):
    default: str
    regions: list[RegionOut]


class BatchIn(BaseModel):
    """`POST /api/v3/sample/batch`: one frame, up to 500 `[lat, lon]` points."""

    model: str
    run: str
    var: str
    fh: int
    points: list[tuple[float, float]]


class BatchOut(BaseModel):
    model: str
    run: str
    var: str
    fh: int
    units: str
    valid_time: str
    values: list[float | None]  # in the order of the points; null outside the grid or on no-data
    ptypes: list[str | None] | None = None  # class-coded variables only: the precipitation type per point


class SeriesEntry(BaseModel):
    model: str
    run: str | None  # null: the model has no published run
    var: str
    units: str
    # [valid time, value] per planned forecast hour (value null until the frame is committed); class-coded
    # variables add the precipitation type: [valid time, dBZ, ptype]
    points: list[list[Any]]
    outside: bool | None = None  # true: the model has no data at this point (points is empty)


class SeriesOut(BaseModel):
    lat: float
    lon: float
    series: list[SeriesEntry]


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "malformed input"},
    404: {"model": ErrorOut, "description": "unknown or not published"},
}
