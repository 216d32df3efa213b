"""Renderers: one book model, many outputs (HTML, PDF, EPUB)."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import shutil
import tempfile
from pathlib import Path

from book import files, i18n, lock, progress
from book.render import worker
from book.render.model import Book

LOGGER = logging.getLogger("book.render")


def write_outputs(book: Book, project, formats=("pdf", "epub", "html"), handouts: bool = False,
                  keep_html: bool = False, parallel: bool | None = None, large_print: bool = False,
                  cache: bool = False) -> list[Path]:
    """Every requested output of `book` in `<project>/dist/`; returns the files written.

    All outputs are made in a staging folder inside dist/ and moved into place together
    only once every one of them succeeded: a build that fails leaves dist/ as it was.
    WeasyPrint's warnings come back as ours, through the `book.render` logger. When the
    PDF and the EPUB are both wanted and there is a second core, the EPUB is made in a
    worker process while this one lays out the PDF (`parallel=False` never does that).
    With `cache`, the PDF's parts laid out by an earlier build are reused (dist/.cache/parts/).
    """
    dist = lock.dist_folder(project.root)
    if handouts:
        lock.dist_folder(project.root, "handouts")
    staging = Path(tempfile.mkdtemp(dir=dist, prefix=".staging-"))
    try:
        with i18n.using(book.words()), _kept_charts(project.root, cache):  # the book's language (the EPUB worker forks inside)
            staged = _stage_outputs(book, project, staging, formats, handouts, keep_html, parallel, large_print, cache)
        return _commit(staging, staged, dist)
    except OSError as error:  # name the output, not the staging file it was being written to
        raise _named(error, staging, dist) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _kept_charts(root: Path, cache: bool):
    """With `cache`, the balance charts are kept in dist/.cache/charts/ while the outputs are made."""
    from book.render import chart, partcache

    if not cache:
        yield
        return
    chart.kept = partcache.KeptBlobs(root, "charts")
    try:
        yield
        chart.kept.prune()
    finally:
        chart.kept = None


def _stage_outputs(book: Book, project, staging: Path, formats, handouts: bool, keep_html: bool,
                   parallel: bool | None, large_print: bool = False, cache: bool = False) -> list[Path]:
    """Every output written into `staging` (same names as in dist/); returns them in the order made."""
    written: list[Path] = []
    epub_out = staging / f"{book.stem}.epub"
    pending: worker.ForkedJob | None = None
    wants_pdf = "pdf" in formats or handouts
    if parallel is None:
        parallel = worker.can_fork()
    if "epub" in formats and wants_pdf and parallel:
        pending = worker.ForkedJob(_write_epub, book, project, epub_out, cache)
    anchors: dict[str, int] = {}  # printed page of each anchor, when this build lays out the PDF
    try:
        if wants_pdf:
            print_book = dataclasses.replace(book, large_print=True) if large_print else book
            _write_pdfs(print_book, project, staging, formats, handouts, keep_html, written, anchors, cache)
        if "epub" in formats:
            with progress.stage("EPUB"):
                if pending is not None:
                    pending.result()
                else:
                    _write_epub(book, project, epub_out, cache)
                if anchors:  # the PDF of this very build (large print or not): its page numbers go into the EPUB
                    _add_page_list(print_book, epub_out, anchors)
            written.append(epub_out)
    finally:
        if pending is not None:
            pending.close()
    if "html" in formats:
        out = staging / f"{book.stem}.html"
        with progress.stage("render HTML"):
            page = web_page(book)
        files.write_atomic(out, page)
        downloads = [path for path in written if path.suffix in (".pdf", ".epub") and path.parent == staging]
        with progress.stage("web edition"):
            site = _write_site(book, staging / book.stem, downloads)
        written += [out, site]
    return written


def _write_site(book: Book, folder: Path, downloads: list[Path]) -> Path:
    from book.render.site import write_site

    return write_site(book, folder, downloads)


def _commit(staging: Path, staged: list[Path], dist: Path) -> list[Path]:
    """The staged outputs renamed into dist/ (each rename atomic; all made before the first).

    A folder (the web edition) takes the place of the one before it: the old one is moved into
    the staging folder first, and goes with it.
    """
    final = [dist / path.relative_to(staging) for path in staged]
    for source, target in zip(staged, final):
        if source.is_dir() and target.is_dir() and not target.is_symlink():
            os.replace(target, staging / f".replaced-{target.name}")
        os.replace(source, target)
    return final


def _named(error: OSError, staging: Path, dist: Path) -> OSError:
    """The same error, its file name the output's path in dist/ instead of the staging path."""
    name = error.filename
    if name:
        path = Path(os.fsdecode(name))
        for part in (path, path.parent):
            if part.is_relative_to(staging):
                output = dist / path.relative_to(staging)
                name = str(output.parent / _output_name(output.name))
                break
    return OSError(error.errno, error.strerror, name) if error.errno else error


def _output_name(name: str) -> str:
    """`.book.pdf.x1y2.tmp` (a temporary file) → `book.pdf`."""
    if name.startswith(".") and name.endswith(".tmp"):
        return name[1:].rsplit(".", 2)[0]
    return name


def _write_pdfs(book: Book, project, folder: Path, formats, handouts: bool, keep_html: bool, written: list[Path],
                anchors: dict[str, int], cache: bool = False) -> None:
    from book.render import pdf

    pdf.check_weasyprint()
    if "pdf" in formats:
        out = folder / f"{book.stem}.pdf"
        kept = folder / f"{book.stem}.print.html" if keep_html else None
        _report(pdf.build_pdf(book, project.root, out, keep_html=kept, anchors=anchors, cache=cache), out)
        written += [out] + ([kept] if kept else [])
    if handouts:
        for chapter in book.chapters:
            out = folder / "handouts" / f"{chapter.number:02d}-{chapter.slug}{'-large-print' * book.large_print}.pdf"
            _report(pdf.build_handout(book, chapter, project.root, out), out)
            written.append(out)


def _write_epub(book: Book, project, out: Path, cache: bool = False) -> None:
    """With `cache`, the EPUB's cut-down fonts are kept in dist/.cache/fonts/ (by the worker that makes it)."""
    from book.render.epub import write_epub
    from book.render.partcache import KeptBlobs

    kept = KeptBlobs(project.root, "fonts") if cache else None
    write_epub(book, project, out, kept)
    if kept is not None:
        kept.prune()


def _add_page_list(book: Book, out: Path, anchors: dict[str, int]) -> None:
    """The EPUB at `out` rewritten with the print edition's page numbers (book/render/epubpages.py)."""
    from book.render.epub import zip_entries
    from book.render.epubpages import add_page_list

    source = f"{book.title}, {book.edition.label}, print edition ({book.stem}.pdf, {book.page_size})"
    files.write_atomic(out, add_page_list(out.read_bytes(), anchors, source, zip_entries))


def web_page(book: Book) -> str:
    """The whole book as one HTML page (citations as notes after each article group)."""
    from book.render import html

    return html.render("html/book.html", book=book, links=html.Links("html"), meta=html.metadata(book),
                       back_sections=html.back_sections(book))


def _report(warnings: list[str], out: Path) -> None:
    for message in warnings:
        LOGGER.warning("%s: warning: %s", out.name, message)
