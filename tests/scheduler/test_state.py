"""A run's bookkeeping: which frames are due, retries with exponential backoff, giving up, being done."""

from __future__ import annotations

from twf.models import get_model
from twf.publish import RunPlan
from twf.scheduling.state import NOTHING_UPSTREAM, RetryPolicy, RunState

PLAN = RunPlan.for_run(get_model("hrrr"), "20260129_17z", ["refc", "tmp2m"])


def test_due_frames_are_grouped_by_available_hour_earliest_first() -> None:
    state = RunState(PLAN, RetryPolicy())
    assert state.due(0.0, {2, 0}) == {0: ("refc", "tmp2m"), 2: ("refc", "tmp2m")}
    state.start(0, ("refc", "tmp2m"))
    state.succeeded(("refc", 0))
    assert state.due(0.0, {0, 2}) == {2: ("refc", "tmp2m")}  # in flight and committed frames are not due


def test_builds_lost_with_their_executor_are_due_again_at_once_with_no_attempt_counted() -> None:
    state = RunState(PLAN, RetryPolicy())
    state.start(1, ("refc", "tmp2m"))
    assert state.due(0.0, {1}) == {}
    state.released(1, ("refc", "tmp2m"))
    assert state.due(0.0, {1}) == {1: ("refc", "tmp2m")} and state.attempts == {}


def test_failed_frame_waits_base_then_double_and_is_given_up_after_max_attempts() -> None:
    state = RunState(PLAN, RetryPolicy(max_attempts=3, base_seconds=10, cap_seconds=15))
    frame = ("tmp2m", 0)
    state.start(0, ("tmp2m",))
    assert state.failed(frame, "corrupt", now=100.0) == 10
    assert state.due(105.0, {0}) == {0: ("refc",)} and state.next_retry({0}) == 110.0
    assert state.due(110.0, {0}) == {0: ("refc", "tmp2m")}
    assert state.failed(frame, "corrupt", now=110.0) == 15  # 20 s capped
    assert state.failed(frame, "corrupt", now=125.0) is None
    assert state.given_up == {frame: "corrupt"} and state.due(1e9, {0}) == {0: ("refc",)}


def test_run_is_done_when_every_frame_is_committed_or_given_up() -> None:
    state = RunState(PLAN, RetryPolicy(max_attempts=1))
    frames = PLAN.frames()
    assert state.total == 38 and not state.done
    for frame in frames[:-1]:
        state.succeeded(frame)
    assert not state.done
    state.failed(frames[-1], "missing", now=0.0)
    assert state.done


def test_a_permanent_failure_is_given_up_at_once() -> None:
    state = RunState(PLAN, RetryPolicy(max_attempts=4, base_seconds=30))
    assert state.failed(("refc", 0), "RecordAbsent: ...", now=0.0, permanent=True) is None
    assert ("refc", 0) in state.given_up and state.attempts[("refc", 0)] == 1


def test_a_variable_is_unavailable_once_every_frame_tried_is_given_up() -> None:
    state = RunState(PLAN, RetryPolicy(max_attempts=2, base_seconds=30))
    state.start(0, ("refc", "tmp2m"))
    state.succeeded(("tmp2m", 0))
    state.failed(("refc", 0), "absent at f000", now=0.0, permanent=True)
    assert state.unavailable() == {"refc": "absent at f000"}
    state.start(1, ("refc",))
    assert state.unavailable() == {}  # a frame of it is being built: it may still come
    state.failed(("refc", 1), "corrupt at f001", now=0.0)
    assert state.unavailable() == {}  # waiting for a retry
    state.failed(("refc", 1), "corrupt at f001", now=0.0)
    assert state.unavailable() == {"refc": "absent at f000"}  # the permanent reason comes first
    state.start(2, ("refc",))
    state.succeeded(("refc", 2))
    assert state.unavailable() == {}


def test_when_done_every_variable_without_frames_says_why() -> None:
    state = RunState(PLAN, RetryPolicy(max_attempts=4, base_seconds=30))
    state.start(0, ("tmp2m",))
    state.failed(("tmp2m", 0), "fetch failed", now=0.0)
    assert state.unavailable() == {}
    assert state.unavailable(final=True) == {"tmp2m": "fetch failed", "refc": NOTHING_UPSTREAM}


KUCHERA = RunPlan.for_run(get_model("hrrr"), "20260129_17z", ["snowfall_kuchera", "tmp2m"])


def test_a_running_total_frame_waits_for_the_frame_it_continues() -> None:
    state = RunState(KUCHERA, RetryPolicy())
    assert state.due(0.0, {0, 1, 2}) == {0: ("tmp2m",), 1: ("snowfall_kuchera", "tmp2m"), 2: ("tmp2m",)}
    state.start(1, ("snowfall_kuchera", "tmp2m"))
    state.succeeded(("snowfall_kuchera", 1))
    state.succeeded(("tmp2m", 1))
    assert state.due(0.0, {0, 1, 2}) == {0: ("tmp2m",), 2: ("snowfall_kuchera", "tmp2m")}


def test_a_running_total_is_given_up_with_the_frame_it_continues() -> None:
    state = RunState(KUCHERA, RetryPolicy(max_attempts=1))
    state.start(1, ("snowfall_kuchera",))
    state.failed(("snowfall_kuchera", 1), "MessageNotFound: WEASD", now=0.0)
    state.due(0.0, {1, 2, 3})
    assert state.given_up[("snowfall_kuchera", 2)] == "continues snowfall_kuchera f001, which failed"
    state.due(0.0, {1, 2, 3})
    assert state.given_up[("snowfall_kuchera", 3)] == "continues snowfall_kuchera f002, which failed"


def test_an_hour_with_frames_in_flight_gets_no_second_task() -> None:
    state = RunState(PLAN, RetryPolicy())
    state.start(1, ("tmp2m",))
    assert state.due(0.0, {1, 2}) == {2: ("refc", "tmp2m")}


def test_a_variable_the_cycle_cannot_make_is_not_planned() -> None:
    short = RunPlan.for_run(get_model("hrrr"), "20260129_17z", ["precip_24h", "tmp2m"])  # f00-f18
    long = RunPlan.for_run(get_model("hrrr"), "20260129_18z", ["precip_24h", "tmp2m"])  # f00-f48
    assert list(short.hours) == ["tmp2m"]
    assert long.hours["precip_24h"] == tuple(range(24, 49))


def test_a_frame_is_due_only_once_every_file_it_reads_is_there() -> None:
    # GFS's 1 h precipitation at f003 reads the f002 run total: a mirror of every third hour cannot make it
    plan = RunPlan.for_run(get_model("gfs"), "20260129_12z", ["precip_1h", "tmp2m"])
    state = RunState(plan, RetryPolicy())
    assert state.due(0.0, {0, 3}) == {0: ("tmp2m",), 3: ("tmp2m",)}
    assert state.due(0.0, {0, 2, 3}) == {0: ("tmp2m",), 2: ("tmp2m",), 3: ("precip_1h", "tmp2m")}
