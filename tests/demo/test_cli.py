"""`twf demo-data` writes a marked, bucket-layout mirror of synthetic runs, idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest

from twf.cli import main
from twf.demo.marker import is_demo_mirror, read_marker
from twf.hours import parse_hours
from twf.models import get_model
from twf.store import parse_run_id
from twf.synthetic.mirror import is_complete
from twf.synthetic.plan import file_requests

RUN = "20260129_12z"


@pytest.mark.parametrize(("text", "hours"), [
    ("0-12", list(range(13))),
    ("0-48:3", list(range(0, 49, 3))),
    ("0,3,6", [0, 3, 6]),
    ("0-6,12-24:6,6", [0, 1, 2, 3, 4, 5, 6, 12, 18, 24]),
])
def test_forecast_hour_ranges_are_parsed(text: str, hours: list[int]) -> None:
    assert parse_hours(text) == hours


def test_writes_a_marked_mirror_and_keeps_complete_files_on_rerun(tmp_path: Path, capsys) -> None:
    argv = ["demo-data", "--model", "gfs", "--run", RUN, "--fhs", "0-3:3", "--mirror", str(tmp_path)]
    assert main(argv) == 0
    model, ref = get_model("gfs"), parse_run_id(RUN)
    paths = [tmp_path / model.file_key(ref, fh) for fh in (0, 3)]
    assert all(is_complete(p, file_requests("gfs", fh)) for p, fh in zip(paths, (0, 3), strict=True))
    assert is_demo_mirror(tmp_path)
    assert read_marker(tmp_path)["runs"] == {"gfs": [RUN]}
    first = capsys.readouterr().out
    assert first.count("wrote") == 2

    mtimes = [p.stat().st_mtime_ns for p in paths]
    assert main(argv) == 0
    assert capsys.readouterr().out.count("kept") == 2
    assert [p.stat().st_mtime_ns for p in paths] == mtimes


@pytest.mark.parametrize(("args", "message"), [
    (["--model", "nope", "--run", RUN, "--fhs", "0"], "unknown model"),
    (["--model", "gfs", "--run", "2026-01-29", "--fhs", "0"], "run id"),
    (["--model", "gfs", "--run", RUN, "--fhs", "0-x"], "--fhs"),
    (["--model", "gfs", "--run", RUN, "--fhs", "12-0"], "--fhs"),
    (["--model", "gfs", "--run", RUN, "--fhs", "0,385"], "no forecast hour 385"),
    (["--model", "gfs", "--run", "20260129_17z", "--fhs", "0"], "no 17z cycle"),
])
def test_bad_input_is_a_one_line_error_and_writes_nothing(tmp_path: Path, capsys, args, message) -> None:
    mirror = tmp_path / "mirror"
    assert main(["demo-data", *args, "--mirror", str(mirror)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    assert not mirror.exists()


def test_a_mirror_path_that_is_a_file_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    argv = ["demo-data", "--model", "gfs", "--run", RUN, "--fhs", "0", "--mirror", str(not_a_folder)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "is not a folder" in err and "\n" not in err


def test_an_unwritable_mirror_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    mirror = tmp_path
    (mirror / "gfs.20260129").write_text("not a folder")  # a file where the run's folder must go
    assert main(["demo-data", "--model", "gfs", "--run", RUN, "--fhs", "0", "--mirror", str(mirror)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("twf demo-data: error: cannot write the mirror") and "\n" not in err
