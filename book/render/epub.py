"""Book → EPUB 3 with ebooklib: documents, package, navigation, then fixed bytes (DESIGN §4).

The recipe: render_documents → package → ebooklib writes a zip → fix_package (xml:lang on
<package>, fixed timestamps and order, `mimetype` first and stored) → written atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ebooklib import epub
from lxml import etree

from book import i18n
from book.clock import build_time
from book.errors import RenderError
from book.files import write_atomic
from book.render.chart import balance_svg
from book.render.cover import cover_png, coverage
from book.render.fontsubset import family_names, subset_fonts, without_fonts
from book.render.html import BACK_SECTIONS, Links, back_sections, environment
from book.render.model import Book, TermMention

HERE = Path(__file__).parent
STYLESHEET = HERE / "styles" / "epub.css"
FONTS = HERE / "fonts"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # zip's earliest date: the same for every build
OPF = "EPUB/content.opf"
WRITER_OPTIONS = {
    "epub3_pages": False,  # else every element with epub:type and an id becomes a fake page break
    "epub2_guide": False,
    "epub3_landmark": False,  # our own nav.xhtml carries the landmarks
    "raise_exceptions": True,  # else write errors are swallowed
    "compresslevel": 0,  # ebooklib's zip is read back and recompressed by fix_package: no need to compress it twice
}
BASE_FONTS = ("NotoSerif-", "NotoSerifArmenian-")  # always embedded, as epub.css names them
# Fonts for scripts Noto Serif lacks, embedded (with scripts.css naming them) only in a book whose text uses them.
SCRIPT_FONTS = (("Book Serif Georgian", "NotoSerifGeorgian"), ("Book Naskh Arabic", "NotoNaskhArabic"),
                ("Book Serif Hebrew", "NotoSerifHebrew"))


def write_epub(book: Book, project, out_path: Path, fonts_kept=None) -> Path:
    """dist/<book>.epub: the same inputs give the same bytes (`fonts_kept`: see fontsubset.subset_fonts)."""
    scripts = script_fonts(book)
    documents = render_documents(book, extra_style=bool(scripts) or i18n.current().direction == "rtl")
    package = build_package(book, documents, scripts, fonts_kept)
    modified = modified_time(book)
    raw = io.BytesIO()
    epub.write_epub(raw, package, {**WRITER_OPTIONS, "mtime": modified})
    write_atomic(Path(out_path), fix_package(raw.getvalue(), book.language))
    return Path(out_path)


def modified_time(book: Book) -> dt.datetime:
    """dcterms:modified: SOURCE_DATE_EPOCH when set (reproducible builds), else the edition's date."""
    return build_time(book.edition.date)


@dataclass(frozen=True)
class Document:
    """One XHTML file of the book, rendered."""

    file_name: str
    title: str
    xhtml: bytes
    in_toc: bool = True
    landmark: str | None = None  # epub:type of its entry in the landmarks
    properties: tuple[str, ...] = ()


class EpubLinks(Links):
    """Link targets inside the EPUB: one file per chapter, so a target is `<file>#<anchor>`."""

    def __init__(self, book: Book):
        super().__init__("epub")
        self._files: dict[str, str] = {}
        for chapter in book.chapters:
            name = self.chapter_file(chapter.slug)
            anchors = [chapter.anchor]
            for group in chapter.groups:
                anchors.append(group.anchor)
                for passage in group.passages:
                    anchors.append(passage.anchor)
                    anchors += [part.anchor for part in passage.parts if isinstance(part, TermMention)]
            for anchor in anchors:
                self._files.setdefault(anchor, name)
        for entry in book.glossary:
            self._files[entry.anchor] = "glossary.xhtml"
        for outlet in book.sources:
            for source in outlet.entries:
                self._files[source.anchor] = "sources.xhtml"
        for event in book.timeline.events if book.timeline else ():
            self._files[event.anchor] = "timeline.xhtml"

    @staticmethod
    def chapter_file(slug: str) -> str:
        return f"chapter-{slug}.xhtml"

    def _at(self, anchor: str) -> str | None:
        name = self._files.get(anchor)
        return f"{name}#{anchor}" if name else None

    def term(self, term_id: str) -> str | None:
        return self._at(f"term-{term_id}")

    def chapter(self, slug: str) -> str | None:
        return self.chapter_file(slug)

    def passage(self, anchor: str) -> str | None:
        return self._at(anchor)

    def group(self, anchor: str) -> str | None:
        return self._at(anchor)

    def source(self, article_id: str) -> str | None:
        return self._at(f"source-{article_id}")

    def event(self, anchor: str) -> str | None:
        return self._at(anchor)

    @staticmethod
    def chart_file(slug: str) -> str:
        return f"images/balance-{slug}.svg"

    def chart(self, chapter) -> str:
        return self.chart_file(chapter.slug)  # an image of the package, beside the cover


