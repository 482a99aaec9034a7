"""A private scratch folder for one attempt at a job (a fetch, a build), and the sweep of those a dead process
left behind.

A job can run twice at once, or again after its process was killed: Dask reschedules the tasks of a worker it
lost, including one it merely presumed dead while it was still running. Two attempts therefore never share a
folder: each gets its own, named for its host and process id (`.fh001.tmp-HOST-PID-XXXX`, hidden from store
listings like every temp name), and an attempt removes the folders its label's dead attempts on this host
left (a process id that is gone), so a killed worker's files do not pile up wherever scratch lives.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

from twf.atomic import TEMP_MARK

PARENT_RACES = 5  # times a folder is made again after a finishing attempt removed it (`release_scratch`)


def attempt_dir(parent: Path, label: str) -> Path:
    """A new folder of this attempt alone under `parent` (created), after sweeping dead attempts' folders."""
    mark = f".{label}{TEMP_MARK}{_host()}-"
    for leftover in parent.glob(f"{mark}*"):
        pid = leftover.name[len(mark):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)
    for _ in range(PARENT_RACES):
        parent.mkdir(parents=True, exist_ok=True)
        try:
            return Path(tempfile.mkdtemp(prefix=f"{mark}{os.getpid()}-", dir=parent))
        except FileNotFoundError:  # another attempt, done, removed the emptied parent meanwhile
            continue
    raise FileNotFoundError(f"{parent} keeps disappearing")


def _host() -> str:
    """This host's name without dashes, so the process id after it can be read back."""
    return socket.gethostname().replace("-", "_") or "host"


def _alive(pid: int) -> bool:
    """A killed worker stays a zombie until its parent (a Dask nanny) reaps it: that is dead too."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        stat = ""
    if stat.rpartition(")")[2].split()[:1] == ["Z"]:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True
