"""The model registry: the one list of models the system serves. See `base.py` for how to add one."""

from __future__ import annotations

from twf.errors import ForecastHourOutOfRange, InvalidRunId, UnknownModel, UnknownVariable
from twf.models import gfs, hrrr, nam, nbm
from twf.models.base import ModelSpec, VarSpec
from twf.store import parse_run_id

REGISTRY: dict[str, ModelSpec] = {m.SPEC.name: m.SPEC for m in (hrrr, nam, nbm, gfs)}


def get_model(name: str) -> ModelSpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownModel(f"unknown model {name!r} (known: {', '.join(REGISTRY)})") from None


def get_variable(model: ModelSpec, var: str) -> VarSpec:
    try:
        return model.variables[var]
    except KeyError:
        raise UnknownVariable(
            f"model {model.name!r} has no variable {var!r} (known: {', '.join(model.variables)})"
        ) from None


def check_frame(model: ModelSpec, run: str, fh: int) -> None:
    """Raise unless `run` is a cycle the model runs and `fh` an hour that cycle produces."""
    cycle = parse_run_id(run).hour
    if cycle not in model.cycles:
        raise InvalidRunId(f"{model.name} has no {cycle:02d}z cycle (run {run})")
    if fh not in model.forecast_hours(cycle):
        hours = model.forecast_hours(cycle)
        raise ForecastHourOutOfRange(
            f"{model.name} {cycle:02d}z runs have no forecast hour {fh} "
            f"(range f{hours[0]:03d}-f{hours[-1]:03d})"
        )
