"""Book → print PDF with WeasyPrint: body laid out once, front and back matter with its page numbers.

The recipe (DESIGN §4): lay out the body; read on which page each anchor landed
(`Page.anchors`); lay out the front matter (roman numbers, so its length cannot
shift the body) and the back matter (glossary and sources with page numbers)
with those numbers written in; join the pages into one PDF. No CSS
`target-counter`: in WeasyPrint 70 it loses footnotes and grows superlinearly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
import mimetypes
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from book import files, i18n, progress
from book.clock import build_time, source_date_epoch
from book.errors import RenderError
from book.render import html, linebreak, partcache, pdfjoin, tagging
from book.render.model import Book, ChapterView
from book.render.typeset import typeset

# Parts are written uncompressed: pdfjoin.prepare compresses their streams, and the joined book's object streams
# are compressed once, when it is saved.
OPTIONS = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "uncompressed_pdf": True}
UNTAGGED = {"uncompressed_pdf": False}  # the folio layer: drawn as a pagination artifact, it has no structure of its own
# A chapter is laid out without its folios, so its pages do not depend on the page it starts on (it opens on a
# right-hand page wherever it starts): the folios are laid out on their own and drawn on its pages when joined.
FOLIO_LAYER = 64  # pages of folios laid out together (even: each layer starts on a right-hand page, as page 1 does)
NO_FOLIOS = "@page :left { @bottom-left { content: none } } @page :right { @bottom-right { content: none } }"
FOLIOS_ONLY = ("@page :left { @top-left { content: none } @top-right { content: none } }"
               " @page :right { @top-left { content: none } @top-right { content: none } }"
               " .folio-page { break-before: page } .folio-page:first-child { break-before: auto }")
LOGGER = logging.getLogger("book.render")


class RefusedURL(ValueError):
    """A URL the book's fetcher will not serve (remote, or outside the allowed folders)."""


