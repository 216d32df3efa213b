"""The web edition: a static site of one page per chapter and back-matter section, searched offline with Pagefind.

    dist/<book>-edition-<n>/
      index.html              title, edition, downloads, contents, About the sources
      chapter-<slug>.html     one chapter; its glossary mentions open a pop-up (static/web.js)
      whats-new.html  timeline.html  glossary.html  sources.html  search.html (the back matter the book has)
      static/                 web.css, web.js, search.js
      pagefind/               the search index, written by Pagefind's own binary (pagefind-bin)
      <book>-edition-<n>.pdf / .epub   when built in the same run, to download

Every anchor is the one the PDF and EPUB use (README's list); only the page it lives on is added.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from babel.numbers import format_decimal

from book import files, i18n
from book.errors import RenderError
from book.render import html
from book.render.model import Book, ChapterView
from book.words import CONTENTS, DOWNLOADS, LARGE_PRINT_DOWNLOAD

STATIC = html.ASSETS / "static"
STATIC_FILES = ("web.css", "web.js", "search.js")
PAGEFIND_SECONDS = 120


def chapter_page(slug: str) -> str:
    return f"chapter-{slug}.html"


class SiteLinks(html.Links):
    """Where things are in the web edition: a page of the site, then the same `#anchor` as in the PDF and EPUB."""

    def __init__(self, book: Book):
        super().__init__("html")
        self._where: dict[str, str] = {}  # passage, group and mention anchor → page
        for chapter in book.chapters:
            page = chapter_page(chapter.slug)
            for group in chapter.groups:
                self._where[group.anchor] = page
                for passage in group.passages:
                    self._where[passage.anchor] = page
                    for part in passage.parts:
                        if html.is_mention(part):
                            self._where[part.anchor] = page

    def fingerprint(self) -> str | None:
        """An article group's HTML depends only on term and event links here, the same on every page: worth keeping."""
        return "site"

    def term(self, term_id: str) -> str | None:
        return f"glossary.html#term-{term_id}"

    def chapter(self, slug: str) -> str | None:
        return f"{chapter_page(slug)}#chapter-{slug}"

    def passage(self, anchor: str) -> str | None:
        page = self._where.get(anchor)
        return f"{page}#{anchor}" if page else None

    def group(self, anchor: str) -> str | None:
        return self.passage(anchor)

    def source(self, article_id: str) -> str | None:
        return f"sources.html#source-{article_id}"

    def event(self, anchor: str) -> str | None:
        return f"timeline.html#{anchor}"


@dataclass(frozen=True)
class Download:
    """A file of the same edition offered on the start page."""

    name: str
    label: str
    size: str


def write_site(book: Book, folder: Path, downloads: list[Path]) -> Path:
    """The web edition written into `folder` (a new folder), its search index included; returns `folder`."""
    folder.mkdir()
    links = SiteLinks(book)
    offered = tuple(_offer(path, folder) for path in downloads)
    pages = [("index.html", "web/index.html", {"downloads": offered, "back": html.back_sections(book)})]
    for position, chapter in enumerate(book.chapters):
        neighbours = {"previous": book.chapters[position - 1] if position else None,
                      "next": book.chapters[position + 1] if position + 1 < len(book.chapters) else None}
        pages.append((chapter_page(chapter.slug), "web/chapter.html",
                      {"chapter": chapter, "popups": _mentioned(book, chapter), **neighbours}))
    for anchor, title in html.back_sections(book):
        pages.append((f"{anchor}.html", "web/back.html", {"section": anchor, "section_title": title}))
    pages.append(("search.html", "web/search.html", {"search_words": search_words(i18n.current())}))
    nav = (("index.html", CONTENTS), *((f"{a}.html", t) for a, t in html.back_sections(book)))
    for name, template, context in pages:
        page = html.render(template, book=book, links=links, meta=html.metadata(book), nav=nav, page=name, **context)
        files.write_atomic(folder / name, page)
    (folder / "static").mkdir()
    for name in STATIC_FILES:
        shutil.copyfile(STATIC / name, folder / "static" / name)
    index_search(folder)
    return folder


def index_search(folder: Path) -> None:
    """Pagefind's index of the chapter and glossary pages, in `folder`/pagefind/ (its binary, run here, fetches nothing)."""
    try:
        import pagefind_bin

        binary = str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError) as error:
        raise RenderError(f"the web edition's search needs Pagefind (pip install pagefind-bin): {error}") from None
    try:
        run = subprocess.run([binary, "--site", str(folder), "--silent"], capture_output=True, text=True,
                             timeout=PAGEFIND_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise RenderError(f"Pagefind did not finish indexing the web edition in {PAGEFIND_SECONDS} s") from None
    if run.returncode != 0 or not (folder / "pagefind" / "pagefind.js").is_file():
        raise RenderError(f"Pagefind could not index the web edition: {(run.stderr or run.stdout).strip()}")


def _mentioned(book: Book, chapter: ChapterView):
    """The glossary entries a chapter's passages mention, in glossary order: each chapter page carries their pop-ups."""
    ids = {part.term_id for group in chapter.groups for passage in group.passages
           for part in passage.parts if html.is_mention(part)}
    return tuple(entry for entry in book.glossary if entry.id in ids)


def _offer(path: Path, folder: Path) -> Download:
    """`path` linked (or copied) into the site, so that the site alone can be published with its downloads."""
    target = folder / path.name
    try:
        os.link(path, target)
    except OSError:
        shutil.copyfile(path, target)
    label = DOWNLOADS.get(path.suffix, path.name)
    if path.stem.endswith("-large-print"):
        label = LARGE_PRINT_DOWNLOAD
    return Download(path.name, label, _size(target.stat().st_size))


def _size(count: int) -> str:
    """"2.4 MB", "310 kB": the size a download link shows, its number written the book's language's way."""
    locale = i18n.current().locale
    if count >= 1_000_000:
        return f"{format_decimal(round(count / 1_000_000, 1), format='0.0', locale=locale)} MB"
    return f"{format_decimal(max(1, round(count / 1000)), locale=locale)} kB"


def search_words(words: i18n.Words) -> dict:
    """The search page's messages for static/search.js, in the book's language (the script itself has no words).

    A count's message is given once per CLDR plural category of the language ("one", "few", "other" …), as the
    browser's Intl.PluralRules names the category of a count; each form is the catalogue's for a count of that category.
    """
    found = {}
    for count in range(1000):  # a sample of every category integers fall in
        found.setdefault(words.locale.plural_form(count),
                         words.ngettext("%(num)s passage found for “%(query)s”.",
                                        "%(num)s passages found for “%(query)s”.", count))
    return {"searching": words.gettext("Searching…"), "found": found,
            "none": words.gettext("Nothing found for “%(query)s”."),
            "failed": words.gettext("Search failed: %(error)s")}
