"""Articles → passages → chapters: scores, pins, excludes, "Further reporting", and the report."""

from __future__ import annotations

from dataclasses import dataclass

from book.project import Project

FURTHER = "further"  # slug of the final "Further reporting" chapter


@dataclass(frozen=True)
class Decision:
    """Why a passage sits where it does."""

    ref: str
    chapter: str  # a chapter slug, or FURTHER
    scores: dict[str, int]  # chapter slug → score (chapters with score 0 may be left out)
    reason: str


@dataclass(frozen=True)
class PlannedChapter:
    """A chapter and its passages in book order (articles by date, passages in order)."""

    slug: str
    title: str
    intro: str  # Markdown
    questions: tuple[str, ...]  # Markdown
    refs: tuple[str, ...]
    further: bool = False


@dataclass(frozen=True)
class Plan:
    chapters: tuple[PlannedChapter, ...]
    decisions: tuple[Decision, ...]


def organise(project: Project) -> Plan:
    """Every passage of the corpus in exactly one chapter (DESIGN §3 stage 3)."""
    raise NotImplementedError


def print_report(project_dir, as_json: bool = False) -> None:
    raise NotImplementedError
