"""The artifact set of a frame, described once: names in placement order (sidecar last), and a sidecar model
that records exactly those names and refuses a malformed sidecar with a named error."""

from __future__ import annotations

import pytest

from twf.artifacts import FRAME_ARTIFACTS, OVERLAYS, RGBA, SIDECAR, frame_objects
from twf.errors import InvalidFrame
from twf.models import get_model, get_variable
from twf.sidecar import Sidecar
from twf.store import published_frame

HRRR = get_model("hrrr")
FRAME = published_frame("hrrr", "20260129_17z", "tmp2m", 1)


def test_a_frame_with_an_overlay_has_five_objects_data_first_and_the_sidecar_last() -> None:
    assert frame_objects(FRAME, get_variable(HRRR, "tmp2m")) == [
        f"published/hrrr/20260129_17z/tmp2m/fh001.{suffix}"
        for suffix in ("rgba.cog.tif", "val.cog.tif", "overlay.iso2f.geojson", "json")]
    assert frame_objects(FRAME, get_variable(HRRR, "refc"))[-1].endswith("fh001.json")
    assert FRAME_ARTIFACTS[-1] is SIDECAR


def test_keys_of_single_and_keyed_kinds() -> None:
    assert RGBA.key(FRAME) == "published/hrrr/20260129_17z/tmp2m/fh001.rgba.cog.tif"
    assert OVERLAYS.key(FRAME, "iso2f") == "published/hrrr/20260129_17z/tmp2m/fh001.overlay.iso2f.geojson"


def _sidecar() -> Sidecar:
    var = get_variable(HRRR, "tmp2m")
    return Sidecar(model="hrrr", run="20260129_17z", var="tmp2m", fh=1, valid_time="2026-01-29T18:00:00Z",
                   units="°F", kind="continuous", grid=HRRR.grid.as_json(),
                   value_grid=HRRR.value_grid.as_json(),
                   value_range={"min": 1.0, "max": 2.0},
                   files={"rgba": RGBA.names(1, var)[""], "value": "fh001.val.cog.tif"},
                   keyed={"overlays": OVERLAYS.names(1, var)})


def test_sidecar_round_trips_and_names_its_objects_by_kind() -> None:
    sidecar = _sidecar()
    again = Sidecar.loads(sidecar.dumps())
    assert again == sidecar
    assert again.names_of(OVERLAYS) == {"iso2f": "fh001.overlay.iso2f.geojson"}
    assert again.names_of(RGBA) == {"": "fh001.rgba.cog.tif"}
    assert list(again.to_dict()) == ["contract_version", "model", "run", "var", "fh", "ref_time",
                                     "valid_time", "units", "kind", "resampling", "palette", "grid",
                                     "value_grid", "value_range", "files", "overlays", "source", "built_at"]


@pytest.mark.parametrize(("change", "message"), [
    ({"fh": "1"}, "schema"), ({"files": ["fh001.rgba.cog.tif"]}, "schema"), ({"files": None}, "schema")])
def test_a_malformed_sidecar_is_an_invalid_frame(change: dict, message: str) -> None:
    with pytest.raises(InvalidFrame, match=message):
        Sidecar.from_dict(_sidecar().to_dict() | change)


def test_a_sidecar_missing_a_field_names_it() -> None:
    data = _sidecar().to_dict()
    del data["value_grid"]
    with pytest.raises(InvalidFrame, match="missing value_grid"):
        Sidecar.from_dict(data)
