"""build(): the whole pipeline, top to bottom, one typed object per step."""

from __future__ import annotations

from pathlib import Path

from book.editions import current_edition, project_lock
from book.project import load


def build(project_dir: Path, formats=("pdf", "epub", "html"), handouts=False, keep_html=False, strict=False) -> list[Path]:
    """load → organise → annotate → render; returns the files written into dist/."""
    from book.annotate import annotate
    from book.organise import organise
    from book.render import write_outputs

    with project_lock(Path(project_dir)):
        project = load(project_dir, strict=strict)
        plan = organise(project)
        book = annotate(project, plan, current_edition(project))
        return write_outputs(book, project, formats=formats, handouts=handouts, keep_html=keep_html)
