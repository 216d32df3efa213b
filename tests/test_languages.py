"""Books in other languages, built through the command and read back: German, Russian, Armenian and Arabic
projects (tests/projects/), an English book quoting a Russian source, labels and catalogue warnings."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from lxml import etree

from book.cli import main
from tests.epubtools import ace, chart_positions, epubcheck
from tests.webtools import chromium, static_server

PROJECTS = Path(__file__).parent / "projects"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = {"opf": "http://www.idpf.org/2007/opf"}
# The fixed words of the book in English, none of which a German book may print (issue 19).
ENGLISH = ("Contents", "Glossary", "Sources", "What’s new in this edition", "Chapter 1", "Questions for discussion",
           "Whose reporting this chapter quotes", "Used on page", "See also", "Edited by", "Further reporting",
           "outlet not named", "n.d.", "About the sources", "Edition 1")
GERMAN = ("Inhalt", "Glossar", "Quellen", "Neu in dieser Ausgabe", "Kapitel 1", "Fragen zur Diskussion",
          "Wessen Berichte dieses Kapitel zitiert", "Verwendet auf Seite", "Siehe auch", "Herausgegeben von",
          "Weitere Berichte", "Medium nicht genannt", "o. D.", "Über die Quellen", "Ausgabe 1", "14. November 2023")


def build(root: Path, *args: str) -> CliRunner:
    result = CliRunner().invoke(main, ["build", *args, "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    return result


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as epub:
        return {name: epub.read(name) for name in epub.namelist()}


def struct_langs(path: Path) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every element of the PDF's structure tree that names a language."""
    found = []
    with pikepdf.open(path) as pdf:
        def walk(node):
            if isinstance(node, pikepdf.Dictionary):
                if "/Lang" in node:
                    found.append((str(node.get("/S")), str(node.Lang)))
                kids = node.get("/K")
                for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
                    walk(kid)
        walk(pdf.Root.StructTreeRoot)
        return found


def fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Each language project built once (all formats, SOURCE_DATE_EPOCH pinned to 2023-11-14)."""
    made = {}

    def get(name: str) -> Path:
        if name not in made:
            root = tmp_path_factory.mktemp(name) / name
            shutil.copytree(PROJECTS / name, root)
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
                build(root)
            made[name] = root / "dist"
        return made[name]

    return get


def output(dist: Path, suffix: str) -> Path:
    return next(dist.glob(f"*-edition-1{suffix}"))


def test_a_german_book_prints_no_english_fixed_word(built):
    dist = built("german")
    text = " ".join(pdf_text(output(dist, ".pdf")).split()).casefold()  # chapter numbers are set in capitals
    for word in ENGLISH:
        assert word.casefold() not in text, word
    for word in GERMAN:
        assert word.casefold() in text, word
    web = output(dist, ".html").read_text(encoding="utf-8")
    assert "Glossar" in web and "Glossary" not in web and '<html lang="de" dir="ltr">' in web
    files = epub_files(output(dist, ".epub"))
    nav = files["EPUB/nav.xhtml"].decode()
    assert ">Inhalt<" in nav and ">Orientierungspunkte<" in nav and ">Titelseite<" in nav and "Landmarks" not in nav
    opf = files["EPUB/content.opf"].decode()
    assert "Erfüllt WCAG 2.1 Stufe AA." in opf and "Meets WCAG" not in opf


# The web edition's own fixed words (issue 18's pages, pop-ups and search), none of which its German pages may say.
WEB_ENGLISH = ("Skip to the text", "Search the book", "Search", "Download this edition", "Contents", "Chapter 1",
               "Named differently by different sources", "used by", "Glossary entry", "Chapters", "Words to find", "Searching needs JavaScript", "Print edition", "E-book", "Searching", "Nothing found",
               "found for", "Search failed", "Close")
WEB_GERMAN = ("Zum Text springen", "Im Buch suchen", "Suchen", "Diese Ausgabe herunterladen", "Inhalt", "Kapitel 1",
              "In den Quellen unterschiedlich benannt:", "(verwendet von Quellen aus Nordland)", "Glossareintrag: Kessa",
              "Suchbegriffe für die Kapitel und das Glossar", "Die Suche braucht JavaScript", "Druckausgabe (PDF)",
              "E-Book (EPUB 3)", "Suche läuft", "Nichts gefunden für „%(query)s“.", "Textstellen für „%(query)s“ gefunden.",
              "Die Suche ist fehlgeschlagen", "Schließen")


class _Words(HTMLParser):
    """What a page says to its reader: its text (the search page's JSON of messages included) and its labels."""

    LABELS = ("aria-label", "data-label", "data-close", "title", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.said: list[str] = []
        self.in_json = False

    def handle_starttag(self, tag, attrs):
        self.said += [value for name, value in attrs if name in self.LABELS and value]
        self.in_json = tag == "script" and ("type", "application/json") in attrs

    def handle_endtag(self, tag):
        self.in_json = False

    def handle_data(self, data):
        if self.in_json:  # the messages search.js shows, JSON-escaped
            words = json.loads(data)
            self.said += [text for value in words.values()
                          for text in (value.values() if isinstance(value, dict) else [value])]
        elif data.strip():
            self.said.append(data.strip())


def site_words(site: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted(site.glob("*.html")):
        parser = _Words()
        parser.feed(page.read_text(encoding="utf-8"))
        found[page.name] = parser.said
    return found


def test_a_german_web_edition_says_none_of_its_fixed_words_in_english(built):
    site = output(built("german"), "")
    pages = site_words(site)
    assert {"index.html", "search.html", "glossary.html"} <= set(pages) and any(n.startswith("chapter-") for n in pages)
    said = "\n".join(text for texts in pages.values() for text in texts)
    assert "Kessa" in said and "Glossareintrag: Kessa" in said  # the chapter pages carry the glossary pop-ups
    for word in WEB_ENGLISH:
        assert word not in said, word
    labels = {text for texts in pages.values() for text in texts}
    assert "Book" not in labels and "Buch" in labels  # the site navigation's label ("E-Book (EPUB 3)" is German too)
    for word in WEB_GERMAN:
        assert word in said, word
    search = (site / "search.html").read_text(encoding="utf-8")
    words = json.loads(search.split('<script type="application/json" id="search-words">')[1].split("</script>")[0])
    assert words["found"] == {"one": "%(num)s Textstelle für „%(query)s“ gefunden.",
                              "other": "%(num)s Textstellen für „%(query)s“ gefunden."}


def test_a_german_web_edition_searches_and_opens_its_pop_ups_in_german(built):
    """The words the scripts show (search status, pop-up labels) are the page's German ones, in a real browser."""
    site = output(built("german"), "")
    chapter = next(site.glob("chapter-*.html")).name
    with static_server(site) as url, chromium() as browser:
        page = browser.new_page()
        page.goto(url + "search.html?q=Kessa")
        status = page.locator(".search-status")
        status.filter(has_text="gefunden").wait_for()
        assert re.fullmatch(r"\d+ Textstellen? für „Kessa“ gefunden\.", status.inner_text()), status.inner_text()
        page.goto(url + "search.html?q=Zzyzxwv")
        status.filter(has_text="Nichts").wait_for()
        assert status.inner_text() == "Nichts gefunden für „Zzyzxwv“."
        page.goto(url + chapter)
        page.locator("a.term").first.click()
        dialog = page.get_by_role("dialog")
        assert dialog.get_attribute("aria-label").startswith("Glossareintrag: ")
        assert page.get_by_role("button", name="Schließen").is_visible()


def test_a_russian_book_dates_in_russian(built):
    text = " ".join(pdf_text(output(built("russian"), ".pdf")).split())
    assert "2 марта 2021 г." in text and "15 апреля 2021 г." in text and "14 ноября 2023 г." in text
    assert "Выпуск 1 (черновик)" in text and "Содержание" in text and "March" not in text


def test_an_armenian_book_in_armenian_with_its_russian_and_azerbaijani_sources_marked(built):
    dist = built("unicode")
    text = " ".join(pdf_text(output(dist, ".pdf")).split())
    assert "Բովանդակություն" in text and "Գլուխ 1" in text.title() or "ԳԼՈՒԽ 1" in text
    assert "Contents" not in text and "2023 թ. նոյեմբերի 14" in text
    assert ("/Div", "ru") in struct_langs(output(dist, ".pdf")) and ("/Div", "az") in struct_langs(output(dist, ".pdf"))
    chapter = etree.fromstring(epub_files(output(dist, ".epub"))["EPUB/chapter-weather.xhtml"])
    langs = {(div.get("lang"), div.get(XML_LANG)) for div in chapter.iter("{http://www.w3.org/1999/xhtml}div")
             if "passage" in (div.get("class") or "")}
    assert langs == {(None, None), ("ru", "ru"), ("az", "az")}


def test_an_arabic_book_is_laid_out_right_to_left(built, tmp_path):
    dist = built("arabic")
    epub = output(dist, ".epub")
    result = epubcheck(epub)
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)
    assert ace(epub, tmp_path / "ace").outcome == "pass"
    files = epub_files(epub)
    package = etree.fromstring(files["EPUB/content.opf"])
    assert package.find("opf:spine", OPF).get("page-progression-direction") == "rtl" and package.get("dir") == "rtl"
    chapter = etree.fromstring(files["EPUB/chapter-almiyah.xhtml"])
    assert chapter.get("dir") == "rtl" and chapter.get("lang") == "ar"
    english = [div for div in chapter.iter("{http://www.w3.org/1999/xhtml}div") if div.get("lang") == "en"]
    assert english and all(div.get("dir") == "ltr" for div in english)
    assert any(name.endswith("NotoNaskhArabic-Regular.ttf") for name in files)
    assert not any("Georgian" in name or "Hebrew" in name for name in files)
    pdf = output(dist, ".pdf")
    text = pdf_text(pdf)
    # Logical order: the words come back as written, not mirrored.
    for words in ("المحتويات", "مسرد المصطلحات", "بدأ ملء السد يوم", "الفصل", "Southland invites talks on the Qessa"):
        assert words in text, words
    used = fonts(pdf)
    assert "Book-Naskh-Arabic" in used and "Georgian" not in used and "Armenian" not in used and "DejaVu" not in used
    assert ("/Div", "en") in struct_langs(pdf)
    assert '<html lang="ar" dir="rtl">' in output(dist, ".html").read_text(encoding="utf-8")
    # The balance chart reads from the right: every name to the right of every bar.
    bars, names = chart_positions(files["EPUB/images/balance-almiyah.svg"])
    assert bars and names and max(bars) < min(names)
    # The web edition's pager points the way the book reads: the previous chapter to the right.
    site = dist / output(dist, ".epub").stem
    pager = (site / "chapter-almuzariun.html").read_text(encoding="utf-8")
    assert re.search(r'<a rel="prev" href="chapter-almiyah.html[^"]*">→ المياه</a>', pager)
    first = (site / "chapter-almiyah.html").read_text(encoding="utf-8")
    # Citations and the footer separate their parts with the Arabic comma.
    assert "صحيفة الميناء (صحافة الشمال، بلاد الشمال)، كريم المثال، «بدء ملء السد»، 2021-03-02." in " ".join(
        re.sub(r"<[^>]+>|[\u2066-\u2069]", "", first).split())
    assert re.search(r"</cite>، الطبعة 1", first)
    assert re.search(r'<a rel="next" href="chapter-almuzariun.html[^"]*">المزارعون ←</a>', first)
    # … and is laid out from the right in a real browser: a passage's rule on its right, the page not scrolled sideways.
    with static_server(site) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 800, "height": 900})
        page.goto(url + "chapter-almiyah.html")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        rule = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('.passage'));"
                             " return [s.borderRightWidth, s.borderLeftWidth]; })()")
        assert rule == ["3px", "0px"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 800
        nav = page.locator(".pager a[rel='next']").bounding_box()
        assert nav["x"] < 400  # the next chapter lies to the left



def test_an_english_book_marks_a_russian_source(project_copy, monkeypatch):
    root = project_copy("minimal")
    (root / "corpus" / "izvestia-2021-03-04-plotina.md").write_text(
        "---\ntitle: Плотина на Кессе\noutlet: Harbour Gazette\ndate: 2021-03-04\nlanguage: ru\n---\n"
        "Уровень воды в Кессе падает, фермеры беспокоятся.\n", encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(root, "--pdf", "--epub")
    dist = root / "dist"
    assert ("/Div", "ru") in struct_langs(output(dist, ".pdf"))
    files = epub_files(output(dist, ".epub"))
    chapter = files["EPUB/chapter-further.xhtml"].decode()  # it names no chapter's terms
    assert 'class="passage" id="izvestia-2021-03-04-plotina-1" lang="ru" xml:lang="ru"' in chapter
    assert '<span class="source-title" lang="ru" xml:lang="ru">Плотина на Кессе</span>' in chapter
    result = epubcheck(output(dist, ".epub"))
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)


def test_labels_replace_a_word_and_a_wrong_label_is_located(project_copy, monkeypatch):
    root = project_copy("german")
    with (root / "book.yaml").open("a", encoding="utf-8") as config:
        config.write("labels:\n  Glossary: Begriffe\n  Further reporting: Was sonst berichtet wurde\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(root, "--pdf")
    text = " ".join(pdf_text(next((root / "dist").glob("*.pdf"))).split())
    assert "Begriffe" in text and "Glossar" not in text and "Was sonst berichtet wurde" in text
    with (root / "book.yaml").open("a", encoding="utf-8") as config:
        config.write("  Glosary: Begriffe\n  Chapter %(number)s: Teil\n")
    result = CliRunner().invoke(main, ["check", "--project", str(root)])
    assert result.exit_code == 1
    assert "book.yaml:12: error: labels: unknown label 'Glosary'" in result.output
    assert "book.yaml:13: error: labels: 'Chapter %(number)s' must keep %(number)s" in result.output


def test_a_language_without_a_catalogue_is_printed_in_english_with_a_warning(project_copy):
    root = project_copy("minimal")
    config = root / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", "language: ka"), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--project", str(root)])
    assert "book.yaml:3: warning: no catalogue of the book's words for language 'ka': they are printed in English" \
        in result.output


