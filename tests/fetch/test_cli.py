"""`twf fetch` and `twf latest-run` as a user runs them, on a mirror folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from twf.cli import main
from twf.models import get_model
from twf.store import parse_run_id

from .conftest import HRRR_RUN, hrrr_file

HRRR = get_model("hrrr")


@pytest.fixture
def mirror(tmp_path: Path, real_messages, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TWF_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "mirror"
    for fh in range(0, 19):
        data, idx = hrrr_file(fh, real_messages)
        key = HRRR.file_key(parse_run_id(HRRR_RUN), fh)
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_bytes(data)
        (root / (key + HRRR.idx_suffix)).write_text(idx)
    return root


def test_fetch_writes_the_subset_and_prints_where(mirror, tmp_path, capsys, real_messages):
    out = tmp_path / "out"
    code = main(["fetch", "--model", "hrrr", "--run", HRRR_RUN, "--fh", "1", "--var", "tmp2m,refc",
                 "--out", str(out), "--source", f"mirror:{mirror}"])
    printed = capsys.readouterr().out.split("\t")
    assert code == 0
    assert Path(printed[0]) == out / "hrrr.t17z.wrfsfcf01.refc-tmp2m.grib2"
    assert Path(printed[0]).read_bytes() == real_messages["refc_f01"] + real_messages["tmp2m_f01"]
    assert list((tmp_path / "cache").glob("??/*.bin"))


def test_latest_run_prints_the_run_id(mirror, capsys):
    assert main(["latest-run", "--model", "hrrr", "--source", f"mirror:{mirror}"]) == 0
    assert capsys.readouterr().out.strip() == HRRR_RUN


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["fetch", "--model", "hrrr", "--run", HRRR_RUN, "--fh", "1", "--var", "tmp2m", "--out", "x",
          "--source", "s3"], 2, "unknown source 's3'"),
        (["fetch", "--model", "hrrr", "--run", HRRR_RUN, "--fh", "1", "--var", "gust", "--out", "x",
          "--source", "aws"], 2, "no variable 'gust'"),
        (["fetch", "--model", "hrrr", "--run", HRRR_RUN, "--fh", "30", "--var", "tmp2m", "--out", "x",
          "--source", "aws"], 2, "no forecast hour 30"),
        (["latest-run", "--model", "hrrr", "--hours", "a-b", "--source", "aws"], 2, "--hours 'a-b'"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(argv, code, message, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_a_missing_frame_names_the_file(mirror, tmp_path, capsys):
    code = main(["fetch", "--model", "hrrr", "--run", "20260129_16z", "--fh", "1", "--var", "tmp2m",
                 "--out", str(tmp_path / "out"), "--source", f"mirror:{mirror}"])
    err = capsys.readouterr().err
    assert code == 8
    assert "hrrr.t16z.wrfsfcf01.grib2.idx" in err and "no such file" in err
