"""Progress of a build: numbered stages and how far each has got, for whoever listens.

The pipeline announces stages (`with stage("PDF layout", unit="pages"):`) and steps
(`advance()`); listeners decide what to do with them. The command line shows them
with Rich on a terminal's stderr and stays quiet otherwise; the benchmark times them.
Nothing listens by default, so library use and tests see no output.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
import time
from typing import Iterator, Protocol


class Listener(Protocol):
    def start(self, name: str, total: int | None, unit: str) -> None: ...

    def advance(self, count: int) -> None: ...

    def finish(self, name: str, seconds: float) -> None: ...


_LISTENERS: list[Listener] = []


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[Listener]:
    """`listener` hears every stage announced inside the block."""
    _LISTENERS.append(listener)
    try:
        yield listener
    finally:
        _LISTENERS.remove(listener)


def silence() -> None:
    """No listeners (in a worker process, whose parent shows the progress)."""
    _LISTENERS.clear()


@contextlib.contextmanager
def stage(name: str, total: int | None = None, unit: str = "") -> Iterator[None]:
    """One stage of the build; `advance()` inside it counts `unit`s done out of `total`."""
    for listener in _LISTENERS:
        listener.start(name, total, unit)
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        for listener in _LISTENERS:
            listener.finish(name, seconds)


def advance(count: int = 1) -> None:
    for listener in _LISTENERS:
        listener.advance(count)


class _WeasyPages(logging.Handler):
    """WeasyPrint logs "Step 5 - Creating layout - Page N" once per page laid out."""

    PAGE = re.compile(r"Creating layout - Page \d+$")

    def emit(self, record):
        if self.PAGE.search(record.getMessage()):
            advance()


@contextlib.contextmanager
def weasyprint_pages() -> Iterator[None]:
    """Inside the block, every page WeasyPrint lays out advances the current stage."""
    if not _LISTENERS:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler, level, propagate = _WeasyPages(logging.INFO), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class Timings:
    """Seconds per stage (summed when a stage runs more than once): the benchmark's listener."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.counts: dict[str, int] = {}
        self._current: list[str] = []

    def start(self, name, total, unit):
        self._current.append(name)

    def advance(self, count):
        if self._current:
            self.counts[self._current[-1]] = self.counts.get(self._current[-1], 0) + count

    def finish(self, name, seconds):
        self._current.pop()
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds


class Display:
    """Rich progress bars on stderr, one line per stage; only when stderr is a terminal."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TextColumn("{task.fields[unit]}"), TimeElapsedColumn(),
                                  console=Console(stderr=True), transient=False)
        self._tasks: list[int] = []
        self._by_name: dict[str, int] = {}  # a stage that runs again (layout of each part) keeps its line

    @staticmethod
    def wanted() -> bool:
        return sys.stderr.isatty()

    def __enter__(self):
        self._progress.start()
        return self

    def __exit__(self, *exc):
        self._progress.stop()

    def start(self, name, total, unit):
        task = self._by_name.get(name)
        if task is None:
            task = self._by_name[name] = self._progress.add_task(f"{len(self._by_name) + 1}. {name}", total=total, unit=unit)
        elif total is not None:
            self._progress.update(task, total=total, completed=0)
        self._tasks.append(task)

    def advance(self, count):
        if self._tasks:
            self._progress.advance(self._tasks[-1], count)

    def finish(self, name, seconds):
        task = self._tasks.pop()
        done = next(t for t in self._progress.tasks if t.id == task)
        if done.total is None or done.completed > done.total:
            self._progress.update(task, total=max(done.completed, 1), completed=max(done.completed, 1))
        else:
            self._progress.update(task, completed=done.total)


@contextlib.contextmanager
def on_terminal() -> Iterator[None]:
    """Show progress while the block runs, if stderr is a terminal; else nothing."""
    if not Display.wanted():
        yield
        return
    with Display() as display, listening(display):
        yield
