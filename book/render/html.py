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
from markupsafe import Markup, escape

from book import i18n
from book.render.model import Book, PassageLink, TermMention, perspective_text
from book.words import BACK_TITLES, CHANGES, TERM_KINDS

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
# Titles are the English messages: each output shows them through the book's catalogue (`_(title)`).
BACK_SECTIONS = tuple((anchor, BACK_TITLES[anchor], landmark)
                      for anchor, landmark in (("whats-new", None), ("timeline", None), ("glossary", "glossary"),
                                               ("sources", "bibliography")))


def back_sections(book) -> tuple[tuple[str, str], ...]:
    """(anchor, title) of the back matter sections this book has (no glossary without entries, no timeline without events)."""
    missing = {"glossary": not book.glossary, "timeline": book.timeline is None}
    return tuple((anchor, title) for anchor, title, _ in BACK_SECTIONS if not missing.get(anchor))


def long_date(value: dt.date | None) -> str:
    """"11 November 2020" in the book's language (Babel's locale data, never the machine's); "n.d." when unknown."""
    return i18n.current().date(value)


def unknown(value: str) -> str:
    """"outlet not named" and "perspective not stated" in the book's language; any other value as it is."""
    return perspective_text(value)


def term_kind(kind: str) -> str:
    return i18n.current().gettext(TERM_KINDS[kind]) if kind in TERM_KINDS else kind


def change(what: str) -> str:
    return i18n.current().gettext(CHANGES[what]) if what in CHANGES else what


def number(value) -> str:
    """An integer in the book's locale; anything else (None, text) as it is."""
    return i18n.current().number(value) if isinstance(value, int) else ("" if value is None else str(value))


def country_counts(countries) -> list[str]:
    """(country, sources) → "Armenia (3 sources)", "Turkey (1)": the first says what is counted."""
    words = i18n.current()
    shown = []
    for country, count in countries:
        counted = words.ngettext("%(num)s source", "%(num)s sources", count) % {"num": count} if not shown else count
        shown.append(f"{country} ({counted})")
    return shown


def join_list(items) -> str:
    return i18n.current().join(list(items))


def quote(text: str) -> str:
    return i18n.current().quote(str(text))


def cite(title: str) -> Markup:
    """A work's title as <cite> (HTML)."""
    return Markup("<cite>%s</cite>") % title


@jinja2.pass_context
def lang_attrs(context, language: str | None) -> Markup:
    """` lang="ru"` (and `xml:lang` in the EPUB's XHTML) for text in another language than the book's; else nothing."""
    words = i18n.current()
    if not language or language == words.language:
        return Markup("")
    direction = i18n.direction(language)
    attrs = Markup(' lang="%s"') % language
    if context["links"].output == "epub":
        attrs += Markup(' xml:lang="%s"') % language
    if direction != words.direction:  # a quotation in the other direction is laid out (and isolated) as its own
        attrs += Markup(' dir="%s"') % direction
    return attrs


def bidi(text):
    """In a right-to-left book, `text` isolated (FSI … PDI) so that a name, number or address in another
    direction keeps its order inside the sentence around it; elsewhere `text` as it is.

    Characters rather than `unicode-bidi: isolate`, which WeasyPrint 70 does not support.
    """
    if i18n.current().direction != "rtl" or text is None or text == "":
        return text
    if isinstance(text, Markup):
        return Markup("\u2068") + text + Markup("\u2069")
    return f"\u2068{text}\u2069"


# The book's words, looked up when a template runs (one compiled template serves every language), with
# Jinja's "newstyle" gettext behaviour: `%(name)s` filled from keyword arguments, escaped when autoescaping.
@jinja2.pass_context
def _gettext(context, message: str, **variables):
    return _formatted(context, i18n.current().gettext(message), variables)


@jinja2.pass_context
def _ngettext(context, singular: str, plural: str, num: int, **variables):
    return _formatted(context, i18n.current().ngettext(singular, plural, num), {"num": num, **variables})


@jinja2.pass_context
def _pgettext(context, message_context: str, message: str, **variables):
    return _formatted(context, i18n.current().pgettext(message_context, message), variables)


@jinja2.pass_context
def _npgettext(context, message_context: str, singular: str, plural: str, num: int, **variables):
    return _formatted(context, i18n.current().npgettext(message_context, singular, plural, num), {"num": num, **variables})


def _formatted(context, text: str, variables: dict):
    """The message with its placeholders filled; each value isolated in a right-to-left book (see `bidi`)."""
    values = {name: bidi(value) for name, value in variables.items()}
    if context.eval_ctx.autoescape:
        return Markup(text) % values
    return text % values


def _per_book(function):
    """`function` as a filter Jinja will not evaluate when it compiles a template.

    Jinja folds a filter applied to a constant (`"outlet not named"|unknown`, `none|long_date`) into the
    compiled template, in the language of the first book that compiled it; a filter that takes the context
    is never folded.
    """
    @jinja2.pass_context
    def filtered(context, value, *args, **kwargs):
        return function(value, *args, **kwargs)

    filtered.__name__ = function.__name__
    return filtered


def direction() -> str:
    """"rtl" or "ltr": the direction of the book's language."""
    return i18n.current().direction


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
    if kept_as is not None:  # the words around the source's own (dates, "n.d.", quotation marks) are the book's language's
        kept_as = f"{kept_as} {i18n.current().key}"
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
        extensions=["jinja2.ext.i18n"],
    )
    # The words of the book being rendered (i18n.current()), looked up when a template runs, so one compiled
    # template serves every language.
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, pgettext=_pgettext, npgettext=_npgettext,
                       quote=quote, cite=cite, join_list=join_list, direction=direction)
    env.filters["roman"] = roman
    # Filters whose result depends on the book's language: never folded into a compiled template.
    env.filters.update({name: _per_book(function) for name, function in (
        ("bidi", bidi), ("long_date", long_date), ("unknown", unknown), ("term_kind", term_kind), ("change", change),
        ("number", number), ("country_counts", country_counts))})
    env.filters["lang_attrs"] = lang_attrs
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
