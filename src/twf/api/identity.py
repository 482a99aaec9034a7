"""A file's identity from one `stat`: what the caches key on instead of re-reading or scanning."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class FileIdentity(NamedTuple):
    """Changes whenever the file is replaced (new inode on rename) or rewritten (mtime, size)."""

    inode: int
    mtime_ns: int
    size: int


def file_identity(path: Path) -> FileIdentity | None:
    """The identity of `path`, or None when it does not exist (or is not reachable)."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return FileIdentity(st.st_ino, st.st_mtime_ns, st.st_size)
