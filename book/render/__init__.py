"""Renderers: one book model, many outputs (HTML, PDF, EPUB)."""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from book import files, progress
from book.errors import BookError, RenderError
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
    pending: Future | None = None
    pool = None
    wants_pdf = "pdf" in formats or handouts
    if parallel is None:
        parallel = (os.cpu_count() or 1) > 1
    if "epub" in formats and wants_pdf and parallel and "fork" in multiprocessing.get_all_start_methods():
        # fork: the worker starts with everything imported and the book in memory, no pickling of it
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
        pending = pool.submit(in_worker, _write_epub, book, project, epub_out)
    try:
        if wants_pdf:
            _write_pdfs(book, project, dist, formats, handouts, keep_html, written)
        if "epub" in formats:
            with progress.stage("EPUB"):
                if pending is not None:
                    replay(pending.result())
                else:
                    from book.render.epub import write_epub

                    write_epub(book, project, epub_out)
            written.append(epub_out)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
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


class _Keep(logging.Handler):
    """In the worker: the log records of `book.*`, sent back to be logged by the parent."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


def _write_epub(book: Book, project, out: Path) -> None:
    from book.render.epub import write_epub

    write_epub(book, project, out)


def in_worker(job, *args):
    """Runs `job(*args)` in a worker process; returns ("ok" | "error" | "bug", its `book.*` log records, the error)."""
    progress.silence()
    logger = logging.getLogger("book")
    keep = _Keep()
    logger.addHandler(keep)
    logger.propagate = False
    try:
        job(*args)
    except BookError as error:
        return "error", keep.records, (type(error).__module__, type(error).__qualname__, error.message, error.diagnostics)
    except Exception as error:  # a bug in the worker: the parent raises it, with its trace text
        import traceback

        return "bug", keep.records, "".join(traceback.format_exception(error))
    return "ok", keep.records, None


def replay(result) -> None:
    """The worker's log records logged here, its error raised here."""
    status, records, error = result
    for record in records:
        logging.getLogger(record.name).handle(record)
    if status == "error":
        module, name, message, diagnostics = error
        raise _error_class(module, name)(message, diagnostics)
    if status == "bug":
        raise RuntimeError(f"a worker process failed:\n{error}")


def _error_class(module: str, name: str) -> type[BookError]:
    """The worker's BookError subclass, found again in this process (RenderError if it cannot be)."""
    import importlib

    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return RenderError
    return found if isinstance(found, type) and issubclass(found, BookError) else RenderError


def web_page(book: Book) -> str:
    """The whole book as one HTML page (citations as notes after each article group)."""
    from book.render import html

    return html.render("html/book.html", book=book, links=html.Links("html"), meta=html.metadata(book),
                       back_sections=tuple((anchor, title) for anchor, title, _ in html.BACK_SECTIONS))


def _report(warnings: list[str], out: Path) -> None:
    for message in warnings:
        LOGGER.warning("%s: warning: %s", out.name, message)
