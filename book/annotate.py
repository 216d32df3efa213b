"""Plan → Book: glossary links, citations, sources, balance and changes, ready for the renderers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
import unicodedata

from book import editions, i18n
from book.citations import attribution, balance, book_balance, citation, dominance, sources, styled_entries
from book.glossary import Linker, render_inline, render_markdown
from book.models import PASSAGE_REF_RE
from book.organise import Plan, PlannedChapter
from book.project import Project
from book.render.model import (
    ArticleGroup,
    Book,
    ChangedArticle,
    Changes,
    ChapterView,
    EditionInfo,
    GlossaryEntry,
    NotePart,
    PassageLink,
    PassageView,
    Period,
    TermName,
    TermUse,
    Timeline,
    TimelineEvent,
    TimelineReport,
)
from book.words import UNDATED


def annotate(project: Project, plan: Plan, edition: EditionInfo, linker: Linker | None = None,
             teacher: bool = False) -> Book:
    """The book the renderers read (DESIGN §3 stage 4); `linker` is a fresh one (e.g. linkcache.CachedLinker) if given.

    Notes for the teacher are in the book only with `teacher` (the teacher's edition).
    """
    linker = linker or Linker(project.glossary)
    labels = labels_of(project.config.labels)
    words = i18n.Words(project.config.language, labels)
    events = _event_anchors(project)
    styled = styled_entries(project)
    in_notes = styled if project.config.citation_style_notes else {}
    chapters = tuple(_chapter(project, planned, number, linker, events, in_notes, words)
                     for number, planned in enumerate(plan.chapters, 1))
    chapters = tuple(_with_notes(project, chapter, teacher) for chapter in chapters)
    quoted_in: dict[str, list[tuple[str, str, str]]] = {}
    for chapter in chapters:
        for group in chapter.groups:
            quoted_in.setdefault(group.article_id, []).append((chapter.slug, chapter.title, group.anchor))
    config = project.config
    dates = sorted(article.meta.date for article in project.articles if article.meta.date)
    return Book(
        title=config.title,
        subtitle=config.subtitle,
        language=config.language,
        editors=tuple(config.editors),
        publisher=config.publisher,
        rights=config.rights,
        identifier=project.identifier,
        page_size=config.page_size,
        edition=edition,
        date_range=(dates[0], dates[-1]) if dates else None,
        chapters=chapters,
        glossary=_glossary(project, chapters, linker),
        sources=sources(project, quoted_in, styled),
        changes=_changes(project, edition, quoted_in),
        slug=slugify(config.title),
        attribution=attribution(project, [chapter.balance for chapter in chapters]),
        balance=book_balance(project),
        labels=labels,
        timeline=_timeline(project, events, quoted_in),
        teacher=teacher,
    )


def labels_of(labels: dict) -> tuple:
    """book.yaml's `labels:` as the book model keeps them (a list of plural forms as a tuple)."""
    return tuple(sorted((key, tuple(value) if isinstance(value, list) else value) for key, value in labels.items()))


def slugify(title: str) -> str:
    """A file-name stem: lower-case a-z, 0-9 and single hyphens ("book" if nothing is left)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "book"


def _chapter(project: Project, planned: PlannedChapter, number: int, linker: Linker,
             events: dict[str, list[tuple[str, dt.date]]], styled: dict[str, str], words: i18n.Words) -> ChapterView:
    linker.start_chapter(planned.slug)
    order: list[str] = []
    by_article: dict[str, list[int]] = {}
    for ref in planned.refs:
        article_id, _, n = ref.rpartition(":")
        if article_id not in by_article:
            order.append(article_id)
        by_article.setdefault(article_id, []).append(int(n))
    sizes = {article_id: sum(len(project.article(article_id).passages[n - 1].text) + PER_PASSAGE for n in numbers) + PER_GROUP
             for article_id, numbers in by_article.items()}
    periods = _periods(project, order, sizes, words)
    notes = [note for _, members in periods for note in range(1, len(members) + 1)] if periods else range(1, len(order) + 1)
    level = 3 if periods else 2
    starts = {members[0] for _, members in periods}
    groups = []
    for note, article_id in zip(notes, order):
        if article_id in starts:
            linker.start_period()
        groups.append(_group(project, planned.slug, article_id, by_article[article_id], note, linker, events, styled, level))
    by_id = {group.article_id: group for group in groups}
    divided = tuple(Period(label, f"chapter-{planned.slug}--{key}", tuple(by_id[article_id] for article_id in members))
                    for (label, key), members in periods)
    rows = balance(project, planned.refs)
    return ChapterView(
        slug=planned.slug,
        number=number,
        title=words.gettext(planned.title) if planned.further else planned.title,
        anchor=f"chapter-{planned.slug}",
        intro_html=render_markdown(words.gettext(planned.intro) if planned.further else planned.intro),
        groups=tuple(groups),
        questions=tuple(render_inline(question) for question in planned.questions),
        balance=rows,
        further=planned.further,
        dominant=dominance(rows),
        periods=divided,
    )


# A long chapter is divided by publication date, each period opening on a right-hand page: a reader finds their way in
# it, and adding a source lays out again only its period (issue 22). Periods are calendar months, else quarters, else
# years: the shortest that hold PERIOD_MIN_CHARACTERS of text on average (five or six pages; a period's last page and the
# blank page before the next cost a page each), fixed by the calendar so that a new source changes only its own.
PERIOD_MIN_CHARACTERS = 18_000
PER_PASSAGE, PER_GROUP = 80, 240  # characters' worth of a passage's margins and a source line with its footnote
UNITS = ((lambda date: (date.year, date.month), lambda key: (dt.date(*key, 1), dt.date(*key, 1)), "{0:04d}-{1:02d}"),
         (lambda date: (date.year, (date.month - 1) // 3),
          lambda key: (dt.date(key[0], key[1] * 3 + 1, 1), dt.date(key[0], key[1] * 3 + 3, 1)), "{0:04d}-q{1}"),
         (lambda date: (date.year,), lambda key: (dt.date(key[0], 1, 1), dt.date(key[0], 12, 1)), "{0:04d}"))


def _periods(project: Project, order: list[str], sizes: dict[str, int],
             words: i18n.Words) -> list[tuple[tuple[str, str], list[str]]]:
    """The periods of a long chapter ((label, anchor key), article ids in order): the shortest unit whose periods hold
    PERIOD_MIN_CHARACTERS on average; none when no unit gives two periods that long."""
    total = sum(sizes.values())
    if total < 2 * PERIOD_MIN_CHARACTERS:
        return []
    dates = [project.article(article_id).meta.date for article_id in order]  # date order, undated last
    for unit, span, anchor in UNITS:
        runs: dict = {}
        for article_id, date in zip(order, dates):
            runs.setdefault(unit(date) if date else None, []).append(article_id)
        if len(runs) >= 2 and total >= PERIOD_MIN_CHARACTERS * len(runs):
            return [((words.period(*span(key)), anchor.format(*key)) if key else (words.gettext(UNDATED), "undated"), members)
                    for key, members in runs.items()]
    return []


def _group(project: Project, slug: str, article_id: str, numbers: list[int], note: int, linker: Linker,
           events: dict[str, list[tuple[str, dt.date]]], styled: dict[str, str], level: int = 2) -> ArticleGroup:
    article = project.article(article_id)
    views = []
    previous = 0
    section = None
    for n in numbers:
        passage = article.passages[n - 1]
        anchor = f"{article_id}-{n}"
        parts, text = linker.passage(passage.text, anchor)
        subhead = render_inline(passage.subhead) if passage.subhead and passage.subhead != section else ""
        section = passage.subhead
        views.append(PassageView(ref=passage.ref, anchor=anchor, parts=parts, text=text, gap_before=n != previous + 1,
                                 events=tuple(events.get(passage.ref, ())), subhead=subhead))
        previous = n
    return ArticleGroup(
        article_id=article_id,
        anchor=f"{slug}--{article_id}",
        note_number=note,
        citation=citation(project, article, styled.get(article_id)),
        passages=tuple(views),
        level=level,
    )


def _glossary(project: Project, chapters: tuple[ChapterView, ...], linker: Linker) -> tuple[GlossaryEntry, ...]:
    terms = {term.id: term.term for term in project.glossary}
    entries = []
    for term in project.glossary:
        uses = []
        for chapter in chapters:
            anchor = linker.use_anchor(term.id, chapter.slug)
            if anchor:
                uses.append(TermUse(chapter.slug, chapter.title, anchor))
        entries.append(
            GlossaryEntry(
                id=term.id,
                anchor=f"term-{term.id}",
                term=term.term,
                kind=term.kind,
                names=tuple(TermName(name.name, name.used_by) for name in term.names),
                aliases=tuple(term.aliases),
                definition_html=render_markdown(term.definition),
                see=tuple((target, terms.get(target, target)) for target in term.see),
                uses=tuple(uses),
            )
        )
    return tuple(sorted(entries, key=lambda entry: (entry.term.casefold(), entry.id)))


def _changes(project: Project, edition: EditionInfo, quoted_in: dict[str, list[tuple[str, str, str]]]) -> Changes:
    """What this edition changes since the edition before it: sources added, changed (how) and removed."""
    diff = editions.whats_new(project, edition)
    titles = {**diff.titles, **{article.id: article.meta.title for article in project.articles}}

    def changed(article_id: str, what: str) -> ChangedArticle:
        places = quoted_in.get(article_id)
        anchor = places[0][2] if places and what != "removed" else None
        return ChangedArticle(article_id, titles.get(article_id, article_id), anchor, what)

    return Changes(
        previous=diff.previous,
        added=tuple(changed(i, "added") for i in diff.added),
        changed=tuple(changed(i, diff.how[i]) for i in diff.changed),
        removed=tuple(changed(i, "removed") for i in diff.removed),
    )


def _dated_events(project: Project):
    """timeline.yaml's events in date order (file order within a day), each with its anchor."""
    seen: dict[dt.date, int] = {}
    for event in sorted(project.timeline, key=lambda event: event.date):
        seen[event.date] = seen.get(event.date, 0) + 1
        yield f"event-{event.date.isoformat()}-{seen[event.date]}", event


def _event_anchors(project: Project) -> dict[str, list[tuple[str, dt.date]]]:
    """Passage ref → (anchor, date) of each event it reports, so that a passage can link to its events."""
    reported: dict[str, list[tuple[str, dt.date]]] = {}
    for anchor, event in _dated_events(project):
        for report in event.report_list():
            reported.setdefault(report.passage, []).append((anchor, event.date))
    return reported


def _timeline(project: Project, events, quoted_in: dict[str, list[tuple[str, str, str]]]) -> Timeline | None:
    """The editor's timeline or, without timeline.yaml, the sources by publication date (None if none is dated)."""
    if project.timeline:
        views = []
        for anchor, event in _dated_events(project):
            reports = []
            for report in event.report_list():
                article_id, _, n = report.passage.partition(":")
                reports.append(TimelineReport(
                    anchor=f"{article_id}-{n}", citation=citation(project, project.article(article_id)),
                    date=report.date if report.date != event.date else None,
                    account_html=render_inline(report.account) if report.account else None))
            views.append(TimelineEvent(anchor, event.date, render_inline(event.event), tuple(reports)))
        differ = any(report.date or report.account_html for view in views for report in view.reports)
        return Timeline(tuple(views), of_sources=False, accounts_differ=differ)
    dated = sorted((article for article in project.articles if article.meta.date and article.id in quoted_in),
                   key=lambda article: (article.meta.date, article.id))
    if not dated:
        return None
    views = tuple(
        TimelineEvent(f"timeline-{article.id}", article.meta.date, f"<cite>{html.escape(article.meta.title)}</cite>",
                      (TimelineReport(quoted_in[article.id][0][2], citation(project, article)),))
        for article in dated)
    return Timeline(views, of_sources=True, undated=sum(1 for article in project.articles if article.meta.date is None))


def _with_notes(project: Project, chapter: ChapterView, teacher: bool) -> ChapterView:
    """The chapter with its handout settings and, in the teacher's edition only, the notes for the teacher."""
    spec = next((c.spec for c in project.chapters if c.slug == chapter.slug), None)
    if spec is None:  # "Further reporting": no file, no notes
        return chapter
    if not teacher:
        return dataclasses.replace(chapter, answer_lines=spec.handout.answer_lines)
    notes = tuple(_note_parts(project, render_markdown(q.note)) if q.note else None for q in spec.question_list())
    return dataclasses.replace(
        chapter, answer_lines=spec.handout.answer_lines, question_notes=notes if any(notes) else (),
        teacher_notes=_note_parts(project, render_markdown(spec.teacher_notes)) if spec.teacher_notes else None)


_TAG = re.compile(r"(<[^>]*>)")


def _note_parts(project: Project, note_html: str) -> tuple[NotePart, ...]:
    """The note's HTML with each passage it names ("<article-id>:<n>", checked by the loader) as a PassageLink."""
    parts: list[NotePart] = []
    text = ""
    for piece in _TAG.split(note_html):
        if piece.startswith("<"):  # a tag: references inside attributes are never touched
            text += piece
            continue
        end = 0
        for match in PASSAGE_REF_RE.finditer(piece):
            cited = citation(project, project.article(match.group(1)))
            parts += [text + piece[end:match.start()],
                      PassageLink(f"{match.group(1)}-{match.group(2)}", f"{cited.outlet_text}, {cited.date_text}")]
            text, end = "", match.end()
        text += piece[end:]
    return tuple(part for part in (*parts, text) if part)
