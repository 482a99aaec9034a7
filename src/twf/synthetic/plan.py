"""Which messages a synthetic forecast-hour file must hold: everything any frame of any variable of the model
reads from that file (`twf.models.requirements`), so a mirror of synthetic files builds every variable.
"""

from __future__ import annotations

from functools import cache

from twf.models import get_model
from twf.models.requirements import MessageRequest, messages_for


@cache
def _requests_by_file(model_name: str) -> dict[int, tuple[MessageRequest, ...]]:
    """Forecast hour of a file → the requests that read from it, over every variable and frame hour."""
    model = get_model(model_name)
    hours = sorted({h for cycle in model.cycles for h in model.forecast_hours(cycle)})
    by_file: dict[int, dict[MessageRequest, None]] = {h: {} for h in hours}
    for var in model.variables.values():
        for fh in hours:
            for request in messages_for(model, var, fh):
                by_file.setdefault(request.fh, {})[request] = None
    return {h: tuple(requests) for h, requests in by_file.items()}


def file_requests(model_name: str, fh: int) -> tuple[MessageRequest, ...]:
    """The messages the model's file at `fh` holds, in a stable order (empty for an hour it has no file)."""
    return _requests_by_file(model_name).get(fh, ())