class LocalFetcher(URLFetcher):
    """Serves only `data:` URLs and `file:` URLs inside the allowed folders; nothing else, no redirects."""

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.refused: list[str] = []
        self.read: list[Path] = []  # every file served, in order (a kept part lists the project's among them)

    def fetch(self, url, headers=None):
        scheme = url.partition(":")[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()
            if parts.netloc in ("", "localhost") and any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                self.read.append(path)
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise RefusedURL(f"refused to fetch {url}: only files inside the book package and the project folder are used")


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def captured_warnings():
    """WeasyPrint's warnings collected (not printed by WeasyPrint): the build reports them as its own."""
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    saved, propagate = logger.handlers[:], logger.propagate
    logger.handlers[:] = [collect]
    logger.propagate = False
    try:
        yield collect.messages
    finally:
        logger.handlers[:] = saved
        logger.propagate = propagate


@contextlib.contextmanager
def source_date(book: Book):
    """SOURCE_DATE_EPOCH for fontTools' subsetting: the caller's, else the edition date."""
    if source_date_epoch() is not None:  # also refuses a malformed value with a clear error
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(build_time(book.edition.date).timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


@dataclass
class PrintBuild:
    """One print rendering: its WeasyPrint state, what it was refused and what it warned."""

    book: Book
    project_root: Path
    fetcher: LocalFetcher = field(init=False)
    fonts: FontConfiguration = field(default_factory=FontConfiguration)
    warnings: list[str] = field(default_factory=list)
    sheets: dict = field(default_factory=dict)  # style sheet URL → weasyprint.CSS, parsed once per build

    def __post_init__(self):
        self.fetcher = LocalFetcher((html.ASSETS, self.project_root))

    def context(self, links: html.Links, page_css: str = "", **extra) -> dict:
        return {
            "book": self.book, "links": links, "meta": html.metadata(self.book),
            "created": _w3c(self.book.edition.date), "modified": _w3c_modified(self.book),
            **self.styles(page_css),
            "back_sections": html.back_sections(self.book),
            **extra,
        }

    def styles(self, page_css: str = "") -> dict:
        """What the print HTML is styled with, in this order: print.css, large-print.css (URLs), the page rules."""
        return {"stylesheet": html.asset_url("styles/print.css"),
                "large_print": html.asset_url("styles/large-print.css") if self.book.large_print else None,
                "page_css": _page_size(self.book) + page_css}

    def layout(self, source: str, options: dict = OPTIONS, stylesheets: tuple = ()):
        """The HTML laid out into pages (a weasyprint Document), with `stylesheets` (weasyprint.CSS) after its own."""
        with progress.stage("PDF layout", unit="pages"), progress.weasyprint_pages(), linebreak.whole_lines():
            document = weasyprint.HTML(string=source, base_url=self.project_root.as_uri() + "/", url_fetcher=self.fetcher)
            return document.render(font_config=self.fonts, stylesheets=list(stylesheets), **options)

    def stylesheets(self, styles: dict) -> tuple:
        """A part's `styles` as WeasyPrint style sheets: print.css and large-print.css parsed once per build, not
        once per part (with their fonts), then the part's own page rules.

        Given to WeasyPrint as the user's style sheets, not the document's: none of the print templates has
        a style of its own (no `<style>`, no `style` attribute) that they would now lose to.
        """
        for url in (styles["stylesheet"], styles["large_print"]):
            if url and url not in self.sheets:
                self.sheets[url] = weasyprint.CSS(url=url, url_fetcher=self.fetcher, font_config=self.fonts)
        sheets = tuple(self.sheets[url] for url in (styles["stylesheet"], styles["large_print"]) if url)
        return (*sheets, weasyprint.CSS(string=styles["page_css"], url_fetcher=self.fetcher, font_config=self.fonts))

    def part(self, name: str, links: html.Links, parts: partcache.PartCache | None = None, page_css: str = "",
             options: dict = OPTIONS, **extra) -> partcache.Laid:
        """One part of the book laid out and written, or read back from `parts` if its HTML and all it depends on are unchanged."""
        styles = self.styles(page_css)  # given to WeasyPrint apart (`stylesheets`), not linked from the part's HTML
        with progress.stage("render HTML"):
            unstyled = {**self.context(links), "stylesheet": None, "large_print": None, "page_css": ""}
            source = typeset(html.render("print/part.html", part=name, **unstyled, **extra))
        entry = None
        if parts is not None:
            entry = partcache.part_key(source, self.project_root.as_uri(), _identifier(self.book).decode(), repr(sorted(options.items())),
                                       styles["stylesheet"], styles["large_print"] or "", styles["page_css"])
            laid = parts.get(entry)
            if laid is not None:  # what its layout warned of is reported again
                self.warnings.extend(laid.warnings)
                self.fetcher.refused.extend(laid.refused)
                return laid
        warned, refused, read = len(self.warnings), len(self.fetcher.refused), len(self.fetcher.read)
        document = self.layout(source, options, self.stylesheets(styles))
        if extra.get("lead_page"):  # laid out from a left-hand page: the empty page before it is not the book's
            document = document.copy(document.pages[1:])
        anchors = tuple(tuple(page.anchors) for page in document.pages)
        laid = partcache.Laid(self.write(document, options), anchors, tuple(self.warnings[warned:]),
                              tuple(self.fetcher.refused[refused:]),
                              partcache.read_files(self.fetcher.read[read:], self.project_root, html.ASSETS))
        if parts is not None:
            parts.put(entry, laid)
        return laid

    def folios(self, numbers: list[int], parts: partcache.PartCache | None) -> pdfjoin.Folios:
        """The folios of the body's pages `numbers`, laid out in layers of FOLIO_LAYER pages (from page 1, 1 + FOLIO_LAYER …).

        A layer depends only on its first number and page count: when the body grows, only its last layer is laid out again.
        """
        last = max(numbers, default=0)
        layers = []
        for start in range(1, last + 1, FOLIO_LAYER):
            count = min(FOLIO_LAYER, last - start + 1)
            laid = self.part("folios", html.Links("pdf"), parts, FOLIOS_ONLY + f" @page :first {{ counter-reset: page {start} }}",
                             UNTAGGED, count=count)
            if laid.page_count != count:
                raise RenderError(f"the folios of pages {start}–{start + count - 1} were laid out on {laid.page_count} pages")
            layers.append(laid.part.pdf)
        return pdfjoin.Folios(tuple(layers), tuple((number - 1, (number - 1) // FOLIO_LAYER, (number - 1) % FOLIO_LAYER)
                                                   for number in numbers))

    def write(self, document, options: dict = OPTIONS) -> pdfjoin.Part:
        """One laid-out part as a tagged PDF, its links to other parts kept for `pdfjoin.join`."""
        pdfjoin.mark_cross_references(document)
        return write_part(document, _identifier(self.book), options)


def pieces(chapter: ChapterView) -> list:
    """What a chapter is laid out in: itself whole, or for a chapter divided into periods its opening ("head"),
    each period (its index) and its balance and questions ("tail"), so that a change lays out only its piece again."""
    return ["head", *range(len(chapter.periods)), "tail"] if chapter.periods else [None]


def _continued_css() -> str:
    """A piece after a chapter's opening has the chapter's title in the running head from its first page on."""
    side = "left" if i18n.current().direction == "rtl" else "right"
    return f" @page :{side} {{ @top-{side} {{ content: string(chapter-title); }} }}"


def write_part(document, identifier: bytes, options: dict = OPTIONS) -> pdfjoin.Part:
    """A laid-out document written as a part: tagged and made PDF/UA-1 (`pdfjoin.prepare`) unless `options` are untagged."""
    descriptions = link_descriptions(document)
    with progress.stage("PDF write", total=len(document.pages), unit="pages"), tagging.page_references_once(), tagging.languages_tagged():
        written = document.write_pdf(pdf_identifier=identifier, **options)
    if not options.get("pdf_tags"):
        return pdfjoin.Part(written)
    with progress.stage("PDF tags"):
        return pdfjoin.prepare(written, descriptions)


def link_descriptions(document) -> tuple[tuple[str, ...], ...]:
    """Each page's links described in words, in the order WeasyPrint writes their annotations."""
    return tuple(tuple(describe_link(target, box) for kind, target, _, box in page.links if kind in ("internal", "external"))
                 for page in document.pages)


def describe_link(target: str, box) -> str:
    """A link in words (a link's PDF/UA description): its label, or what it leads to and its text."""
    element = box.element
    label = element.get("aria-label") if element is not None else None
    if label:
        return " ".join(label.split())
    text = " ".join("".join(element.itertext()).split()) if element is not None else ""
    anchor = target.removeprefix(pdfjoin.XREF).lstrip("#")
    if anchor.startswith("term-"):
        return f"Glossary: {text}"
    if text.isdigit():
        return f"Page {text}"
    return text or anchor


def anchor_pages(pages: tuple[tuple[str, ...], ...], first_number: int) -> dict[str, int]:
    """Anchor id → printed page number, for pages (each page's anchors) numbered from `first_number`."""
    found: dict[str, int] = {}
    for index, anchors in enumerate(pages):
        for anchor in anchors:
            found.setdefault(anchor, first_number + index)
    return found


def build_pdf(book: Book, project_root: Path, out_path: Path, keep_html: Path | None = None,
              anchors: dict[str, int] | None = None, cache: bool = False) -> list[str]:
    """Write the print edition to `out_path` (atomically); returns WeasyPrint's warnings.

    `anchors`, when given, receives the printed page of every anchor of the body and
    back matter, in the order they were laid out (for the EPUB's page list).

    Each chapter (each piece of a divided one, `pieces`) and then each section of the back
    matter (with the page numbers of the anchors before it) is laid out and written on its
    own, without folios, so that the pages of one part only are in memory at a time and a
    part does not depend on the page it starts on; it opens on a right-hand page (a blank
    left-hand page when the one before ended on a right-hand one). Then the folios on their
    own, the front matter with the contents, and the parts joined, the folios drawn on their
    pages. With `cache`, a part whose HTML and all it depends on did not change is read from
    dist/.cache/parts/.
    """
    run = PrintBuild(book, Path(project_root))
    parts = partcache.PartCache(run.project_root) if cache else None
    with captured_warnings() as warnings, source_date(book):
        run.warnings = warnings
        body: list[pdfjoin.Part | pdfjoin.Blank] = []
        pages: dict[str, int] = {}
        folioed: list[int] = []  # the body's pages that carry a folio (every page of a chapter)
        number = 1

        def lay(name: str, links: html.Links, page_css: str, recto: bool = True, continued: bool = False, **extra) -> None:
            """One part laid out (or reused) where the book has got to: on a right-hand page if `recto`."""
            nonlocal number
            if recto and number % 2 == 0:
                body.append(pdfjoin.BLANK)
                number += 1
            laid = run.part(name, links, parts, page_css, lead_page=not recto and number % 2 == 0, **extra)
            pages.update(anchor_pages(laid.anchors, number))
            folioed.extend(range(number, number + laid.page_count))
            number += laid.page_count
            body.append(pdfjoin.Continued(laid.part) if continued else laid.part)

        for chapter in book.chapters:  # a chapter and each of its periods open on a right-hand page
            for piece in pieces(chapter):
                continued = piece not in (None, "head")
                lay("chapter", html.Links("pdf"), NO_FOLIOS + (_continued_css() if continued else ""), recto=piece != "tail",
                    continued=continued, chapter=chapter, piece=piece)
        for section, _ in html.back_sections(book):  # each section of the back matter as a chapter, with page numbers
            lay("back", html.Links("pdf", pages), NO_FOLIOS, section=section)
        folios = run.folios(folioed, parts)
        links = html.Links("pdf", pages)
        laid = run.part("front", links, parts)
        front_count = len(laid.anchors)
        front_pages = front_count + front_count % 2
        front = [laid.part] + ([pdfjoin.BLANK] if front_count % 2 else [])  # the body opens on a right-hand page
        del laid
        placed = dataclasses.replace(folios, placements=tuple((front_pages + target, *rest) for target, *rest in folios.placements))
        with progress.stage("PDF join"):
            data, missing = pdfjoin.join(front + body, front_pages=front_pages, folios=placed)
            files.write_atomic(out_path, data)
        if parts is not None:
            parts.prune()
        warnings += [f"No anchor #{anchor} for internal URI reference" for anchor in missing]
        if anchors is not None:
            anchors.update(pages)
        if keep_html is not None:
            single = typeset(html.render("print/single.html", **run.context(links, _single_page_css(front_pages))))
            files.write_atomic(keep_html, single)
    run.warnings = _located(warnings, run.fetcher.refused)
    return run.warnings


def build_handout(book: Book, chapter: ChapterView, project_root: Path, out_path: Path) -> list[str]:
    """One chapter as its own PDF, for distribution in class: never with the notes for the teacher."""
    book = dataclasses.replace(book, teacher=False)
    chapter = dataclasses.replace(chapter, question_notes=(), teacher_notes=None)
    run = PrintBuild(book, Path(project_root))
    with captured_warnings() as warnings, source_date(book):
        source = typeset(html.render("print/handout.html", chapter=chapter, **run.context(html.HandoutLinks(chapter.slug))))
        data, _ = pdfjoin.join([write_part(run.layout(source), _identifier(book, chapter.slug))])
    files.write_atomic(out_path, data)
    return _located(warnings, run.fetcher.refused)


def _located(warnings: list[str], refused: list[str]) -> list[str]:
    """WeasyPrint's warnings in the build's words (a refused fetch is reported once, by us)."""
    messages = [f"refused to fetch {url} (only the book package and the project folder are used)" for url in dict.fromkeys(refused)]
    messages += [message for message in warnings if not any(url in message for url in refused)]
    return messages


def _single_page_css(front_pages: int) -> str:
    """In the one-file HTML, the body's numbering restarts after the front matter."""
    return f"@page :nth({front_pages + 1}) {{ counter-reset: page 1 }}"


# A right-to-left book starts on a left-hand page, its recto (WeasyPrint does so for an rtl root): the running
# heads change sides, the chapter's title on the recto and the book's on the verso, the page numbers stay outside.
# An address is laid out left to right in a box of its own: WeasyPrint lays each line out anew, so isolation
# characters would not reach a continuation line (and EPUB style sheets may not set `direction`).
RTL_PAGES = """
@page :left { @top-left { content: string(chapter-title, first-except); } }
@page :right { @top-right { content: string(book-title); } }
.cite-url { display: inline-block; direction: ltr; }
"""


def _page_size(book: Book) -> str:
    """The page size, and for a right-to-left book its mirrored pages and rtl.css."""
    css = f"@page {{ size: {book.page_size}; }}"
    if i18n.current().direction == "rtl":
        css += RTL_PAGES + (html.ASSETS / "styles" / "rtl.css").read_text(encoding="utf-8")
    return css


def _w3c(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _w3c_modified(book: Book) -> str:
    return build_time(book.edition.date).strftime("%Y-%m-%dT%H:%M:%SZ")


def _identifier(book: Book, *extra: str) -> bytes:
    key = "|".join((book.identifier, str(book.edition.number), *extra))
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest().encode("ascii")


def check_weasyprint() -> None:
    """WeasyPrint 70 is what the page-number recipe was checked with."""
    if not weasyprint.__version__.startswith("70."):
        raise RenderError(f"WeasyPrint 70 is required for the print edition, found {weasyprint.__version__}")
