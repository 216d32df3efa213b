"""Who said it: the citation of an article, the list of sources, the outlet balance of a chapter."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from book.project import Article, Project
from book.render.model import (NO_OUTLET, NO_PERSPECTIVE, Attribution, BalanceRow, Citation, Dominance, OutletSources,
                               PerspectiveShare, SourceEntry)

DOMINANT = 2 / 3  # a perspective supplying more than this share of a chapter's passages is pointed out


def citation(project: Project, article: Article, styled: str | None = None) -> Citation:
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
        supplied=tuple((key, note) for key, note in meta.supplied.items() if meta.is_supplied(key)),
        language=meta.language,
        styled=styled,
    )


def _by_date(entry: SourceEntry) -> tuple:
    date = entry.citation.date
    return (date is None, date or dt.date.min, entry.citation.title.casefold(), entry.citation.article_id)


def sources(project: Project, quoted_in: dict[str, list[tuple[str, str, str]]],
            styled: dict[str, str] | None = None) -> tuple[OutletSources, ...]:
    """Every article, grouped by outlet (outlets by name, "outlet not named" last), oldest first.

    `quoted_in` maps an article id to the (chapter slug, chapter title, group anchor) where it is quoted;
    `styled`, an article id to its entry in book.yaml's citation style.
    """
    groups: dict[str | None, list[SourceEntry]] = {}
    styled = styled or {}
    for article in project.articles:
        entry = SourceEntry(citation(project, article), f"source-{article.id}", tuple(quoted_in.get(article.id, ())),
                            styled.get(article.id))
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


def styled_entries(project: Project) -> dict[str, str]:
    """article id → its entry in book.yaml's citation style ({} when the book names none)."""
    from book import citation_style
    from book.errors import RenderError

    name = project.config.citation_style
    if name is None:
        return {}
    problem = citation_style.processor_problem()
    if problem:
        raise RenderError(problem)
    return citation_style.format_entries([citation(project, article) for article in project.articles],
                                         citation_style.style_path(name), project.config.language)


def perspective_of(project: Project, article: Article) -> str:
    """The perspective readers see for an article: its outlet's, or which of the two is unknown."""
    if article.meta.outlet is None:
        return NO_OUTLET
    outlet = project.outlets.get(article.meta.outlet)
    return (outlet.perspective if outlet else None) or NO_PERSPECTIVE


def _ordered(counts: Counter) -> list[str]:
    """Perspectives with most passages first, then the unknowns ("perspective not stated", "outlet not named")."""
    unknown = (NO_PERSPECTIVE, NO_OUTLET)
    return sorted(counts, key=lambda name: (unknown.index(name) + 1 if name in unknown else 0,
                                            -counts[name], name.casefold(), name))


def balance(project: Project, refs: tuple[str, ...] | list[str]) -> tuple[BalanceRow, ...]:
    """How many of these passages come from each perspective: most first, then the unknowns."""
    counts = Counter(perspective_of(project, project.article(ref.partition(":")[0])) for ref in refs)
    return tuple(BalanceRow(perspective=name, passages=counts[name]) for name in _ordered(counts))


def dominance(rows: tuple[BalanceRow, ...]) -> Dominance | None:
    """The perspective that supplies more than two thirds of these passages, if one does."""
    total = sum(row.passages for row in rows)
    top = max(rows, key=lambda row: row.passages, default=None)
    if top is None or top.passages <= DOMINANT * total:
        return None
    kind = {NO_OUTLET: "no outlet", NO_PERSPECTIVE: "no perspective"}.get(top.perspective, "perspective")
    return Dominance(top.perspective, top.passages, total, kind)


def book_balance(project: Project) -> tuple[PerspectiveShare, ...]:
    """The whole book by perspective: how many sources and passages come from each."""
    sources = Counter(perspective_of(project, article) for article in project.articles)
    passages = Counter()
    for article in project.articles:
        passages[perspective_of(project, article)] += len(article.passages)
    return tuple(PerspectiveShare(name, sources[name], passages[name]) for name in _ordered(passages))


def attribution(project: Project, chapter_balances: list[tuple[BalanceRow, ...]]) -> Attribution:
    """What the book's sources say of themselves, and what the editors supplied, counted."""
    metas = [article.meta for article in project.articles]
    known = [project.outlets.get(meta.outlet) for meta in metas if meta.outlet is not None]
    countries = Counter(outlet.country for outlet in known if outlet is not None and outlet.country)
    return Attribution(
        sources=len(metas),
        passages=sum(len(article.passages) for article in project.articles),
        outlet_named=sum(1 for meta in metas if meta.outlet is not None and not meta.is_supplied("outlet")),
        outlet_supplied=sum(1 for meta in metas if meta.is_supplied("outlet")),
        outlet_missing=sum(1 for meta in metas if meta.outlet is None),
        dated=sum(1 for meta in metas if meta.date is not None and not meta.is_supplied("date")),
        date_supplied=sum(1 for meta in metas if meta.is_supplied("date")),
        undated=sum(1 for meta in metas if meta.date is None),
        author_supplied=sum(1 for meta in metas if meta.is_supplied("author")),
        perspective_missing=sum(1 for outlet in known if outlet is None or not outlet.perspective),
        chapters=len(chapter_balances),
        dominated_chapters=sum(1 for rows in chapter_balances if dominance(rows) is not None),
        countries=tuple(sorted(countries.items(), key=lambda item: (item[0].casefold(), item[0]))),
        country_missing=len(metas) - sum(countries.values()),
    )


def share_text(dominant: Dominance) -> str:
    """"all 4 passages come from sources with the perspective 'X'", as `book check` says it."""
    if dominant.passages == dominant.total:
        count = {1: "its only passage comes", 2: "both passages come"}.get(dominant.total, f"all {dominant.total} passages come")
    else:
        count = f"{dominant.passages} of {dominant.total} passages come"
    one = dominant.passages == 1
    whose = {"no outlet": "a source that names no outlet" if one else "sources that name no outlet",
             "no perspective": "an outlet whose perspective is not stated" if one else "outlets whose perspective is not stated",
             }.get(dominant.kind, f"{'a source' if one else 'sources'} with the perspective '{dominant.perspective}'")
    return f"{count} from {whose}"
