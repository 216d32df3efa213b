"""`book new`: a small sample project (book/sample/) written into a new folder, never over a file."""

from __future__ import annotations

import errno
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from book import lock
from book.errors import BookError

SAMPLE = Path(__file__).resolve().parent / "sample"


class NewProjectError(BookError):
    """A project could not be started in the folder given."""

    category = "cannot start"


@dataclass(frozen=True)
class NewProject:
    """What `book new` did: the files it wrote and those it found already there (and left alone)."""

    root: Path
    written: tuple[Path, ...]
    kept: tuple[Path, ...]


def sample_files(title: str, identifier: str) -> dict[str, str]:
    """The sample project, relative path → text; book.yaml gets the title and a fresh identifier."""
    texts = {}
    for path in sorted(SAMPLE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            texts[path.relative_to(SAMPLE).as_posix()] = path.read_text(encoding="utf-8")
    # A JSON string is a valid YAML double-quoted scalar: any title, colons and quotes included.
    texts["book.yaml"] = (texts["book.yaml"].replace("{title}", json.dumps(title, ensure_ascii=False))
                          .replace("{identifier}", identifier))
    return texts


def new_project(folder: Path, title: str | None = None, force: bool = False) -> NewProject:
    """The sample project written into `folder` (made if missing); refused if it holds anything, unless `force`.

    Even with `force` no file is overwritten: one already there is kept as it is.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NewProjectError(f"{folder}: not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise NewProjectError(f"{folder}: not empty; choose a new folder, or add --force to add the sample "
                              "files that are missing (no file is overwritten)")
    title = (title or folder.absolute().name.replace("-", " ").replace("_", " ").strip() or "My briefing book").strip()
    if not title:
        raise NewProjectError("--title: must not be empty")
    folder.mkdir(parents=True, exist_ok=True)
    written, kept = [], []
    for relative, text in sample_files(title, f"urn:uuid:{uuid.uuid4()}").items():
        parent = lock.project_folder(folder, *Path(relative).parent.parts)  # no writes through a link out of the folder
        path = parent / Path(relative).name
        if _write_new(path, text):
            written.append(folder / relative)
        else:
            kept.append(folder / relative)
    return NewProject(folder, tuple(written), tuple(kept))


def _write_new(path: Path, text: str) -> bool:
    """`text` into a new file at `path`; False (nothing written) if anything, even a dangling link, is there."""
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        if error.errno == errno.EEXIST:
            return False
        raise
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    return True
