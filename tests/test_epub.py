"""The EPUB 3: built from real mini projects through the whole pipeline, then read back.

EPUBCheck and Ace are slow (~9 s each), so each runs once per project per session.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from book.annotate import annotate
from book.editions import current_edition
from book.errors import BookError
from book.organise import organise
from book.project import load
from book.render import cover
from book.render.epub import write_epub
from book.render.model import TermMention
from tests.epubtools import OPS, XHTML, ace, epubcheck, read_epub, squash, text_without_notes

PROJECTS = Path(__file__).parent / "projects"
EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
NS = {"x": XHTML, "epub": OPS, "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "ncx": "http://www.daisy.org/z3986/2005/ncx/"}
EPUB_TYPE = f"{{{OPS}}}type"


class Built:
    """One project built twice into EPUBs, with everything a test needs to read them back."""

    def __init__(self, root: Path, out: Path):
        self.logs: list[logging.LogRecord] = []
        handler = logging.Handler(logging.WARNING)
        handler.emit = self.logs.append
        logging.getLogger().addHandler(handler)
        try:
            with warnings.catch_warnings(record=True) as caught, pytest.MonkeyPatch.context() as env:
                warnings.simplefilter("always")
                env.setenv("SOURCE_DATE_EPOCH", EPOCH)
                self.project = load(root)
                self.book = annotate(self.project, organise(self.project), current_edition(self.project))
                self.path = write_epub(self.book, self.project, out / "first.epub")
                self.again = write_epub(self.book, self.project, out / "second.epub")
            self.warnings = [str(w.message) for w in caught]
        finally:
            logging.getLogger().removeHandler(handler)
        self.files = read_epub(self.path)
        self.opf = etree.fromstring(self.files["EPUB/content.opf"])

    def documents(self) -> dict[str, bytes]:
        return {name: data for name, data in self.files.items() if name.endswith(".xhtml")}

    def chapter_files(self) -> list[str]:
        return [f"EPUB/chapter-{chapter.slug}.xhtml" for chapter in self.book.chapters]

    def tree(self, name: str) -> etree._Element:
        return etree.fromstring(self.files[name])


@pytest.fixture(scope="module", params=["minimal", "unicode"])
def built(request, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp(request.param) / request.param
    shutil.copytree(PROJECTS / request.param, root)
    return Built(root, root / "dist")


@pytest.fixture(scope="module")
def minimal(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("minimal-ace") / "minimal"
    shutil.copytree(PROJECTS / "minimal", root)
    return Built(root, root / "dist")


def test_build_logs_nothing(built):
    assert built.logs == [] and built.warnings == []


def test_epubcheck_reports_nothing(built):
    result = epubcheck(built.path)
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)
    # The one usage note left is EPUBCheck saying that fonts are embedded, which the book does on purpose.
    assert [m for m in result.messages if " CSS-028 " not in m] == []


def test_ace_passes(minimal, tmp_path):
    result = ace(minimal.path, tmp_path / "ace")
    assert result.outcome == "pass", "\n".join(result.violations)
    assert result.violations == ()


def test_rebuild_gives_the_same_bytes(built):
    assert built.path.read_bytes() == built.again.read_bytes()
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert infos[0].extra == b"" and built.files["mimetype"] == b"application/epub+zip"
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert len({info.filename for info in infos}) == len(infos)
    assert not list(built.path.parent.glob(".*.tmp"))


def test_every_passage_appears_once_word_for_word(built):
    refs = sorted(p.ref for chapter in built.book.chapters for g in chapter.groups for p in g.passages)
    assert refs == sorted(p.ref for p in built.project.passages)
    found: dict[str, list[str]] = {}
    reading = []
    for name in built.chapter_files():
        root = etree.fromstring(built.files[name])
        for div in root.iterfind(".//x:div[@class='passage']", NS):
            found.setdefault(div.get("id"), []).append(squash("".join(div.itertext())))
        reading.append(text_without_notes(built.files[name]))
    whole = "\n".join(reading)
    texts = [squash(p.text) for chapter in built.book.chapters for g in chapter.groups for p in g.passages]
    for chapter in built.book.chapters:
        for group in chapter.groups:
            for passage in group.passages:
                text = squash(passage.text)
                assert found.get(passage.anchor) == [text], passage.ref
                inside_others = sum(text in other for other in texts) - 1
                assert whole.count(text) == 1 + inside_others, passage.ref
    assert sum(len(v) for v in found.values()) == len(refs)


def test_navigation_lists_every_chapter_and_the_landmarks(built):
    nav = built.tree("EPUB/nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    assert toc.get("role") == "doc-toc"
    hrefs = [a.get("href") for a in toc.iterfind(".//x:a", NS)]
    for chapter, name in zip(built.book.chapters, built.chapter_files()):
        assert name.removeprefix("EPUB/") in hrefs
        assert chapter.title in squash("".join(toc.itertext()))
    landmarks = {a.get(EPUB_TYPE): a.get("href") for a in nav.iterfind(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    assert landmarks == {"cover": "cover.xhtml", "titlepage": "title.xhtml", "toc": "nav.xhtml#toc",
                         "bodymatter": built.chapter_files()[0].removeprefix("EPUB/"),
                         "glossary": "glossary.xhtml", "bibliography": "sources.xhtml"}
    ncx = etree.fromstring(built.files["EPUB/toc.ncx"])
    sources = [c.get("src") for c in ncx.iterfind(".//ncx:content", NS)]
    assert [name.removeprefix("EPUB/") for name in built.chapter_files()] == [s for s in sources if s.startswith("chapter-")]
    spine = [ref.get("idref") for ref in built.opf.iterfind(".//opf:itemref", NS)]
    assert spine[:4] == ["doc-cover", "doc-title", "doc-colophon", "doc-nav"]
    assert spine[4:4 + len(built.book.chapters)] == [f"doc-chapter-{c.slug}" for c in built.book.chapters]


def test_every_document_has_its_language(built):
    language = built.book.language
    assert built.opf.get("{http://www.w3.org/XML/1998/namespace}lang") == language
    for name, data in built.documents().items():
        root = etree.fromstring(data)
        assert root.get("lang") == language and root.get("{http://www.w3.org/XML/1998/namespace}lang") == language, name


def test_notes_pop_up_and_link_back(built):
    citations = terms = 0
    for name in built.chapter_files():
        root = built.tree(name)
        ids = {element.get("id"): element for element in root.iter() if element.get("id")}
        for ref in root.xpath(".//x:a[contains(concat(' ', @epub:type, ' '), ' noteref ')]", namespaces=NS):
            # a glossary mention is announced as a glossary reference, a citation as a note reference
            assert ref.get("role") == ("doc-glossref" if "term" in (ref.get("class") or "") else "doc-noteref")
            note = ids[ref.get("href").removeprefix("#")]
            assert note.tag == f"{{{XHTML}}}aside" and note.get(EPUB_TYPE) == "footnote"
            assert note.get("role") == "doc-footnote" and note.get("hidden") is None
            backs = [a.get("href") for a in note.iterfind(".//x:a[@role='doc-backlink']", NS)]
            assert backs == [f"#{ref.get('id')}"]
            if "term" in (ref.get("class") or ""):
                terms += 1
            else:
                citations += 1
    assert citations == sum(len(chapter.groups) for chapter in built.book.chapters) > 0
    assert terms == sum(1 for c in built.book.chapters for g in c.groups for p in g.passages
                        for part in p.parts if isinstance(part, TermMention)) > 0


def test_source_lines_are_headings_under_the_chapter_heading(built):
    for name, chapter in zip(built.chapter_files(), built.book.chapters):
        root = built.tree(name)
        headings = [(element.tag.rpartition("}")[2], element.get("class")) for element in root.iter()
                    if re.fullmatch(r"h[1-6]", element.tag.rpartition("}")[2])]
        assert headings[0] == ("h1", "chapter-title")
        assert [level for level, kind in headings].count("h1") == 1
        assert sum(kind == "source-line" and level == "h2" for level, kind in headings) == len(chapter.groups)


def test_glossary_is_an_epub_glossary_with_names_side_by_side_and_uses(built):
    root = built.tree("EPUB/glossary.xhtml")
    section = root.find(".//x:section[@epub:type='glossary']", NS)
    assert section is not None and section.get("role") == "doc-glossary"
    for entry in built.book.glossary:
        dt_element = section.find(f".//x:dl/x:dt[@id='{entry.anchor}']", NS)
        assert dt_element.find("x:dfn", NS).text == entry.term
        dd = dt_element.getnext()
        assert dd.tag == f"{{{XHTML}}}dd"
        text = squash("".join(dd.itertext()))
        for name in entry.names:
            assert name.name in text and (name.used_by is None or name.used_by in text)
        links = [a.get("href") for a in dd.iterfind(".//x:a", NS)]
        for use in entry.uses:
            target = next(link for link in links if link.endswith(f"#{use.anchor}"))
            file_name, anchor = target.split("#")
            assert built.tree(f"EPUB/{file_name}").find(f".//*[@id='{anchor}']") is not None


def test_package_metadata(built):
    metas = {}
    for meta in built.opf.iterfind(".//opf:metadata/opf:meta[@property]", NS):
        metas.setdefault(meta.get("property"), []).append(meta.text)
    assert metas["dcterms:modified"] == ["2023-11-14T22:13:20Z"]
    assert metas["schema:accessMode"] == ["textual", "visual"]
    assert metas["schema:accessModeSufficient"] == ["textual"]
    assert {"tableOfContents", "structuralNavigation", "readingOrder", "alternativeText"} <= set(metas["schema:accessibilityFeature"])
    assert metas["schema:accessibilityHazard"] == ["none"]
    assert metas["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert metas["schema:accessibilitySummary"][0]
    assert built.opf.find(".//dc:identifier", NS).text == built.project.identifier
    cover = built.opf.find(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("media-type") == "image/png" and built.files["EPUB/" + cover.get("href")].startswith(b"\x89PNG")
    fonts = [item.get("href") for item in built.opf.iterfind(".//opf:item[@media-type='font/ttf']", NS)]
    assert fonts and all(f"EPUB/{href}" in built.files for href in fonts)
    remote = [i for i in built.opf.iterfind(".//opf:item", NS) if "://" in i.get("href") or "remote-resources" in (i.get("properties") or "")]
    assert remote == []


# `book build --epub` of tests/projects/minimal before the fonts were subset (whole Noto fonts, Armenian too)
MINIMAL_EPUB_WITH_WHOLE_FONTS = 1_414_131


def test_fonts_hold_only_the_letters_the_book_uses_and_the_licence_is_linked(built):
    from fontTools.ttLib import TTFont

    from book.render.fontsubset import ALWAYS

    text = "".join("".join(etree.fromstring(data).itertext()) for data in built.documents().values())
    used = set(text) | set(text.upper()) | set(text.lower()) | set(ALWAYS)
    armenian = any("\u0530" <= character <= "\u058f" for character in text)
    fonts = {href: built.files[f"EPUB/{href}"] for href in
             (item.get("href") for item in built.opf.iterfind(".//opf:item[@media-type='font/ttf']", NS))}
    assert fonts
    for href, data in fonts.items():
        with TTFont(io.BytesIO(data)) as font:
            assert {chr(code) for code in font.getBestCmap()} <= used, href
            assert "Open Font License" in (font["name"].getDebugName(13) or "")
    assert any("Armenian" in href for href in fonts) == armenian  # a script's font only where the book has its letters
    css = built.files["EPUB/styles/epub.css"].decode("utf-8")
    assert {href.removeprefix("fonts/") for href in fonts} == set(re.findall(r"url\(\.\./fonts/([^)]+)\)", css))
    colophon = built.tree("EPUB/colophon.xhtml")
    assert colophon.find(".//x:a[@href='fonts.xhtml']", NS) is not None
    licence = squash("".join(built.tree("EPUB/fonts.xhtml").itertext()))
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Serif" in licence
    if built.project.root.name == "minimal":
        assert built.path.stat().st_size <= MINIMAL_EPUB_WITH_WHOLE_FONTS // 3


def test_cover_is_a_valid_png_with_the_title_drawn(built):
    png = built.files["EPUB/images/cover.png"]
    Image.open(io.BytesIO(png)).verify()  # chunk CRCs and structure
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", cover.SIZE)
    colours = dict((colour, count) for count, colour in image.getcolors(1 << 16))
    assert image.getpixel((0, 0)) == image.getpixel((cover.SIZE[0] - 1, cover.SIZE[1] - 1)) == cover.PAPER
    assert colours[cover.INK] > 1000 and colours[cover.ACCENT] > 1000  # the title, and the rules and edition label


def test_colophon_carries_the_edition(built):
    text = squash("".join(built.tree("EPUB/colophon.xhtml").itertext()))
    assert built.book.edition.label in text and built.book.edition.date.isoformat() in text


def test_bad_source_date_epoch_is_a_clear_error_and_writes_nothing(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = tmp_path / "book.epub"
    with pytest.raises(BookError, match="SOURCE_DATE_EPOCH"):
        write_epub(minimal.book, minimal.project, out)
    assert list(tmp_path.iterdir()) == []


def test_modified_falls_back_to_the_edition_date(minimal, tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    path = write_epub(minimal.book, minimal.project, tmp_path / "book.epub")
    opf = etree.fromstring(read_epub(path)["EPUB/content.opf"])
    modified = opf.find(".//opf:meta[@property='dcterms:modified']", NS).text
    assert minimal.book.edition.date == dt.date(2023, 11, 14)  # the draft's date, from EPOCH
    assert modified == "2023-11-14T00:00:00Z"
