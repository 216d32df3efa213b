"""What users see when something is wrong: located diagnostics and categorised errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, addressed as `path:line: message`."""

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


def plural(number: int, noun: str) -> str:
    """'1 error', '2 errors': counts in messages."""
    return f"{number} {noun}{'s' * (number != 1)}"


def not_a_project(root) -> str:
    """What a folder without book.yaml is told: how to start a project, and that `title:` alone is one."""
    return (f"{root}: not a book project (no book.yaml here or in a folder above); "
            "start one with `book new DIR`, or write a book.yaml with one line, e.g. `title: My briefing book`")


class BookError(Exception):
    """A problem the user can fix; shown as `category: message`, never as a traceback."""

    category = "error"

    def __init__(self, message: str, diagnostics: tuple[Diagnostic, ...] = ()):
        super().__init__(message)
        self.message = message
        self.diagnostics = diagnostics

    def __str__(self) -> str:
        return f"{self.category}: {self.message}"


class ProjectError(BookError):
    """The project's files are invalid; `diagnostics` names every problem."""

    category = "invalid project"


class IngestError(BookError):
    """A raw source could not be turned into articles."""

    category = "cannot add"


class RenderError(BookError):
    """An output could not be produced."""

    category = "cannot build"


class ReleaseError(BookError):
    """An edition cannot be released."""

    category = "cannot release"
