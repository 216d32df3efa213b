"""The contracts between stages: Pydantic models for everything read from disk (DESIGN §1), and the project as loaded."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from book.errors import Diagnostic

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ID_RE = re.compile(ID_PATTERN)
# A passage reference inside the editor's prose ("see reuters-2020-11-06-truce:8"): an id with a letter, a colon, a number.
PASSAGE_REF_RE = re.compile(r"(?<![\w/.:#-])((?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*):(\d+)(?![\w:])")

# An empty name, keyword or reference would match everywhere (or nothing); whitespace is stripped first.
NonEmpty = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    """Base for file contracts: unknown keys are errors, objects are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, coerce_numbers_to_str=True)


def iso_date_only(value):
    """A date written as YYYY-MM-DD (YAML's own dates are that already); anything else is refused, never guessed."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(f"'{value}' is not an ISO date (YYYY-MM-DD)")
    return value


class BookConfig(Strict):
    """book.yaml"""

    title: str = Field(min_length=1)
    subtitle: str | None = None
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
    editors: list[NonEmpty] = []
    publisher: str | None = None
    rights: str | None = None
    identifier: str | None = None
    page_size: Literal["A4", "Letter"] = "A4"
    chapters: list[NonEmpty] | None = None
    citation_style: NonEmpty | None = None  # a CSL style for the list of sources: apa, mla, chicago-author-date, …
    citation_style_notes: bool = False  # the footnotes in that style too
    labels: dict[str, Annotated[str, Field(min_length=1)] | list[NonEmpty]] = {}  # the book's own words overridden


class Outlet(Strict):
    """One entry of corpus/outlets.yaml: who publishes, from where, from which side."""

    country: str | None = None
    kind: str | None = None
    perspective: str | None = None


# What an editor may record for a source that does not print it, with a note saying how it was established.
SUPPLIABLE = ("outlet", "date", "author")


class ArticleMeta(Strict):
    """The front matter of corpus/<article-id>.md.

    `supplied` maps a field the source itself does not print (outlet, date, author) to the
    editor's note on how its value was established; the book prints such values in square brackets.
    """

    title: str = Field(min_length=1)
    outlet: str | None = None
    date: dt.date | None = None
    author: str | None = None
    credits: str | None = None   # production credits: "Reporting by …; Editing by …"
    dateline: str | None = None
    url: str | None = None
    standfirst: str | None = None
    provenance: str | None = None
    fingerprint: str | None = Field(default=None, pattern=r"^sha256:[0-9a-f]{64}$")  # of the source's text, by book add
    supplied: dict[str, str | None] = {}
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # the source's, if not the book's

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date_only(cls, value):
        return iso_date_only(value)

    def supplied_problems(self) -> list[tuple[str, str]]:
        """(key of `supplied`, what is wrong with it): each supplied value needs its value and a note."""
        problems = []
        for key, note in self.supplied.items():
            if key not in SUPPLIABLE:
                problems.append((key, f"supplied: '{key}' cannot be supplied; only {', '.join(SUPPLIABLE)} can"))
            elif not note:
                problems.append((key, f"supplied.{key}: a supplied {key} needs a note saying how it was established "
                                      f"(e.g. 'identified from the byline')"))
            elif getattr(self, key) is None:
                problems.append((key, f"supplied.{key}: there is no {key} to explain: set '{key}:' to the value you established"))
        return problems

    def is_supplied(self, key: str) -> bool:
        return bool(self.supplied.get(key)) and getattr(self, key, None) is not None


class ChapterMatch(Strict):
    """How passages are scored for a chapter."""

    terms: list[NonEmpty] = []
    keywords: list[NonEmpty] = []
    min_score: int = Field(default=1, ge=1)

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, value: list[str]) -> list[str]:
        for keyword in value:
            if not keyword.strip(" *"):
                raise ValueError("a keyword must contain a word")
        return value


class Question(Strict):
    """A discussion question with a note for the teacher (printed only in the teacher's edition)."""

    question: NonEmpty  # Markdown, one line
    note: str | None = None  # Markdown; `<article-id>:<n>` in it links to that passage


class Handout(Strict):
    """How the chapter's handout is printed."""

    answer_lines: int = Field(default=0, ge=0, le=40)  # ruled lines under each question, for written answers


class ChapterSpec(Strict):
    """The front matter of chapters/<NN>-<slug>.md."""

    title: str = Field(min_length=1)
    match: ChapterMatch = ChapterMatch()
    include: list[NonEmpty] = []
    exclude: list[NonEmpty] = []
    questions: list[NonEmpty | Question] = []
    teacher_notes: str | None = None  # Markdown, printed only in the teacher's edition
    handout: Handout = Handout()

    def question_list(self) -> list[Question]:
        """Every question as a Question (a plain one has no note)."""
        return [Question(question=q) if isinstance(q, str) else q for q in self.questions]


TermKind = Literal["place", "person", "organisation", "agreement", "event", "weapon", "concept"]


class TermName(Strict):
    """One of a term's names, and who uses it (contested names sit side by side)."""

    name: str = Field(min_length=1)
    used_by: str | None = None


class Term(Strict):
    """One entry of glossary.yaml."""

    id: str = Field(pattern=ID_PATTERN)
    term: str = Field(min_length=1)
    kind: TermKind
    names: list[TermName] = []
    aliases: list[NonEmpty] = []
    definition: str = Field(min_length=1)
    see: list[NonEmpty] = []
    link: Literal["first", "all", "none"] = "first"

    def all_names(self) -> list[str]:
        """The term, its names and its aliases, without repeats, in glossary order."""
        seen: dict[str, None] = {self.term: None}
        for name in self.names:
            seen.setdefault(name.name, None)
        for alias in self.aliases:
            seen.setdefault(alias, None)
        return list(seen)


class SourceRecord(Strict):
    """One source as an edition recorded it: its title, and fingerprints of its text and of its metadata."""

    title: str
    text: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    meta: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")


class Edition(Strict):
    """editions/<n>.yaml: one released edition.

    A source is a SourceRecord; manifests written before it existed hold one fingerprint
    of text and metadata together ("sha256:…"), and are read as they are.
    """

    edition: int = Field(ge=1)
    released: dt.date
    note: str | None = None
    sources: dict[str, SourceRecord | str] = {}


class TimelineReport(Strict):
    """One passage that reports a timeline event; `date` and `account` where this source differs from the event."""

    passage: NonEmpty  # "<article-id>:<n>"
    date: dt.date | None = None  # the date this source gives, when it is not the event's
    account: str | None = None  # the editor's words for how this source tells it differently (Markdown, one line)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date_only(cls, value):
        return iso_date_only(value)


class TimelineEvent(Strict):
    """One entry of timeline.yaml: a dated event in the editor's neutral words, and the passages that report it."""

    date: dt.date
    event: str = Field(min_length=1)  # Markdown, one line
    reports: list[NonEmpty | TimelineReport] = Field(min_length=1)

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date_only(cls, value):
        return iso_date_only(value)

    def report_list(self) -> list[TimelineReport]:
        """Every report as a TimelineReport (a bare reference is one with no date or account of its own)."""
        return [TimelineReport(passage=r) if isinstance(r, str) else r for r in self.reports]


# --- the project as loaded: frozen dataclasses that flow between stages -----------------


@dataclass(frozen=True)
class Passage:
    """One paragraph, block quote or list of an article, addressed as `<article-id>:<n>`."""

    article_id: str
    number: int
    text: str
    line: int
    subhead: str | None = None  # Markdown of the source's own subhead the passage stands under, if any

    @property
    def ref(self) -> str:
        return f"{self.article_id}:{self.number}"


@dataclass(frozen=True)
class Article:
    """One source article: its front matter and its passages, word for word."""

    id: str
    meta: ArticleMeta
    body: str
    passages: tuple[Passage, ...]
    path: str
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)  # front-matter key → line

    def line(self, key: str) -> int:
        """The line of a front-matter key (where it would go, the front matter's first line, if absent)."""
        return self.lines.get(key, 2)


@dataclass(frozen=True)
class Chapter:
    """One themed chapter: its rules and the editor's introduction."""

    slug: str
    spec: ChapterSpec
    intro: str
    path: str


@dataclass(frozen=True)
class Project:
    """A whole, valid book project."""

    root: Path
    config: BookConfig
    outlets: dict[str, Outlet]
    articles: tuple[Article, ...]
    chapters: tuple[Chapter, ...]
    glossary: tuple[Term, ...]
    editions: tuple[Edition, ...]
    warnings: tuple[Diagnostic, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()  # timeline.yaml's events in file order (none: the book has no such file)
    _articles: dict[str, Article] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._articles.update({article.id: article for article in self.articles})

    @property
    def identifier(self) -> str:
        """book.yaml's identifier, or a stable one derived from the title."""
        return self.config.identifier or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.config.title)}"

    def article(self, article_id: str) -> Article:
        return self._articles[article_id]

    @property
    def passages(self) -> tuple[Passage, ...]:
        return tuple(passage for article in self.articles for passage in article.passages)