def _characters(value, found: set[str]) -> None:
    """Every character of every text in the book model (a tree of dataclasses, tuples and strings)."""
    if isinstance(value, str):
        found.update(value)
    elif dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            _characters(getattr(value, item.name), found)
    elif isinstance(value, (tuple, list)):
        for item in value:
            _characters(item, found)


def script_fonts(book: Book) -> tuple[tuple[str, str], ...]:
    """(family, file stem) of the script fonts the book's text (its sources' and its own words) needs."""
    found: set[str] = set()
    _characters(book, found)
    words = i18n.current()
    for message, forms in i18n.messages().items():
        found.update(words.gettext(message) if len(forms) == 1 else words.ngettext(forms[0], forms[1], 2))
    missing = {ord(c) for c in found} - coverage(FONTS / "NotoSerif-Regular.ttf")
    return tuple((family, stem) for family, stem in SCRIPT_FONTS if missing & coverage(FONTS / f"{stem}-Regular.ttf"))


def scripts_css(scripts) -> bytes:
    """The style sheet after epub.css: the script fonts used, and for a right-to-left book rtl.css."""
    rules = [f'@font-face {{ font-family: "{family}"; font-weight: {weight.lower()}; src: url(../fonts/{stem}-{weight}.ttf); }}'
             for family, stem in scripts for weight in ("Regular", "Bold")]
    rules = [rule.replace("font-weight: regular", "font-weight: normal") for rule in rules]
    families = ", ".join(f'"{family}"' for family, _ in scripts)
    if scripts:
        rules.append(f'html {{ font-family: "Book Serif", "Book Serif Armenian", {families}, serif; }}')
    if i18n.current().direction == "rtl":
        rules.append((HERE / "styles" / "rtl.css").read_text(encoding="utf-8"))
    return ("\n".join(rules) + "\n").encode("utf-8")


def render_documents(book: Book, extra_style: bool = False) -> list[Document]:
    """Cover, title page, colophon, contents, one file per chapter, what's new, glossary, sources."""
    env = environment()
    links = EpubLinks(book)
    glossary = {entry.id: entry for entry in book.glossary}

    def render(template: str, file_name: str, title: str, matter: str, **context) -> bytes:
        text = env.get_template(f"epub/{template}.xhtml").render(
            book=book, links=links, glossary=glossary, page_title=title, matter=matter, extra_style=extra_style, **context
        )
        data = text.encode("utf-8")
        try:
            etree.fromstring(data)
        except etree.XMLSyntaxError as exc:  # a template or a part that is not well-formed XHTML is a bug
            raise RenderError(f"EPUB: {file_name} is not well-formed XHTML: {exc}") from exc
        return data

    _ = i18n.current().gettext
    described = book.title + (f". {book.subtitle}" if book.subtitle else "") + f". {book.edition_label}."
    alt = _("Cover: %(description)s") % {"description": described}
    present = dict(back_sections(book))
    back = [(name, _(title), landmark) for name, title, landmark in BACK_SECTIONS if name in present]
    front = [
        Document("cover.xhtml", _("Cover"), render("cover", "cover.xhtml", book.title, "cover", cover_alt=alt), False, "cover"),
        Document("title.xhtml", _("Title page"), render("title", "title.xhtml", book.title, "frontmatter"), True, "titlepage"),
        Document("colophon.xhtml", _("About this edition"),
                 render("colophon", "colophon.xhtml", _("About this edition"), "frontmatter")),
    ]
    chapters = [
        Document(
            links.chapter_file(chapter.slug),
            f"{i18n.current().number(chapter.number)}. {chapter.title}",
            render("chapter", links.chapter_file(chapter.slug), chapter.title, "bodymatter", chapter=chapter),
            True,
            "bodymatter" if chapter.number == 1 else None,
        )
        for chapter in book.chapters
    ]
    backmatter = [
        Document(f"{name}.xhtml", title, render(name, f"{name}.xhtml", title, "backmatter"), True, landmark)
        for name, title, landmark in back
    ]
    contents = _contents(book, render, front, chapters, backmatter)
    return front + [contents] + chapters + backmatter


