"""PDF and EPUB built side by side: the same bytes as one after the other, the worker's errors and warnings as ours."""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from book.annotate import annotate
from book.editions import current_edition
from book.errors import BookError
from book.organise import organise
from book.project import load
from book.render import _write_epub, write_outputs
from book.render.worker import ForkedJob, in_worker, replay
from book.render.epub import write_epub


def _book(root):
    project = load(root)
    return annotate(project, organise(project), current_edition(project)), project


def test_parallel_build_writes_the_same_bytes_as_a_serial_one(project_copy, caplog):
    book, project = _book(project_copy())
    together = write_outputs(book, project, formats=("pdf", "epub"), parallel=True)
    first = {path.name: path.read_bytes() for path in together}
    serial = write_outputs(book, project, formats=("pdf", "epub"), parallel=False)
    assert [path.name for path in serial] == [path.name for path in together]
    assert {path.name: path.read_bytes() for path in serial} == first
    assert sorted(first) == [f"{book.stem}.epub", f"{book.stem}.pdf"]
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]


def test_an_error_in_the_epub_worker_is_raised_in_the_build_with_its_message(project_copy, monkeypatch, tmp_path):
    book, project = _book(project_copy())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")  # inherited by the forked worker, refused by the EPUB
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        result = pool.submit(in_worker, _write_epub, book, project, tmp_path / "out.epub").result()
    with pytest.raises(BookError) as from_worker:
        replay(result)
    with pytest.raises(BookError) as here:
        write_epub(book, project, tmp_path / "serial.epub")
    assert type(from_worker.value) is type(here.value)
    assert str(from_worker.value) == str(here.value) and "'yesterday'" in str(here.value)
    assert not (tmp_path / "out.epub").exists()


def _warn(message: str) -> None:
    logging.getLogger("book.render").warning("%s: warning: %s", "book.epub", message)


def test_a_warning_logged_in_a_worker_is_logged_by_the_build(caplog):
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        result = pool.submit(in_worker, _warn, "a font lacks a glyph").result()
    assert result[0] == "ok" and not caplog.records  # nothing logged here yet: it happened in the worker
    with caplog.at_level(logging.WARNING, logger="book.render"):
        replay(result)
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        ("book.render", "WARNING", "book.epub: warning: a font lacks a glyph")]


def _die() -> None:
    os._exit(3)


def test_a_worker_that_dies_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="exit code 3 and no result"):
        ForkedJob(_die).result()


def test_a_forked_job_returns_its_value_and_needs_no_pickling_of_its_arguments():
    unpicklable = (lambda: 41)  # a lambda cannot be pickled: a forked job inherits it instead
    assert ForkedJob(lambda make: make() + 1, unpicklable).result() == 42
