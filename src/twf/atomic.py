"""Durable, all-or-nothing file operations: the primitives the publish transaction is made of.

A reader may look at a path at any instant and a process may die between any two system calls, so a path
under `published/` or `manifests/` only ever holds nothing or a complete file: contents go to a temporary
name in the same directory, are fsynced, and are renamed over the final name (`os.replace` is atomic on
one filesystem). The directory is fsynced after the rename so the new entry survives a power cut.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from pathlib import Path

TEMP_MARK = ".tmp-"


def temp_name(final: Path) -> Path:
    """A sibling of `final` that no reader looks up; the pid keeps two writers from sharing one."""
    return final.with_name(f".{final.name}{TEMP_MARK}{os.getpid()}")


def is_temp(path: Path) -> bool:
    return path.name.startswith(".") and TEMP_MARK in path.name


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes) -> None:
    """Write `data` to `path` (a temporary name) and fsync it before anyone can link or rename it."""
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def write_bytes_atomic(final: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Replace `final` with `data` in one step; on any failure (e.g. ENOSPC) `final` is left untouched.

    `exclusive`: only if `final` does not exist (FileExistsError otherwise): the complete temporary file is
    hard-linked to the final name, which the kernel refuses atomically when the name is taken.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(final)
    try:
        write_durably(tmp, data)
        if exclusive:
            os.link(tmp, final)
            tmp.unlink()
        else:
            os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(final.parent)


def place_file(source: Path, final: Path) -> None:
    """Make `final` a complete copy of `source`, leaving `source` in place.

    On one filesystem this is a hard link (no bytes copied, no space needed) under a temporary name renamed
    over `final`; across filesystems the bytes are copied and fsynced first. The caller fsyncs `final`'s
    directory once for a batch of files.
    """
    if final.exists() and os.path.samefile(source, final):
        return  # placed by an earlier, interrupted attempt (and rename() of two links to one file is a no-op)
    tmp = temp_name(final)
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        os.link(source, tmp)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        _copy_durably(source, tmp)
    try:
        os.replace(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _copy_durably(source: Path, tmp: Path) -> None:
    try:
        with open(source, "rb") as src, open(tmp, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
