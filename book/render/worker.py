"""Render jobs in a forked process: the EPUB made while the PDF is laid out.

A job is forked from this process as it is at the moment of the call, so it starts
with everything imported and its arguments already in memory: nothing is pickled on
the way in (the book model is used where it is), only the job's result on the
way back. Its `book.*` log records come back to be logged here, and its `BookError`
is raised here as the same class with the same message.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import traceback

from book import progress
from book.errors import BookError, RenderError


def can_fork() -> bool:
    """A second core to run on, and `fork` to start a job with this process's memory."""
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class ForkedJob:
    """`job(*args)` running in a forked child; `result()` waits for it and returns what it returned."""

    def __init__(self, job, *args):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run_and_send, args=(send, job, args), daemon=True)
        self._process.start()
        send.close()

    def result(self):
        """The job's return value (its log records logged here, its error raised here)."""
        try:
            outcome = self._receive.recv()
        except EOFError:  # the child died without answering (killed, out of memory)
            self._process.join()
            outcome = ("bug", [], f"a worker process ended with exit code {self._process.exitcode} and no result")
        finally:
            self._receive.close()
        self._process.join()
        return replay(outcome)

    def close(self) -> None:
        """Done with the job whatever it gives (the build failed elsewhere): wait for it to end.

        Waited for, not killed: a job killed while writing its output would leave a temporary file.
        """
        self._process.join()
        self._receive.close()


def _run_and_send(send, job, args) -> None:
    send.send(in_worker(job, *args))
    send.close()


class _Keep(logging.Handler):
    """In the worker: the log records of `book.*`, sent back to be logged by the parent."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


def in_worker(job, *args):
    """Runs `job(*args)` in a worker; returns ("ok" | "error" | "oserror" | "bug", its `book.*` log records, its value or error)."""
    progress.silence()
    logger = logging.getLogger("book")
    keep = _Keep()
    logger.addHandler(keep)
    logger.propagate = False
    try:
        value = job(*args)
    except BookError as error:
        return "error", keep.records, (type(error).__module__, type(error).__qualname__, error.message, error.diagnostics)
    except OSError as error:  # the file system refused (no space, no permission): the same message as in the parent
        return "oserror", keep.records, (error.errno, error.strerror, error.filename)
    except Exception as error:  # a bug in the worker: the parent raises it, with its trace text
        return "bug", keep.records, "".join(traceback.format_exception(error))
    return "ok", keep.records, value


def replay(result):
    """The worker's log records logged here, its error raised here; returns the job's value."""
    status, records, value = result
    for record in records:
        logging.getLogger(record.name).handle(record)
    if status == "error":
        module, name, message, diagnostics = value
        raise _error_class(module, name)(message, diagnostics)
    if status == "oserror":
        number, reason, filename = value
        raise OSError(number, reason, filename)
    if status == "bug":
        raise RuntimeError(f"a worker process failed:\n{value}")
    return value


def _error_class(module: str, name: str) -> type[BookError]:
    """The worker's BookError subclass, found again in this process (RenderError if it cannot be)."""
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return RenderError
    return found if isinstance(found, type) and issubclass(found, BookError) else RenderError