def _contents(book: Book, render, front, chapters, backmatter) -> Document:
    """The navigation document, which is also the book's contents page."""
    entries = [{"kind": "front", "href": d.file_name, "title": d.title, "number": None} for d in front if d.in_toc]
    entries += [
        {"kind": "chapter", "href": d.file_name, "title": c.title, "number": c.number,
         "periods": [(f"{d.file_name}#{period.anchor}", period.label) for period in c.periods]}
        for d, c in zip(chapters, book.chapters)
    ]
    entries += [{"kind": "back", "href": d.file_name, "title": d.title, "number": None} for d in backmatter]
    landmarks = [
        {"type": d.landmark, "href": d.file_name, "title": d.title}
        for d in front + chapters + backmatter
        if d.landmark
    ]
    contents = i18n.current().gettext("Contents")
    landmarks.insert(2, {"type": "toc", "href": "nav.xhtml#toc", "title": contents})
    xhtml = render("nav", "nav.xhtml", contents, "frontmatter", toc=entries, landmarks=landmarks)
    return Document("nav.xhtml", contents, xhtml, True, None, ("nav",))


class _Document(epub.EpubHtml):
    """An XHTML document we rendered ourselves: ebooklib must not re-parse and rebuild it."""

    def __init__(self, document: Document):
        uid = "doc-" + document.file_name.removesuffix(".xhtml")
        super().__init__(uid=uid, file_name=document.file_name, title=document.title, media_type="application/xhtml+xml")
        self.content = document.xhtml
        self.properties = list(document.properties)

    def get_content(self, default=None) -> bytes:
        return self.content


def build_package(book: Book, documents: list[Document], scripts=(), fonts_kept=None) -> epub.EpubBook:
    """The ebooklib book: metadata, manifest (each item once), spine and NCX."""
    package = epub.EpubBook()
    _metadata(package, book)
    added: set[str] = set()

    def add(item):
        if item.file_name in added:  # a second entry of the same name would corrupt the zip
            raise RenderError(f"EPUB: two items named {item.file_name}")
        added.add(item.file_name)
        return package.add_item(item)

    wanted = BASE_FONTS + tuple(f"{stem}-" for _, stem in scripts)
    chosen = [f for f in sorted(FONTS.glob("*.[ot]tf")) if f.name.startswith(wanted)]
    chosen.sort(key=lambda f: not f.name.startswith(BASE_FONTS))  # the base family first: the others add to it
    fonts = subset_fonts(chosen, _letters(documents), fonts_kept)
    css = without_fonts(STYLESHEET.read_text(encoding="utf-8"), set(fonts))
    add(epub.EpubItem(uid="style", file_name="styles/epub.css", media_type="text/css", content=css.encode("utf-8")))
    if scripts or i18n.current().direction == "rtl":
        add(epub.EpubItem(uid="style-scripts", file_name="styles/scripts.css", media_type="text/css", content=scripts_css(scripts)))
    for name, data in fonts.items():
        kind = "font/otf" if name.endswith(".otf") else "font/ttf"
        add(epub.EpubItem(uid="font-" + _id(name.rpartition(".")[0]), file_name=f"fonts/{name}", media_type=kind, content=data))
    licence = (FONTS / "OFL.txt").read_text(encoding="utf-8")
    licence = licence[licence.index("SIL OPEN FONT LICENSE"):]
    fonts_page = environment().get_template("epub/fonts.xhtml").render(
        book=book, page_title="Fonts", matter="backmatter", families=family_names(fonts), licence=licence,
        extra_style=bool(scripts) or i18n.current().direction == "rtl")
    cover = epub.EpubCover(uid="cover-image", file_name="images/cover.png")
    cover.media_type = "image/png"
    cover.content = cover_png(book.title, book.subtitle, book.edition_label, i18n.current().direction)
    add(cover)
    package.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for chapter in book.chapters:
        if chapter.balance:
            add(epub.EpubItem(uid="chart-" + _id(chapter.slug), file_name=EpubLinks.chart_file(chapter.slug),
                              media_type="image/svg+xml", content=balance_svg(chapter.balance)))
    items = [add(_Document(document)) for document in documents]
    licence_item = add(_Document(Document("fonts.xhtml", "Fonts", fonts_page.encode("utf-8"), False)))
    package.spine = items + [(licence_item, "no")]  # out of the reading order, linked from the colophon
    package.toc = [epub.Link(d.file_name, d.title, "toc-" + _id(d.file_name)) for d in documents if d.in_toc]
    if not package.toc:
        raise RenderError("EPUB: the table of contents would be empty")
    add(epub.EpubNcx())
    return package


