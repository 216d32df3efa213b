"""Build `book.render.model.Book` objects directly, for renderer tests (PDF, EPUB, HTML).

`book_from_project` turns a real project folder into a Book without organise/annotate:
articles go to chapters in turn, glossary names are linked at their first mention in a
chapter. It is a stand-in good enough to exercise the renderers, not the real pipeline.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from book.project import Project, load
from book.render.model import (ArticleGroup, BalanceRow, Book, Changes, ChapterView, Citation,
                               EditionInfo, GlossaryEntry, OutletSources, PassageView, SourceEntry, TermMention,
                               TermName, TermUse)

_MD = MarkdownIt("commonmark")


def citation(article_id: str = "a", title: str = "A title", outlet: str | None = "The Outlet",
             perspective: str | None = "independent", date: dt.date | None = dt.date(2020, 10, 1), **more) -> Citation:
    """A citation with plausible defaults."""
    fields = dict(country=None, outlet_kind=None, author=None, dateline=None, url=None)
    fields.update(more)
    return Citation(article_id=article_id, title=title, outlet=outlet, perspective=perspective, date=date, **fields)


def passage(article_id: str, number: int, text: str, gap_before: bool = False, parts=None) -> PassageView:
    """A passage of plain text (escaped, one paragraph) or of the given parts."""
    parts = tuple(parts) if parts is not None else (f"<p>{html.escape(text)}</p>",)
    return PassageView(ref=f"{article_id}:{number}", anchor=f"{article_id}-{number}", parts=parts,
                       text=text, gap_before=gap_before)


def group(chapter_slug: str, note_number: int, cite: Citation, passages) -> ArticleGroup:
    return ArticleGroup(article_id=cite.article_id, anchor=f"{chapter_slug}--{cite.article_id}",
                        note_number=note_number, citation=cite, passages=tuple(passages))


def chapter(slug: str, number: int, title: str, groups=(), intro: str = "<p>The editor's introduction.</p>",
            questions=("What do the sources agree on?",), further: bool = False) -> ChapterView:
    groups = tuple(groups)
    balance: dict[str, int] = {}
    for item in groups:
        key = item.citation.perspective or "perspective not stated"
        balance[key] = balance.get(key, 0) + len(item.passages)
    return ChapterView(slug=slug, number=number, title=title, anchor=f"chapter-{slug}", intro_html=intro,
                       groups=groups, questions=tuple(questions),
                       balance=tuple(BalanceRow(k, v) for k, v in sorted(balance.items())), further=further)


def make_book(chapters, glossary=(), title: str = "A Test Book", language: str = "en", page_size: str = "A4",
              edition: EditionInfo | None = None, changes: Changes | None = None, slug: str = "test-book") -> Book:
    """A Book around `chapters`, with its list of sources derived from their groups."""
    chapters = tuple(chapters)
    by_article: dict[str, tuple[Citation, list]] = {}
    for view in chapters:
        for item in view.groups:
            entry = by_article.setdefault(item.article_id, (item.citation, []))
            entry[1].append((view.slug, view.title, item.anchor))
    outlets: dict[str, list[SourceEntry]] = {}
    for article_id, (cite, quoted) in sorted(by_article.items()):
        outlets.setdefault(cite.outlet_text, []).append(SourceEntry(cite, f"source-{article_id}", tuple(quoted)))
    sources = tuple(OutletSources(outlet=name, perspective=entries[0].citation.perspective,
                                  country=entries[0].citation.country, kind=entries[0].citation.outlet_kind,
                                  entries=tuple(entries)) for name, entries in sorted(outlets.items()))
    dates = sorted(c.date for c, _ in by_article.values() if c.date)
    return Book(title=title, subtitle="A small book for the test suite", language=language, editors=("Test Editor",),
                publisher=None, rights="Test texts.", identifier="urn:uuid:00000000-0000-4000-8000-000000000001",
                page_size=page_size, edition=edition or EditionInfo(1, dt.date(2021, 4, 1), draft=False, note=None),
                date_range=(dates[0], dates[-1]) if dates else None, chapters=chapters, glossary=tuple(glossary),
                sources=sources, changes=changes or Changes(previous=None), slug=slug)


def book_from_project(root: Path, per_chapter: int | None = None) -> tuple[Book, Project]:
    """A Book from a real project folder: articles dealt to chapters in turn, first mentions linked."""
    project = load(root)
    specs = project.chapters
    dealt: dict[str, list] = {spec.slug: [] for spec in specs}
    for index, article in enumerate(sorted(project.articles, key=lambda a: (a.meta.date or dt.date.max, a.id))):
        dealt[specs[index % len(specs)].slug].append(article)
    names = sorted(((name, term) for term in project.glossary for name in term.all_names()), key=lambda x: -len(x[0]))
    uses: dict[str, list[TermUse]] = {}
    views = []
    for number, spec in enumerate(specs, 1):
        linked: set[str] = set()
        groups = []
        for note, article in enumerate(dealt[spec.slug], 1):
            outlet = project.outlets.get(article.meta.outlet or "")
            cite = citation(article.id, article.meta.title, article.meta.outlet, outlet.perspective if outlet else None,
                            article.meta.date, country=outlet.country if outlet else None,
                            outlet_kind=outlet.kind if outlet else None, author=article.meta.author,
                            dateline=article.meta.dateline, url=article.meta.url)
            passages = []
            for item in article.passages[:per_chapter]:
                parts = _linked_parts(item.text, f"{article.id}-{item.number}", names, linked, spec, uses)
                text = re.sub(r"<[^>]+>", "", _MD.render(item.text)).strip()
                passages.append(passage(article.id, item.number, html.unescape(text), parts=parts))
            groups.append(group(spec.slug, note, cite, passages))
        views.append(chapter(spec.slug, number, spec.spec.title, groups, intro=_MD.render(spec.intro),
                             questions=tuple(_MD.renderInline(q) for q in spec.spec.questions)))
    glossary = tuple(GlossaryEntry(
        id=term.id, anchor=f"term-{term.id}", term=term.term, kind=term.kind,
        names=tuple(TermName(n.name, n.used_by) for n in term.names), aliases=tuple(term.aliases),
        definition_html=_MD.render(term.definition),
        see=tuple((target, next(t.term for t in project.glossary if t.id == target)) for target in term.see),
        uses=tuple(uses.get(term.id, ()))) for term in project.glossary)
    book = make_book(views, glossary, title=project.config.title, language=project.config.language,
                     page_size=project.config.page_size, slug=re.sub(r"[^a-z0-9]+", "-", project.config.title.lower()).strip("-"))
    book = Book(**{**book.__dict__, "subtitle": project.config.subtitle, "editors": tuple(project.config.editors),
                   "rights": project.config.rights, "identifier": project.identifier})
    return book, project


def _linked_parts(markdown: str, anchor: str, names, linked: set[str], spec, uses) -> tuple:
    """The passage's HTML split around the first mention (per chapter) of each glossary name."""
    rendered = _MD.render(markdown).strip()
    parts: list = []
    rest = rendered
    count = 0
    while True:
        best = None
        for name, term in names:
            if term.id in linked:
                continue
            match = re.search(rf"(?<![\w<]){re.escape(html.escape(name, quote=False))}(?!\w)", rest)
            if match and _outside_tag(rest[match.end():]) and (best is None or match.start() < best[0].start()):
                best = (match, term)
        if best is None:
            break
        match, term = best
        count += 1
        mention = f"{anchor}-t{count}"
        parts += [rest[: match.start()], TermMention(term.id, html.unescape(match.group(0)), mention)]
        uses.setdefault(term.id, []).append(TermUse(spec.slug, spec.spec.title, mention))
        linked.add(term.id)
        rest = rest[match.end():]
    parts.append(rest)
    return tuple(part for part in parts if part != "")


def _outside_tag(after: str) -> bool:
    """True when the text just matched is element content, not inside a tag."""
    close, open_ = after.find(">"), after.find("<")
    return close == -1 or (open_ != -1 and open_ < close)


def pull_quote_of(short: str, long: str) -> bool:
    """The words of `short` (punctuation aside, at least eight) recur as a run inside the longer `long`."""
    a, b = re.findall(r"\w+", short.casefold()), re.findall(r"\w+", long.casefold())
    return len(a) >= 8 and len(b) > len(a) and any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))
