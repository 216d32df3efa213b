"""Everything `book check` warns about, for `check` and for `build --strict` alike."""

from __future__ import annotations

from book.errors import Diagnostic, ProjectError, plural
from book.project import Project


def warnings(project: Project) -> tuple[Diagnostic, ...]:
    """The loader's warnings plus those that need the glossary and the chapters, sorted."""
    from book.glossary import unshown_markup, unused_terms
    from book.organise import organise

    plan = organise(project) if project.articles else None
    return tuple(sorted(project.warnings + unused_terms(project) + unshown_markup(project) + empty_parts(project, plan)
                        + one_sided(project, plan)))


def refuse_warnings(project: Project) -> tuple[Diagnostic, ...]:
    """The warnings; with `--strict` they are errors, so any of them raises ProjectError."""
    found = warnings(project)
    if found:
        raise ProjectError(f"{project.root}: {plural(len(found), 'problem')} (--strict makes warnings errors)", found)
    return found


def empty_parts(project: Project, plan=None) -> tuple[Diagnostic, ...]:
    """A warning when the book would be empty, or when a chapter would have no passages."""
    from book.organise import organise

    if not project.articles:
        return (Diagnostic("corpus/", 0, "no articles: the book would be empty", "warning"),)
    plan = plan or organise(project)
    filled = {chapter.slug for chapter in plan.chapters if chapter.refs}
    return tuple(Diagnostic(chapter.path, 1, f"chapter '{chapter.slug}' receives no passages", "warning")
                 for chapter in project.chapters if chapter.slug not in filled)


def one_sided(project: Project, plan) -> tuple[Diagnostic, ...]:
    """A warning for each chapter where one perspective supplies more than two thirds of the passages."""
    from book.citations import balance, dominance, share_text

    if plan is None:
        return ()
    paths = {chapter.slug: chapter.path for chapter in project.chapters}
    found = []
    for planned in plan.chapters:
        dominant = dominance(balance(project, planned.refs))
        if dominant is not None and planned.slug in paths:  # "Further reporting" has no file to point at
            found.append(Diagnostic(paths[planned.slug], 1, f"{share_text(dominant)} (more than two thirds); "
                                    "the chapter says so in a note at its start", "warning"))
    return tuple(found)
