"""The book as the renderers see it: chapters → article groups → passages → parts.

This is the contract between annotate (organise + glossary + citations + editions)
and render (html, pdf, epub). Everything is frozen; renderers only read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from book import i18n
from book.words import NO_OUTLET, NO_PERSPECTIVE  # English; each output shows them translated


def perspective_text(value: str) -> str:
    """"outlet not named" and "perspective not stated" in the book's language; any other perspective as it is."""
    return i18n.current().gettext(value) if value in (NO_OUTLET, NO_PERSPECTIVE) else value


@dataclass(frozen=True)
class TermMention:
    """A linked mention of a glossary term inside a passage; `text` is the source's own words."""

    term_id: str
    text: str
    anchor: str  # id of the mention itself, target of the glossary's back-links


Part = str | TermMention  # a str part is trusted HTML rendered from the source's Markdown


@dataclass(frozen=True)
class PassageLink:
    """A passage named in the editor's note for the teacher ("<article-id>:<n>"), printed as its source."""

    anchor: str  # the passage's anchor
    text: str  # its source: outlet and date


NotePart = str | PassageLink  # a str part is trusted HTML rendered from the editor's Markdown


@dataclass(frozen=True)
class PassageView:
    """One passage, word for word, with its glossary links."""

    ref: str  # "<article-id>:<n>"
    anchor: str  # "<article-id>-<n>": stable between editions
    parts: tuple[Part, ...]
    text: str  # the plain text of the passage (no markup), as the reader sees it
    gap_before: bool  # True when an earlier passage of the article is left out just before it
    events: tuple[tuple[str, dt.date], ...] = ()  # (anchor, date) of the timeline events this passage reports
    subhead: str = ""  # trusted HTML of the source's own subhead, shown where the group enters its section


@dataclass(frozen=True)
class Citation:
    """Who said it, where and when; unknowns stay unknown ("n.d.", "outlet not named")."""

    article_id: str
    title: str
    outlet: str | None
    perspective: str | None
    country: str | None
    outlet_kind: str | None
    date: dt.date | None
    author: str | None
    dateline: str | None
    url: str | None
    supplied: tuple[tuple[str, str], ...] = ()  # (field, the editor's note): values the source does not print
    language: str | None = None  # the source's language when its front matter gives one (BCP 47)
    credits: str | None = None  # the source's production credits ("Reporting by …; Editing by …")
    styled: str | None = None  # the note in book.yaml's citation style (trusted HTML), when notes use it

    def note(self, field: str) -> str | None:
        """The editor's note on how a supplied value was established (None: the source prints it)."""
        return next((note for key, note in self.supplied if key == field), None)

    def _shown(self, field: str, value: str) -> str:
        """A supplied value in square brackets, as library catalogues print what the item does not say."""
        return f"[{value}]" if self.note(field) is not None else value

    @property
    def outlet_text(self) -> str:
        return self._shown("outlet", self.outlet) if self.outlet else i18n.current().gettext(NO_OUTLET)

    @property
    def date_text(self) -> str:
        return self._shown("date", self.date.isoformat()) if self.date else i18n.current().date(None)

    @property
    def author_text(self) -> str | None:
        return self._shown("author", self.author) if self.author else None


@dataclass(frozen=True)
class ArticleGroup:
    """The passages of one article that a chapter quotes, with one citation."""

    article_id: str
    anchor: str  # "<chapter-slug>--<article-id>"
    note_number: int  # citation footnote number, restarting at 1 in each chapter (in each period of a divided one)
    citation: Citation
    passages: tuple[PassageView, ...]
    level: int = 2  # its source line's heading level: 3 under a period's heading


@dataclass(frozen=True)
class BalanceRow:
    """How many of a chapter's passages come from one perspective."""

    perspective: str  # "perspective not stated" when the outlet has none
    passages: int


