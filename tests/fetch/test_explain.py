"""`twf fetch --explain`: per variable, the inventory lines and byte ranges a frame would read, read from the
inventories alone (the mirror here holds no GRIB2 at all)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.tiny_grib import write_tiny_file

from twf.cli import main
from twf.models import get_model
from twf.store import parse_run_id

NBM = get_model("nbm")
RUN = "20260805_12z"


def test_explain_shows_the_deterministic_nbm_records_and_their_ranges(inventories_dir: Path, tmp_path: Path,
                                                                      capsys) -> None:
    """The issue's case: NBM precip_total at f012 reads line 100 (not the probability on line 78) from the
    real f012 inventory, and the 0-6 h window from f006 (the synthetic writer's inventory)."""
    mirror = tmp_path / "mirror"
    f012 = mirror / NBM.file_key(parse_run_id(RUN), 12)
    f012.parent.mkdir(parents=True)
    shutil.copy(inventories_dir / "nbm" / RUN / f012.name.replace(".grib2", ".grib2.idx"), f"{f012}.idx")
    f006 = write_tiny_file(mirror / NBM.file_key(parse_run_id(RUN), 6), "nbm", parse_run_id(RUN), 6)
    f006.unlink()  # only the inventories are read
    code = main(["fetch", "--model", "nbm", "--run", RUN, "--fh", "12", "--var", "precip_total,tmp2m",
                 "--explain", "--source", f"mirror:{mirror}"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "   100  APCP:surface:6-12 hour acc fcst  bytes=102004095-103369644" in out
    assert "   192  TMP:2 m above ground:12 hour fcst  bytes=162104184-164226475" in out
    assert re.search(r"  f006 mirror:\S+: \S+blend\.t12z\.core\.f006\.co\.grib2 \(\d+ bytes\)\n"
                     r"\s+\d+  APCP:surface:0-6 hour acc fcst  bytes=\d+-\d+\n", out)
    assert "prob" not in out and "ens std dev" not in out
    assert not list(mirror.rglob("*.grib2"))


def test_fetch_without_out_or_explain_is_one_line_and_exit_2(capsys) -> None:
    code = main(["fetch", "--model", "nbm", "--run", RUN, "--fh", "12", "--var", "tmp2m", "--source", "aws"])
    assert code == 2
    assert capsys.readouterr().err.strip() == (
        "twf fetch: error: --out is required (or --explain to only show what would be read)")
