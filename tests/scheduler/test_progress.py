"""The progress bar is drawn only on a terminal; logs elsewhere stay one line per frame."""

from __future__ import annotations

import io

from twf.models import get_model
from twf.publish import RunPlan
from twf.scheduling.runner import Progress
from twf.scheduling.state import RetryPolicy, RunState


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def state_with_one_frame_done() -> RunState:
    state = RunState(RunPlan.for_run(get_model("hrrr"), "20260129_17z", ["tmp2m"]), RetryPolicy())
    state.succeeded(("tmp2m", 0))
    return state


def test_progress_bar_is_drawn_on_a_terminal() -> None:
    stream = Terminal()
    Progress(stream).show("20260129_17z", state_with_one_frame_done())
    bar = "[#" + "." * 29 + "]"
    assert stream.getvalue().startswith(f"\r20260129_17z {bar} 1/19 frames (0 failed)")


def test_no_progress_bar_when_output_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = Progress(stream)
    progress.show("20260129_17z", state_with_one_frame_done())
    progress.clear()
    assert stream.getvalue() == ""