@dataclass(frozen=True)
class Dominance:
    """One perspective supplies more than two thirds of a chapter's passages: the chapter says so."""

    perspective: str  # as in BalanceRow
    passages: int
    total: int
    kind: str  # "perspective" | "no outlet" | "no perspective"


@dataclass(frozen=True)
class Period:
    """The sources of a long chapter published in one month, quarter or year (or undated): a part of it with a heading,
    opening on a right-hand page in print, its notes numbered from 1."""

    label: str  # "October 2020", "January – March 2020", "2020" or "Undated", in the book's language
    anchor: str  # "<chapter anchor>--<first month>" ("…--undated")
    groups: tuple[ArticleGroup, ...]


@dataclass(frozen=True)
class ChapterView:
    slug: str
    number: int  # 1-based position in the book
    title: str
    anchor: str  # "chapter-<slug>"
    intro_html: str
    groups: tuple[ArticleGroup, ...]
    questions: tuple[str, ...]  # HTML
    balance: tuple[BalanceRow, ...]
    further: bool = False  # the final "Further reporting" chapter
    dominant: Dominance | None = None  # set when one perspective supplies more than two thirds of the passages
    question_notes: tuple[tuple[NotePart, ...] | None, ...] = ()  # teacher's edition only: one per question
    teacher_notes: tuple[NotePart, ...] | None = None  # teacher's edition only: the chapter's teaching notes
    answer_lines: int = 0  # handouts: ruled lines for an answer under each question
    periods: tuple[Period, ...] = ()  # a long chapter divided by date (annotate.PERIOD_MIN_GROUPS): its groups, in order


@dataclass(frozen=True)
class TermUse:
    """Where a glossary term is used: a chapter and the anchor of the mention."""

    chapter_slug: str
    chapter_title: str
    anchor: str


@dataclass(frozen=True)
class TermName:
    name: str
    used_by: str | None


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    anchor: str  # "term-<id>"
    term: str
    kind: str
    names: tuple[TermName, ...]  # contested or alternative names, glossary order, none preferred
    aliases: tuple[str, ...]
    definition_html: str
    see: tuple[tuple[str, str], ...]  # (term id, term) cross-references
    uses: tuple[TermUse, ...]


@dataclass(frozen=True)
class SourceEntry:
    citation: Citation
    anchor: str  # "source-<article-id>"
    quoted_in: tuple[tuple[str, str, str], ...]  # (chapter slug, chapter title, group anchor)
    styled: str | None = None  # the entry in book.yaml's citation style (trusted HTML)


@dataclass(frozen=True)
class OutletSources:
    outlet: str  # "outlet not named" for articles without one
    perspective: str | None
    country: str | None
    kind: str | None
    entries: tuple[SourceEntry, ...]


@dataclass(frozen=True)
class ChangedArticle:
    article_id: str
    title: str
    anchor: str | None  # where it is quoted now (None when removed)
    what: str  # "added" | "text changed" | "metadata changed" | "text and metadata changed" | "changed" | "removed"


@dataclass(frozen=True)
class EditionInfo:
    number: int
    date: dt.date
    draft: bool
    note: str | None

    @property
    def label(self) -> str:
        words = i18n.current()
        label = words.gettext("Edition %(number)s") % {"number": words.number(self.number)}
        return words.gettext("%(edition)s (draft)") % {"edition": label} if self.draft else label


@dataclass(frozen=True)
class Changes:
    """What changed since the previous edition; `previous` is None for the first edition."""

    previous: int | None
    added: tuple[ChangedArticle, ...] = ()
    changed: tuple[ChangedArticle, ...] = ()
    removed: tuple[ChangedArticle, ...] = ()


@dataclass(frozen=True)
class TimelineReport:
    """A passage (or, in a timeline of sources, an article group) that reports an event, and its source."""

    anchor: str  # where it is quoted: a passage anchor, or a group anchor
    citation: Citation
    date: dt.date | None = None  # the date this source gives, when it is not the event's
    account_html: str | None = None  # the editor's words for how this source tells it differently