DIGEST = """Снег в Гюмри

Nov 6 2020

В Гюмри с утра идёт сильный снег, дороги в город закрыты, и школы сегодня не работают.

Short news

Nov 7 2020

The roads to the city were opened again this morning after the snow stopped in the night.
"""

PAGE = """<!DOCTYPE html><html lang="hy"><head><title>Ձյուն Գյումրիում</title></head><body><article>
<h1>Ձյուն Գյումրիում</h1><p>Գյումրիում առավոտից ձյուն է տեղում, ճանապարհները փակ են, դպրոցները չեն աշխատում։</p>
</article></body></html>"""


def test_book_add_records_a_language_other_than_the_books(project_copy, tmp_path):
    """The Russian article of a digest gets `language: ru` (detected, with a note to check it), the English one
    nothing (it is the book's language); a page's own <html lang> is taken as it declares it."""
    root = project_copy("minimal")
    digest, page = tmp_path / "digest.txt", tmp_path / "page.html"
    digest.write_text(DIGEST, encoding="utf-8")
    page.write_text(PAGE, encoding="utf-8")
    result = CliRunner().invoke(main, ["add", str(digest), str(page), "--project", str(root)])
    assert result.exit_code == 0, result.output
    texts = {path.name: path.read_text(encoding="utf-8") for path in (root / "corpus").glob("*.md")}
    russian = next(text for text in texts.values() if "В Гюмри с утра" in text)
    english = next(text for text in texts.values() if "Short news" in text)
    armenian = next(text for text in texts.values() if "Ձյուն Գյումրիում" in text)
    assert "\nlanguage: ru\n" in russian and "language:" not in english and "\nlanguage: hy\n" in armenian
    assert "language ru detected from the text" in result.output
    assert "language hy as the page declares it (<html lang>)" in result.output
    check = CliRunner().invoke(main, ["check", "--project", str(root)])
    assert check.exit_code == 0 and " 0 errors" in check.output, check.output


def test_words_do_not_leak_from_one_book_to_the_next(project_copy, monkeypatch):
    """Templates are compiled once per process (and kept in dist/.cache): a filter on a constant
    (`"outlet not named"|unknown`) must not be folded into them in the first book's language."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    english, german = project_copy("minimal"), project_copy("german")
    build(english, "--html")
    build(german, "--html")
    web = next((german / "dist").glob("*.html")).read_text(encoding="utf-8")
    assert "„Medium nicht genannt“" in web and "„o. D.“" in web and "outlet not named" not in web
    build(english, "--html")
    web = next((english / "dist").glob("*.html")).read_text(encoding="utf-8")
    assert "“outlet not named”" in web and "Medium" not in web
