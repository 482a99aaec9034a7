"""`twf build-frame`: success; every bad input is a one-line error, a non-zero exit, nothing in DIR."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twf.cli import main

RUN = "20260129_17z"
TMP2M_F01 = "hrrr.t17z.wrfsfcf01.tmp2m-prate.grib2"
REFC_F01 = "hrrr.t17z.wrfsfcf01.refc-prate.grib2"


def _args(out: Path, gribs: list[Path], model="hrrr", run=RUN, var="tmp2m", fh="1") -> list[str]:
    args = ["build-frame", "--model", model, "--run", run, "--var", var, "--fh", fh, "--out", str(out)]
    for grib in gribs:
        args += ["--grib", str(grib)]
    return args


@pytest.fixture
def corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.grib2"
    path.write_bytes(b"this is not a GRIB2 file at all" * 100)
    return path


@pytest.fixture
def truncated(tmp_path: Path, hrrr_grib_dir: Path) -> Path:
    data = (hrrr_grib_dir / TMP2M_F01).read_bytes()
    path = tmp_path / "truncated.grib2"
    path.write_bytes(data[: len(data) * 2 // 3])  # the first message whole, the second cut
    return path


def test_build_frame_writes_the_artifacts_and_exits_0(tmp_path, hrrr_grib_dir, capsys):
    out = tmp_path / "out"
    assert main(_args(out, [hrrr_grib_dir / REFC_F01], var="refc")) == 0
    assert sorted(p.name for p in out.iterdir()) == ["fh001.json", "fh001.rgba.cog.tif", "fh001.val.cog.tif"]
    assert "built hrrr 20260129_17z refc f001" in capsys.readouterr().out


ERROR_CASES = {
    # case: (argument overrides, which gribs, exit code, words the message must contain)
    "missing message": ({}, "refc", 3, ["TMP 2-HTGL", "not found"]),
    "corrupt file": ({}, "corrupt", 3, ["corrupt.grib2"]),
    "truncated file": ({}, "truncated", 3, ["truncated.grib2", "truncated"]),
    "missing file": ({}, "absent", 3, ["absent.grib2"]),
    "unknown model": ({"model": "ecmwf"}, "tmp2m", 2, ["unknown model 'ecmwf'"]),
    "unknown variable": ({"var": "cape"}, "tmp2m", 2, ["no variable 'cape'"]),
    "fh out of range": ({"fh": "19"}, "tmp2m", 2, ["no forecast hour 19"]),
    "negative fh": ({"fh": "-1"}, "tmp2m", 2, ["no forecast hour -1"]),
    "accumulation at f000": ({"var": "precip_total", "fh": "0"}, "tmp2m", 2, ["f000"]),
    "bad run id": ({"run": "2026-01-29"}, "tmp2m", 2, ["run id"]),
}


@pytest.mark.parametrize("case", ERROR_CASES)
@pytest.mark.parametrize("dir_exists", [True, False], ids=["existing-dir", "new-dir"])
def test_bad_input_is_a_one_line_error_with_nothing_left_in_dir(
    case, dir_exists, tmp_path, hrrr_grib_dir, corrupt, truncated, capsys,
):
    overrides, which, code, words = ERROR_CASES[case]
    gribs = {"refc": [hrrr_grib_dir / REFC_F01], "tmp2m": [hrrr_grib_dir / TMP2M_F01], "corrupt": [corrupt],
             "truncated": [truncated], "absent": [tmp_path / "absent.grib2"]}[which]
    out = tmp_path / "out"
    if dir_exists:
        out.mkdir()
    assert main(_args(out, gribs, **overrides)) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("twf build-frame: error: ")
    assert all(w in err for w in words), err
    assert (sorted(out.iterdir()) == []) if dir_exists else not out.exists()


def test_a_real_process_exits_non_zero_with_one_line_on_stderr(tmp_path, hrrr_grib_dir):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "twf", *_args(out, [hrrr_grib_dir / REFC_F01])],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3
    assert proc.stderr.count("\n") == 1 and "TMP 2-HTGL" in proc.stderr
    assert proc.stdout == "" and not out.exists()


def test_out_that_is_a_file_is_a_one_line_error(tmp_path, hrrr_grib_dir, capsys):
    out = tmp_path / "file"
    out.write_text("keep me")
    assert main(_args(out, [hrrr_grib_dir / TMP2M_F01])) == 1
    assert "is not a directory" in capsys.readouterr().err
    assert out.read_text() == "keep me"
