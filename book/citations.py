"""Who said it: the citation of an article, the list of sources, the outlet balance of a chapter."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from book.project import Article, Project
from book.render.model import BalanceRow, Citation, OutletSources, SourceEntry

NO_OUTLET = "outlet not named"
NO_PERSPECTIVE = "perspective not stated"


def citation(project: Project, article: Article) -> Citation:
    """The article's citation; what the source or outlets.yaml does not say stays None."""
    meta = article.meta
    outlet = project.outlets.get(meta.outlet) if meta.outlet else None
    return Citation(
        article_id=article.id,
        title=meta.title,
        outlet=meta.outlet,
        perspective=outlet.perspective if outlet else None,
        country=outlet.country if outlet else None,
        outlet_kind=outlet.kind if outlet else None,
        date=meta.date,
        author=meta.author,
        dateline=meta.dateline,
        url=meta.url,
    )


def _by_date(entry: SourceEntry) -> tuple:
    date = entry.citation.date
    return (date is None, date or dt.date.min, entry.citation.title.casefold(), entry.citation.article_id)


def sources(project: Project, quoted_in: dict[str, list[tuple[str, str, str]]]) -> tuple[OutletSources, ...]:
    """Every article, grouped by outlet (outlets by name, "outlet not named" last), oldest first.

    `quoted_in` maps an article id to the (chapter slug, chapter title, group anchor) where it is quoted.
    """
    groups: dict[str | None, list[SourceEntry]] = {}
    for article in project.articles:
        entry = SourceEntry(citation(project, article), f"source-{article.id}", tuple(quoted_in.get(article.id, ())))
        groups.setdefault(article.meta.outlet, []).append(entry)
    named = sorted((name for name in groups if name is not None), key=lambda name: (name.casefold(), name))
    result = []
    for name in named + ([None] if None in groups else []):
        outlet = project.outlets.get(name) if name else None
        result.append(
            OutletSources(
                outlet=name or NO_OUTLET,
                perspective=outlet.perspective if outlet else None,
                country=outlet.country if outlet else None,
                kind=outlet.kind if outlet else None,
                entries=tuple(sorted(groups[name], key=_by_date)),
            )
        )
    return tuple(result)


def perspective_of(project: Project, article: Article) -> str:
    """The perspective readers see for an article: its outlet's, or which of the two is unknown."""
    if article.meta.outlet is None:
        return NO_OUTLET
    outlet = project.outlets.get(article.meta.outlet)
    return (outlet.perspective if outlet else None) or NO_PERSPECTIVE


def balance(project: Project, refs: tuple[str, ...] | list[str]) -> tuple[BalanceRow, ...]:
    """How many of these passages come from each perspective: most first, then the unknowns."""
    counts = Counter(perspective_of(project, project.article(ref.partition(":")[0])) for ref in refs)
    unknown = (NO_PERSPECTIVE, NO_OUTLET)
    order = sorted(counts, key=lambda name: (unknown.index(name) + 1 if name in unknown else 0,
                                             -counts[name], name.casefold(), name))
    return tuple(BalanceRow(perspective=name, passages=counts[name]) for name in order)
