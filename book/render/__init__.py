"""Renderers: one book model, many outputs (HTML, PDF, EPUB)."""

from __future__ import annotations

import logging
from pathlib import Path

from book import files
from book.render.model import Book

LOGGER = logging.getLogger("book.render")


def write_outputs(book: Book, project, formats=("pdf", "epub", "html"), handouts: bool = False,
                  keep_html: bool = False) -> list[Path]:
    """Every requested output of `book` in `<project>/dist/`; returns the files written.

    WeasyPrint's warnings come back as ours, through the `book.render` logger.
    """
    dist = Path(project.root) / "dist"
    written: list[Path] = []
    if "pdf" in formats or handouts:
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
    if "epub" in formats:
        from book.render.epub import write_epub

        out = dist / f"{book.stem}.epub"
        write_epub(book, project, out)
        written.append(out)
    if "html" in formats:
        out = dist / f"{book.stem}.html"
        files.write_atomic(out, web_page(book))
        written.append(out)
    return written


def web_page(book: Book) -> str:
    """The whole book as one HTML page (citations as notes after each article group)."""
    from book.render import html

    return html.render("html/book.html", book=book, links=html.Links("html"), meta=html.metadata(book),
                       back_sections=(("whats-new", "What’s new in this edition"), ("glossary", "Glossary"), ("sources", "Sources")))


def _report(warnings: list[str], out: Path) -> None:
    for message in warnings:
        LOGGER.warning("%s: warning: %s", out.name, message)
