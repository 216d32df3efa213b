"""Jinja2 environment (StrictUndefined, autoescape) and link targets per output.

The partials in `templates/parts/` are output-neutral: they take a `links` object and
ask it where a term, chapter, passage, group or source lives in the output being made
(and, for print, on which page an anchor landed). Only the page wrapper, the link
targets and the style sheet differ between PDF, EPUB and HTML (DESIGN §3.5).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import jinja2
from markupsafe import Markup

from book.render.model import Book, PassageLink, TermMention

ASSETS = Path(__file__).resolve().parent  # templates/, styles/, fonts/
ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
         (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


class Links:
    """Where things are in one output: every target lives in the same document (`#anchor`).

    `output` is "pdf", "epub" or "html"; a method returning None means "no link here".
    """

    def __init__(self, output: str, pages: dict[str, int] | None = None):
        self.output = output
        self._pages = pages or {}

    def fingerprint(self) -> str | None:
        """All that this object's answers depend on, for HTML kept across builds; None for HTML not worth keeping.

        That is HTML with page numbers (they move with every layout) and, since only this
        class's answers are known here, HTML made with a subclass (EPUB, handouts).
        """
        return self.output if type(self) is Links and not self._pages else None

    def term(self, term_id: str) -> str | None:
        return f"#term-{term_id}"

    def chapter(self, slug: str) -> str | None:
        return f"#chapter-{slug}"

    def passage(self, anchor: str) -> str | None:
        return f"#{anchor}"

    def group(self, anchor: str) -> str | None:
        return f"#{anchor}"

    def source(self, article_id: str) -> str | None:
        return f"#source-{article_id}"

    def event(self, anchor: str) -> str | None:
        """A timeline event (back matter)."""
        return f"#{anchor}"

    def chart(self, chapter) -> str:
        """The URL of the chapter's balance chart: a `data:` URL, so that nothing outside the page is fetched."""
        from book.render.chart import data_url

        return data_url(chapter.balance)

    def page(self, anchor: str) -> int | None:
        """The printed page number where `anchor` landed (print only; None elsewhere)."""
        return self._pages.get(anchor)

    def pages(self, anchors) -> list[tuple[int, str]]:
        """Distinct (page, first anchor on that page) for `anchors`, in page order."""
        found: dict[int, str] = {}
        for anchor in anchors:
            number = self.page(anchor)
            if number is not None:
                found.setdefault(number, anchor)
        return sorted(found.items())


class HandoutLinks(Links):
    """One chapter on its own, with the glossary of the terms it uses: other links are dropped, page numbers unknown."""

    def __init__(self, chapter_slug: str):
        super().__init__("pdf")
        self.chapter_slug = chapter_slug

    def term(self, term_id: str) -> str | None:
        return f"#term-{term_id}"  # the handout's own "Terms used in this chapter"

    def chapter(self, slug: str) -> str | None:
        return f"#chapter-{slug}" if slug == self.chapter_slug else None

    def source(self, article_id: str) -> str | None:
        return None

    def event(self, anchor: str) -> str | None:
        return None


def roman(number: int) -> str:
    """Lower-case roman numeral, as printed on front-matter pages."""
    out = []
    for value, letters in ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


# The back matter, in book order: (anchor, title, EPUB landmark type) — shared by every output.
BACK_SECTIONS = (
    ("whats-new", "What’s new in this edition", None),
    ("timeline", "Timeline", None),
    ("glossary", "Glossary", "glossary"),
    ("sources", "Sources", "bibliography"),
)


def back_sections(book) -> tuple[tuple[str, str], ...]:
    """(anchor, title) of the back matter sections this book has (no glossary without entries, no timeline without events)."""
    missing = {"glossary": not book.glossary, "timeline": book.timeline is None}
    return tuple((anchor, title) for anchor, title, _ in BACK_SECTIONS if not missing.get(anchor))


# Fixed, not strftime('%B'): the machine's locale must not change the book's bytes.
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def long_date(value: dt.date | None) -> str:
    """"11 November 2020", language-neutral enough for a colophon; "n.d." when unknown."""
    if value is None:
        return "n.d."
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def is_mention(part) -> bool:
    return isinstance(part, TermMention)


def chart_alt(rows) -> str:
    from book.render.chart import alt_text

    return alt_text(rows)


def is_passage_link(part) -> bool:
    return isinstance(part, PassageLink)


# While a build keeps rendered article groups (book.cache.rendering): where they are kept.
kept_groups = None


@jinja2.pass_context
def article_group(context, group) -> Markup:
    """One article group's HTML (parts/group.html), rendered from the group, the links and (EPUB) the glossary only.

    Print and web groups come from `kept_groups` when one is set, if the links allow
    (`Links.fingerprint`); the others are always rendered.
    """
    links = context["links"]
    variables = {"links": links}
    if "glossary" in context:
        variables["glossary"] = context["glossary"]

    def render(note_number) -> str:
        return environment().get_template("parts/group.html").render(variables, group=group, note_number=note_number)

    kept_as = links.fingerprint() if kept_groups is not None else None
    if kept_as is None:
        return Markup(render(group.note_number))
    return Markup(kept_groups.html(group, kept_as, render))


@functools.cache
def environment() -> jinja2.Environment:
    """The templates of all outputs; undefined names are errors, text is escaped."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("book.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # the package's templates do not change during a build: no stat() per include
    )
    env.filters["roman"] = roman
    env.filters["long_date"] = long_date
    env.tests["mention"] = is_mention
    env.tests["passage_link"] = is_passage_link
    env.globals["article_group"] = article_group
    env.filters["chart_alt"] = chart_alt
    return env


def render(template: str, **context) -> str:
    """One template rendered with `context`."""
    return environment().get_template(template).render(**context)


def asset_url(relative: str) -> str:
    """The file: URL of a packaged asset (style sheet, font), as the print HTML links it."""
    return (ASSETS / relative).as_uri()


def metadata(book: Book) -> dict[str, str]:
    """Title, author, subject and keywords as the print HTML's <meta> carry them."""
    return {
        "author": ", ".join(book.editors),
        "description": book.subtitle or book.title,
        "keywords": ", ".join(chapter.title for chapter in book.chapters),
    }