@dataclass(frozen=True)
class TimelineEvent:
    anchor: str  # "event-<YYYY-MM-DD>-<k>" (k-th event of that day), or "timeline-<article-id>" for a source
    date: dt.date
    event_html: str  # the editor's words; in a timeline of sources, the source's title in <cite>
    reports: tuple[TimelineReport, ...]


@dataclass(frozen=True)
class Timeline:
    """timeline.yaml's events in date order or, without it, the dated sources in order of publication."""

    events: tuple[TimelineEvent, ...]
    of_sources: bool  # True: no timeline.yaml, the events are the sources' publication
    undated: int = 0  # sources left out of a timeline of sources for want of a date
    accounts_differ: bool = False  # some report gives another date or account than its event


@dataclass(frozen=True)
class Attribution:
    """What the book can say of its sources, counted: every sentence it says about them comes from here."""

    sources: int
    passages: int
    outlet_named: int  # the source names its outlet
    outlet_supplied: int  # the editors established it (printed in square brackets)
    outlet_missing: int  # cited as "outlet not named"
    dated: int  # the source gives its date
    date_supplied: int
    undated: int  # cited as "n.d."
    author_supplied: int
    perspective_missing: int  # sources whose outlet is known but has no stated perspective
    chapters: int
    dominated_chapters: int  # chapters where one perspective supplies more than two thirds of the passages
    countries: tuple[tuple[str, int], ...] = ()  # (country of the outlet, sources), by name
    country_missing: int = 0  # sources whose outlet's country is not stated (or that name no outlet)


@dataclass(frozen=True)
class PerspectiveShare:
    """How much of the whole book comes from one perspective."""

    perspective: str  # as in BalanceRow
    sources: int
    passages: int


@dataclass(frozen=True)
class Book:
    title: str
    subtitle: str | None
    language: str
    editors: tuple[str, ...]
    publisher: str | None
    rights: str | None
    identifier: str
    page_size: str  # "A4" | "Letter"
    edition: EditionInfo
    date_range: tuple[dt.date, dt.date] | None  # earliest and latest dated source
    chapters: tuple[ChapterView, ...]
    glossary: tuple[GlossaryEntry, ...]
    sources: tuple[OutletSources, ...]
    changes: Changes
    slug: str  # the book's name for files, e.g. "nagorno-karabakh-2020"
    attribution: Attribution | None = None  # None only for books made by hand (tests): nothing is said then
    balance: tuple[PerspectiveShare, ...] = ()  # the whole book by perspective, most passages first
    labels: tuple[tuple[str, str | tuple[str, ...]], ...] = ()  # book.yaml's `labels:`, the project's own wording
    timeline: Timeline | None = None  # None: no timeline.yaml and no dated source
    teacher: bool = False  # the teacher's edition: notes for the teacher printed, marked on cover, title page, heads
    large_print: bool = False  # the print edition set in large print

    def words(self) -> i18n.Words:
        """The book's fixed words: its language's catalogue with the project's labels."""
        return i18n.Words(self.language, self.labels)

    @property
    def teacher_note_count(self) -> int:
        """How many notes for the teacher the book prints (questions' notes and chapters' teaching notes)."""
        return sum(sum(1 for note in chapter.question_notes if note) + bool(chapter.teacher_notes)
                   for chapter in self.chapters)

    @property
    def edition_label(self) -> str:
        """"Edition 2", "Edition 2 · Teacher’s edition": what the cover and title page say this book is."""
        return self.edition.label + (" · " + i18n.current().gettext("Teacher’s edition") if self.teacher else "")

    @property
    def stem(self) -> str:
        """File-name stem of this edition's outputs, e.g. "nagorno-karabakh-2020-edition-2"."""
        return (f"{self.slug}-edition-{self.edition.number}" + ("-teacher" if self.teacher else "")
                + ("-large-print" if self.large_print else ""))