def _metadata(package: epub.EpubBook, book: Book) -> None:
    """Dublin Core and accessibility metadata (EPUB Accessibility 1.1)."""
    package.set_identifier(book.identifier)
    package.set_title(book.title)
    package.set_language(book.language)
    if i18n.current().direction == "rtl":  # the spine's page-progression-direction: pages turn right to left
        package.set_direction("rtl")
    for number, editor in enumerate(book.editors, 1):
        package.add_author(editor, uid=f"editor-{number}")
        package.add_metadata(None, "meta", "edt", {"refines": f"#editor-{number}", "property": "role", "scheme": "marc:relators"})
    if book.subtitle:
        package.add_metadata("DC", "description", book.subtitle)
    if book.publisher:
        package.add_metadata("DC", "publisher", book.publisher)
    if book.rights:
        package.add_metadata("DC", "rights", book.rights)
    package.add_metadata("DC", "date", book.edition.date.isoformat())
    package.add_metadata(None, "meta", book.edition.label, {"property": "schema:version"})
    for mode in ("textual", "visual"):  # visual: the cover image and the charts (described in their alt text)
        package.add_metadata(None, "meta", mode, {"property": "schema:accessMode"})
    package.add_metadata(None, "meta", "textual", {"property": "schema:accessModeSufficient"})
    for feature in ("tableOfContents", "structuralNavigation", "readingOrder", "alternativeText", "displayTransformability"):
        package.add_metadata(None, "meta", feature, {"property": "schema:accessibilityFeature"})
    package.add_metadata(None, "meta", "none", {"property": "schema:accessibilityHazard"})
    words = i18n.current()
    charts = sum(1 for chapter in book.chapters if chapter.balance)
    images = (words.gettext("The only image is the cover, which has a text description.") if not charts else
              words.ngettext("The images are the cover and %(num)s bar chart of a chapter's passages by perspective; "
                             "each has a text description, and each chart's figures are also in a table.",
                             "The images are the cover and %(num)s bar charts of a chapter's passages by perspective; "
                             "each has a text description, and each chart's figures are also in a table.",
                             charts) % {"num": charts})
    summary = words.gettext(
        "Text with headings for every chapter and article, a table of contents, and notes that open from "
        "their references and link back. %(images)s Meets WCAG 2.1 Level AA."
    ) % {"images": images}
    package.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
    package.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA", {"property": "dcterms:conformsTo"})


def _letters(documents: list[Document]) -> str:
    """Every character the book's documents show, in either case (a style may capitalise)."""
    text = "".join("".join(etree.fromstring(document.xhtml).itertext()) for document in documents)
    return text + text.upper() + text.lower()


def _id(text: str) -> str:
    """An XML id made from a file name."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")


def fix_package(data: bytes, language: str) -> bytes:
    """ebooklib's zip, rewritten: xml:lang on <package>, fixed timestamps, mimetype first and stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    if len(entries) != len(set(entries)) or "mimetype" not in entries:
        raise RenderError("EPUB: ebooklib wrote a broken zip")
    entries[OPF] = _opf_with_language(entries[OPF], language)
    return zip_entries(entries)


def zip_entries(entries: dict[str, bytes]) -> bytes:
    """The EPUB's zip: fixed timestamps and order, `mimetype` first and stored."""
    order = ["mimetype", "META-INF/container.xml", OPF] + sorted(n for n in entries if n not in {"mimetype", "META-INF/container.xml", OPF})
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in order:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            stored = name == "mimetype" or name.endswith(".png")
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            target.writestr(info, entries[name], compresslevel=None if stored else _level(name))
    return out.getvalue()


def _level(name: str) -> int:
    """Deflate level of a zip entry: the fonts at level 1 (0.06 s instead of 0.2 s for the six, 8% larger), the text at 9."""
    return 1 if name.startswith("EPUB/fonts/") else 9


def _opf_with_language(opf: bytes, language: str) -> bytes:
    """The package document with xml:lang (and dir-less default) on <package>: ebooklib writes none."""
    root = etree.fromstring(opf)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    if i18n.direction(language) == "rtl":
        root.set("dir", "rtl")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
