"""Renderers: one book model, many outputs (HTML, PDF, EPUB)."""

from __future__ import annotations

import logging
from pathlib import Path

from book import files, progress
from book.render import worker
from book.render.model import Book

LOGGER = logging.getLogger("book.render")


def write_outputs(book: Book, project, formats=("pdf", "epub", "html"), handouts: bool = False,
                  keep_html: bool = False, parallel: bool | None = None) -> list[Path]:
    """Every requested output of `book` in `<project>/dist/`; returns the files written.

    WeasyPrint's warnings come back as ours, through the `book.render` logger. When the
    PDF and the EPUB are both wanted and there is a second core, the EPUB is made in a
    worker process while this one lays out the PDF (`parallel=False` never does that).
    """
    dist = Path(project.root) / "dist"
    written: list[Path] = []
    epub_out = dist / f"{book.stem}.epub"
    pending: worker.ForkedJob | None = None
    wants_pdf = "pdf" in formats or handouts
    if parallel is None:
        parallel = worker.can_fork()
    if "epub" in formats and wants_pdf and parallel:
        pending = worker.ForkedJob(_write_epub, book, project, epub_out)
    try:
        if wants_pdf:
            _write_pdfs(book, project, dist, formats, handouts, keep_html, written)
        if "epub" in formats:
            with progress.stage("EPUB"):
                if pending is not None:
                    pending.result()
                else:
                    _write_epub(book, project, epub_out)
            written.append(epub_out)
    finally:
        if pending is not None:
            pending.close()
    if "html" in formats:
        out = dist / f"{book.stem}.html"
        with progress.stage("render HTML"):
            page = web_page(book)
        files.write_atomic(out, page)
        written.append(out)
    return written


def _write_pdfs(book: Book, project, dist: Path, formats, handouts: bool, keep_html: bool, written: list[Path]) -> None:
    from book.render import pdf

    pdf.check_weasyprint()
    if "pdf" in formats:
        out = dist / f"{book.stem}.pdf"
        kept = dist / f"{book.stem}.print.html" if keep_html else None
        _report(pdf.build_pdf(book, project.root, out, keep_html=kept), out)
        written += [out] + ([kept] if kept else [])
    if handouts:
        for chapter in book.chapters:
            out = dist / "handouts" / f"{chapter.number:02d}-{chapter.slug}.pdf"
            _report(pdf.build_handout(book, chapter, project.root, out), out)
            written.append(out)


def _write_epub(book: Book, project, out: Path) -> None:
    from book.render.epub import write_epub

    write_epub(book, project, out)


def web_page(book: Book) -> str:
    """The whole book as one HTML page (citations as notes after each article group)."""
    from book.render import html

    return html.render("html/book.html", book=book, links=html.Links("html"), meta=html.metadata(book),
                       back_sections=tuple((anchor, title) for anchor, title, _ in html.BACK_SECTIONS))


def _report(warnings: list[str], out: Path) -> None:
    for message in warnings:
        LOGGER.warning("%s: warning: %s", out.name, message)
