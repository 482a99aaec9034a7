"""Frames each model asks for, from the model registry: per run (by kind of cycle), per day, and at the peak
of a synoptic hour, when every model's run of that hour arrives (docs/SCALING.md sizes the build tier by it).

    .venv/bin/python -m bench scaling
"""

from __future__ import annotations

from collections import Counter

from twf.models import REGISTRY
from twf.models.requirements import planned_hours

SYNOPTIC_CYCLE = 18  # 00/06/12/18z: the hours every model runs at once (HRRR's long run among them)


def frames_per_run(model_name: str, cycle: int) -> int:
    model = REGISTRY[model_name]
    return sum(len(planned_hours(model_name, var, cycle)) for var in model.variables)


def main() -> None:
    print(f"{'model':<6}{'cycles':>8}{'vars':>6}  {'frames per run (cycles)':<42}{'frames a day':>14}")
    total_day = peak = 0
    for name, model in REGISTRY.items():
        per_cycle = {cycle: frames_per_run(name, cycle) for cycle in model.cycles}
        kinds = Counter(per_cycle.values())
        runs = ", ".join(f"{frames} ({count})" for frames, count in sorted(kinds.items()))
        day = sum(per_cycle.values())
        total_day += day
        peak += per_cycle.get(SYNOPTIC_CYCLE, 0)
        print(f"{name:<6}{len(model.cycles):>8}{len(model.variables):>6}  {runs:<42}{day:>14,}")
    print(f"all models: {total_day:,} frames a day ({total_day / 24:,.0f} an hour on average); "
          f"the {SYNOPTIC_CYCLE}z runs of every model together: {peak:,} frames")
