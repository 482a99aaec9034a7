"""`make soak`, bounded: a crowd on a multi-worker server while the scheduler publishes a run whose hours
arrive over time. The same pass criteria as `make soak` (bench/soak.py), on a smaller run and crowd.
"""

from __future__ import annotations

from pathlib import Path

from bench.soak import SoakConfig, run_soak, summary
from tests.conftest import HRRR_RUN


def test_a_crowd_during_a_live_publish_sees_no_error_and_the_run_is_published_unchanged(
        tmp_path: Path, synthetic_mirror: Path, synthetic_mirror_runs: dict) -> None:
    _, hours = synthetic_mirror_runs["hrrr"]
    config = SoakConfig(work=tmp_path / "soak", source_mirror=synthetic_mirror, seconds=25.0, clients=8,
                        server_workers=2, build_workers=1, hours=hours[:2], hour_seconds=3.0,
                        variables=("tmp2m", "refc"), interval=5.0, run=HRRR_RUN)
    result = run_soak(config)
    print(summary(config, result))
    assert result.passed, result.failures
    assert result.tally.requests > 200
    assert result.published_frames == result.planned_frames == 4
    assert len(result.latencies) == 4
    assert {run for (model, run) in result.tally.runs_followed if model == "hrrr"} == {HRRR_RUN}
