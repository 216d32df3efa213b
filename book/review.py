"""Everything `book check` warns about, for `check` and for `build --strict` alike."""

from __future__ import annotations

from book.errors import Diagnostic, ProjectError, plural
from book.project import Project


def warnings(project: Project) -> tuple[Diagnostic, ...]:
    """The loader's warnings plus those that need the glossary and the chapters, sorted."""
    from book.glossary import unshown_markup, unused_terms

    return tuple(sorted(project.warnings + unused_terms(project) + unshown_markup(project) + empty_parts(project)))


def refuse_warnings(project: Project) -> tuple[Diagnostic, ...]:
    """The warnings; with `--strict` they are errors, so any of them raises ProjectError."""
    found = warnings(project)
    if found:
        raise ProjectError(f"{project.root}: {plural(len(found), 'problem')} (--strict makes warnings errors)", found)
    return found


def empty_parts(project: Project) -> tuple[Diagnostic, ...]:
    """A warning when the book would be empty, or when a chapter would have no passages."""
    from book.organise import organise

    if not project.articles:
        return (Diagnostic("corpus/", 0, "no articles: the book would be empty", "warning"),)
    plan = organise(project)
    filled = {chapter.slug for chapter in plan.chapters if chapter.refs}
    return tuple(Diagnostic(chapter.path, 1, f"chapter '{chapter.slug}' receives no passages", "warning")
                 for chapter in project.chapters if chapter.slug not in filled)
