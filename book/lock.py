"""The project's dist/ folder: where builds write, only if it lies inside the project, and its lock."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from pathlib import Path

from book.errors import ProjectError, not_a_project


def dist_folder(project_dir: Path, *parts: str) -> Path:
    """`<project>/dist/<parts…>`, made if missing; ProjectError if it (or a folder on the way) leads out of the project."""
    return project_folder(project_dir, "dist", *parts)


def project_folder(project_dir: Path, *parts: str) -> Path:
    """`<project>/<parts…>`, made if missing; ProjectError if it (or a folder on the way) leads out of the project.

    A project folder may come from anyone: a `dist/` or `editions/` that is a link to
    elsewhere would let a command write over files outside the project.
    """
    root = Path(project_dir).resolve()
    folder = root.joinpath(*parts)
    inside = root
    for part in parts:
        inside = inside / part
        if inside.is_symlink() and not inside.resolve().is_relative_to(root):
            raise ProjectError(f"{inside.relative_to(root).as_posix()}: links to {inside.resolve()}, outside the project; "
                               "remove the link (a build writes only inside the project)")
        if inside.exists() and not inside.is_dir():
            raise ProjectError(f"{inside.relative_to(root).as_posix()}: not a folder; remove it so that a build can write there")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextlib.contextmanager
def project_lock(project_dir: Path):
    """Serialise commands that write editions/ or dist/ in one project (an advisory lock on dist/.lock).

    The lock file is opened without following a link and without truncating it: a `.lock`
    planted as a link to another file never touches that file.
    """
    if not Path(project_dir).is_dir():
        raise ProjectError(f"{Path(project_dir)}: no such folder")  # the words project.load uses
    if not (Path(project_dir) / "book.yaml").is_file():
        raise ProjectError(not_a_project(project_dir))
    path = dist_folder(project_dir) / ".lock"
    try:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ProjectError("dist/.lock: is a link; remove it (the lock is never followed out of the project)") from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise ProjectError("dist/.lock: not a regular file; remove it")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)
