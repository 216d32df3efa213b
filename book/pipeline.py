"""build(): the whole pipeline, top to bottom, one typed object per step."""

from __future__ import annotations

import contextlib
from pathlib import Path

from book.editions import current_edition
from book.lock import project_lock
from book.progress import stage
from book.project import Project, load, source_cache
from book.render.model import Book


def build(project_dir: Path, formats=("pdf", "epub", "html"), handouts=False, keep_html=False, strict=False,
          cache: bool = True, teacher: bool = False, large_print: bool = False) -> list[Path]:
    """load → organise → annotate → render; returns the files written into dist/.

    `teacher` makes the teacher's edition (notes for the teacher printed); `large_print` sets the
    PDF (and handouts) in large print.

    With `cache`, what did not change since the last build (parsed files, passage scores,
    glossary links, the HTML of article groups, the PDF's laid-out parts) is read from dist/.cache/ instead of
    being worked out again.
    """
    from book.render import write_outputs

    project_dir = Path(project_dir)
    with project_lock(project_dir):
        project, book = prepare(project_dir, strict=strict, cache=cache, teacher=teacher)
        with rendering(project_dir, cache):
            return write_outputs(book, project, formats=formats, handouts=handouts, keep_html=keep_html,
                                 large_print=large_print, cache=cache)


def rendering(project_dir: Path, cache: bool = True):
    """The block in which the outputs are rendered: with `cache`, compiled templates and article groups' HTML are kept in dist/.cache/."""
    from book.render import kept

    return kept.rendering(project_dir) if cache else contextlib.nullcontext()


def prepare(project_dir: Path, strict: bool = False, cache: bool = True, teacher: bool = False) -> tuple[Project, Book]:
    """The stages before rendering: load → organise → annotate (link and cite)."""
    from book import review
    from book.annotate import annotate
    from book.linkcache import CachedLinker, link_cache
    from book.organise import organise, passage_scores, score_cache

    with stage("load"):
        sources = source_cache(project_dir) if cache else None
        project = load(project_dir, cache=sources)
        if strict:
            review.refuse_warnings(project)  # the same warnings as `book check --strict`
    with stage("organise", total=len(project.articles), unit="articles"):
        scores_cache = score_cache(project_dir) if cache else None
        plan = organise(project, passage_scores(project, scores_cache))
    with stage("link", total=len(plan.decisions), unit="passages"):
        links = link_cache(project_dir) if cache else None
        linker = CachedLinker(project.glossary, links) if cache else None
        book = annotate(project, plan, current_edition(project), linker, teacher=teacher)
    for kept in (sources, scores_cache, links):
        if kept is not None:
            kept.save()
    return project, book
