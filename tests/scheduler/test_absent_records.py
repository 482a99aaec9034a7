"""Records a mirror does not hold: the frames that need them are given up at once (a local mirror's inventory
is complete and stable: waiting cannot make them appear), the run still becomes LATEST at the end of the
`--once` pass, and its manifest and the API say which variable is unavailable and why."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from tests.api.conftest import start_server

from twf import store
from twf.manifest import read_latest, read_manifest
from twf.storage import LocalStore
from twf.store import parse_run_id
from twf.synthetic.forecast import forecast_messages
from twf.synthetic.grib import write_grib2, write_idx
from twf.synthetic.mirror import forecast_file_path

from .conftest import Scheduler
from .mirror import HRRR, REAL_RUN


def write_partial_mirror(root: Path, hours: tuple[int, ...], without: set[str]) -> None:
    """HRRR 17z files of `hours` whose inventories list every record except those of `without`."""
    ref = parse_run_id(REAL_RUN)
    for fh in hours:
        path = forecast_file_path(root, HRRR, ref, fh)
        write_grib2(path, HRRR, [m for m in forecast_messages(HRRR, ref, fh) if m.element not in without])
        write_idx(path)


def test_once_on_a_mirror_missing_records_gives_them_up_and_serves_the_run_as_latest(
    tmp_path: Path, data_root: Path, scheduler: Scheduler
) -> None:
    mirror = tmp_path / "mirror"
    write_partial_mirror(mirror, (0, 1, 6), without={"REFC"})
    started = time.monotonic()
    # production's retry policy: a record that a stable inventory lacks must not wait for any of it
    done = scheduler(mirror, "--vars", "tmp2m,refc", "--retry-seconds", "30", "--max-attempts", "4")
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert seconds < 90, f"the pass took {seconds:.0f} s"
    for fh in (0, 1, 6):
        assert f"hrrr {REAL_RUN} tmp2m fh{fh:03d} published" in done.stderr
        assert f"hrrr {REAL_RUN} refc fh{fh:03d} failed (attempt 1, given up: it will not appear upstream)" \
            in done.stderr
    assert "retry in" not in done.stderr

    storage = LocalStore(data_root)
    assert read_latest(storage, "hrrr").run == REAL_RUN
    manifest = read_manifest(storage, "hrrr", REAL_RUN)
    assert set(manifest.frames()) == {("tmp2m", 0), ("tmp2m", 1), ("tmp2m", 6)}
    reason = manifest.variables["refc"].unavailable
    assert reason is not None and "REFC 0-EATM" in reason and "wrfsfcf" in reason
    assert manifest.variables["tmp2m"].unavailable is None
    committed = json.loads(storage.get(store.manifest("hrrr", REAL_RUN)))
    assert committed["variables"]["refc"]["unavailable"] == reason
    assert "unavailable" not in committed["variables"]["tmp2m"]

    serving = start_server(data_root, tmp_path / "serve.log", TWF_WEB_DIST=str(tmp_path / "no-viewer"))
    url = next(serving).url
    try:
        frames = httpx.get(f"{url}/api/v3/hrrr/latest/tmp2m/frames", timeout=30)
        assert frames.status_code == 200
        assert [f["fh"] for f in frames.json()["frames"]] == [0, 1, 6]
        answer = httpx.get(f"{url}/api/v3/hrrr/latest/vars", timeout=30)
        listed = {v["id"]: v for v in answer.json()["variables"]}
        assert listed["refc"]["available_frames"] == 0 and listed["refc"]["unavailable"] == reason
        assert listed["tmp2m"]["unavailable"] is None
    finally:
        serving.close()
