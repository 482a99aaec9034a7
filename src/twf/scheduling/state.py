"""What one run still needs: planned frames not yet committed, frames in flight, retries with backoff, and
which variables it cannot show (every frame tried given up) and why."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from twf.publish import Frame, RunPlan

# Why a variable has nothing when the scheduler is done with a run and none of its frames was even tried.
NOTHING_UPSTREAM = "no upstream file of its forecast hours was available"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: a failed frame waits base, 2·base, 4·base … (capped) and is given up after
    `max_attempts`; upstream files that are late or briefly broken usually heal within a few minutes."""

    max_attempts: int = 4
    base_seconds: float = 30.0
    cap_seconds: float = 600.0

    def delay(self, attempts: int) -> float:
        return min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))


@dataclass
class RunState:
    plan: RunPlan
    policy: RetryPolicy
    committed: set[Frame] = field(default_factory=set)
    given_up: dict[Frame, str] = field(default_factory=dict)
    in_flight: set[Frame] = field(default_factory=set)
    attempts: dict[Frame, int] = field(default_factory=dict)
    retry_at: dict[Frame, float] = field(default_factory=dict)
    last_error: dict[Frame, str] = field(default_factory=dict)
    permanent: set[Frame] = field(default_factory=set)  # given up at once: waiting would not have helped
    reported_unavailable: dict[str, str] = field(default_factory=dict)  # what the manifest says so far

    @property
    def total(self) -> int:
        return len(self.plan.frames())

    @property
    def done(self) -> bool:
        """Nothing left to try: every planned frame is committed or given up."""
        return len(self.committed) + len(self.given_up) >= self.total

    def due(self, now: float, available: set[int]) -> dict[int, tuple[str, ...]]:
        """Frames to build now, grouped by forecast hour (one fetch per hour), earliest hour first.

        A frame is due once every file it reads is available (a 1 h window needs the hour before too). A
        running-total frame waits until the frame it continues is committed, and is given up with it. An
        hour with frames in flight gets no second task until they are back (both would use its fetch folder).
        """
        by_fh: dict[int, list[str]] = defaultdict(list)
        busy = {fh for _, fh in self.in_flight}
        for var, fh in self.plan.frames():
            frame = (var, fh)
            settled = frame in self.committed or frame in self.given_up or frame in self.in_flight
            if settled or fh in busy or not self.plan.files.get(frame, {fh}) <= available:
                continue
            before = self.plan.after.get(frame)
            if before is not None and before in self.given_up:
                self.given_up[frame] = f"continues {before[0]} f{before[1]:03d}, which failed"
                continue
            if before is not None and before not in self.committed:
                continue
            if self.retry_at.get(frame, 0.0) <= now:
                by_fh[fh].append(var)
        return {fh: tuple(sorted(vs)) for fh, vs in sorted(by_fh.items())}

    def next_retry(self, available: set[int]) -> float | None:
        """When the earliest waiting retry becomes due (None when none waits)."""
        waiting = [t for f, t in self.retry_at.items()
                   if f[1] in available and f not in self.committed and f not in self.given_up]
        return min(waiting) if waiting else None

    def start(self, fh: int, variables: tuple[str, ...]) -> None:
        self.in_flight.update((v, fh) for v in variables)

    def released(self, fh: int, variables: tuple[str, ...]) -> None:
        """Builds lost with their executor, not failed: the frames are due again, no attempt counted."""
        self.in_flight.difference_update((v, fh) for v in variables)

    def succeeded(self, frame: Frame) -> None:
        self.in_flight.discard(frame)
        self.committed.add(frame)
        self.retry_at.pop(frame, None)

    def failed(self, frame: Frame, detail: str, now: float, permanent: bool = False) -> float | None:
        """Record a failure; returns the retry delay, or None when the frame is given up: after its last
        attempt, or at once when the failure is `permanent` (a record a stable inventory lacks)."""
        self.in_flight.discard(frame)
        attempts = self.attempts.get(frame, 0) + 1
        self.attempts[frame] = attempts
        self.last_error[frame] = detail
        if permanent:
            self.permanent.add(frame)
        if permanent or attempts >= self.policy.max_attempts:
            self.given_up[frame] = detail
            self.retry_at.pop(frame, None)
            return None
        delay = self.policy.delay(attempts)
        self.retry_at[frame] = now + delay
        return delay

    def unavailable(self, final: bool = False) -> dict[str, str]:
        """Variables the run cannot show so far, with why: no committed frame, and every frame tried was given
        up (none in flight or waiting for a retry); the reason of a permanent failure is preferred. With
        `final` (the scheduler is done with the run) every variable without a committed frame is listed,
        with its last error, or why none of its frames was tried."""
        unavailable: dict[str, str] = {}
        for var, hours in self.plan.hours.items():
            frames = [(var, fh) for fh in hours]
            if any(f in self.committed for f in frames):
                continue
            given_up = [f for f in frames if f in self.given_up]
            pending = any(f in self.in_flight or f in self.retry_at for f in frames)
            if given_up and not pending:
                permanent = [f for f in given_up if f in self.permanent]
                unavailable[var] = self.given_up[(permanent or given_up)[-1]]
            elif final:
                tried = [f for f in frames if f in self.last_error]
                unavailable[var] = self.last_error[tried[-1]] if tried else NOTHING_UPSTREAM
        return unavailable
