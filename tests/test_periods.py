"""A long chapter divided by publication date: each period a heading, a bookmark, a right-hand page and notes from 1
in print, the same headings and notes in the EPUB and the web edition; in print each period is laid out on its own and
reused when a source is added to another one, with the bytes of a cold build."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import weasyprint
from lxml import html as lxml_html

from book.i18n import Words
from book.render.linebreak import whole_lines
from epubtools import epubcheck, read_epub, xml
from longbook import add_report, long_project
from tests.pdftools import build_digests

EPOCH = "1617235200"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _build(root: Path, cache: bool = True, handouts: bool = False) -> tuple[dict[str, str], int]:
    return build_digests(root, cache=cache, keep_html=True, handouts=handouts)


def _texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _periods(pdf: Path) -> dict[str, tuple[int, list[tuple[str, int]]]]:
    """Each chapter's bookmark: its page index and its periods' bookmarks (title, page index)."""
    with pikepdf.open(pdf) as document:
        index = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        with document.open_outline() as outline:
            return {str(item.title): (index[item.destination[0].objgen],
                                      [(str(child.title), index[child.destination[0].objgen]) for child in item.children])
                    for item in outline.root}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = long_project(tmp_path_factory.mktemp("periods"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        _build(root, handouts=True)
    return root


def _pdf(root: Path) -> Path:
    return next((root / "dist").glob("*.pdf"))


def test_the_long_chapter_opens_each_month_on_a_right_hand_page_with_its_notes_from_1(built):
    pdf = _pdf(built)
    chapters = _periods(pdf)
    assert chapters["Borders"][1] == []  # a short chapter is not divided
    water, periods = chapters["Water"]
    assert [title for title, _ in periods] == ["May 2022", "June 2022", "July 2022"]
    with pikepdf.open(pdf) as document:
        labels = [page.label for page in document.pages]
    texts = _texts(pdf)
    for (title, start), (_, end) in zip(periods, periods[1:] + [(None, chapters["What’s new in this edition"][0])]):
        assert int(labels[start]) % 2 == 1  # a right-hand page
        first = texts[start]
        assert first.lstrip().startswith("Water")  # the chapter's title in the running head of the period's first page
        assert title in first
        notes = [int(number) for page in texts[start:end] for number in re.findall(r"(?m)^(\d+)\. (?:East Courier|West Radio)", page)]
        assert notes == list(range(1, len(notes) + 1)) and len(notes) >= 2, (title, notes)
    tail = texts[periods[-1][1]:chapters["What’s new in this edition"][0]]
    assert any("Whose reporting this chapter quotes" in page for page in tail)


def test_a_handout_of_the_long_chapter_runs_on_without_empty_pages(built):
    handout = built / "dist" / "handouts" / "02-water.pdf"
    texts = _texts(handout)
    assert all(text.strip() for text in texts)
    assert len(texts) < _periods(_pdf(built))["What’s new in this edition"][0] - _periods(_pdf(built))["Water"][0]
    joined = "".join(texts)
    assert all(label in joined for label in ("May 2022", "June 2022", "July 2022"))


def test_the_kept_html_alone_gives_the_same_pages(built):
    kept = next((built / "dist").glob("*.print.html"))
    alone = built / "alone.pdf"
    with whole_lines():
        weasyprint.HTML(filename=kept).write_pdf(alone)
    assert _texts(alone) == _texts(_pdf(built))


def test_the_epub_and_the_web_edition_have_the_same_periods_and_notes(built):
    epub = next((built / "dist").glob("*.epub"))
    checked = epubcheck(epub)
    assert (checked.fatal, checked.errors, checked.warnings) == (0, 0, 0), checked.messages
    files = read_epub(epub)
    water = next(xml(data) for name, data in files.items() if name.endswith(".xhtml") and b"June 2022" in data)
    headings = [("".join(h.itertext()).strip(), h.tag, h.get("class")) for h in water.iter(f"{XHTML}h2", f"{XHTML}h3")]
    assert [text for text, tag, kind in headings if kind == "period-title"] == ["May 2022", "June 2022", "July 2022"]
    assert [tag for _, tag, kind in headings if kind == "period-title"] == [f"{XHTML}h2"] * 3
    assert [tag for _, tag, kind in headings if kind == "source-line"] == [f"{XHTML}h3"] * 18  # one level below
    for period in water.iter(f"{XHTML}section"):
        if "period" in period.get("class", "").split():
            calls = [int(a.text) for a in period.iter(f"{XHTML}a") if "noteref" in a.get("class", "")]
            assert calls == list(range(1, len(calls) + 1))
    nav = xml(files["EPUB/nav.xhtml"])
    chapter = next(li for li in nav.iter(f"{XHTML}li") if "Water" in "".join(li.itertext()))
    assert ["".join(a.itertext()) for a in chapter.iter(f"{XHTML}a")][1:] == ["May 2022", "June 2022", "July 2022"]
    assert all(a.get("href").endswith(("--2022-05", "--2022-06", "--2022-07")) for a in list(chapter.iter(f"{XHTML}a"))[1:])
    page = lxml_html.parse(str(next((built / "dist").glob("*/chapter-water.html")))).getroot()
    periods = page.xpath("//section[@class='period']")
    assert [period.xpath("string(h2)").strip() for period in periods] == ["May 2022", "June 2022", "July 2022"]
    assert sum(len(period.xpath(".//h3[@class='source-line']")) for period in periods) == 18
    index = lxml_html.parse(str(next((built / "dist").glob("*/index.html")))).getroot()
    assert [(a.text_content(), a.get("href")) for a in index.xpath("//ol[@class='periods']//a")] == [
        (label, f"chapter-water.html#chapter-water--{key}") for label, key in
        (("May 2022", "2022-05"), ("June 2022", "2022-06"), ("July 2022", "2022-07"))]


def test_adding_a_source_lays_out_its_period_again_and_reuses_the_others(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = long_project(tmp_path)
    _, cold_pages = _build(root)
    before = _periods(_pdf(root))["Water"][1]
    june = dict(before)["July 2022"] - dict(before)["June 2022"]
    add_report(root, dt.date(2022, 7, 30), seed=999)  # July only
    reused, reused_pages = _build(root)
    assert "report 999" in "".join(_texts(_pdf(root)))
    pdf = _pdf(root).read_bytes()
    cold, again = _build(root, cache=False)
    assert reused == cold and _pdf(root).read_bytes() == pdf
    assert reused_pages <= again - june  # June (and May, and the other chapter) were not laid out again
    add_report(root, dt.date(2022, 6, 29), seed=1001)  # June grows: July starts later, its part is the same
    for seed in range(1002, 1006):
        add_report(root, dt.date(2022, 6, 28), seed=seed)
    reused, reused_pages = _build(root)
    after = _periods(_pdf(root))["Water"][1]
    assert dict(after)["July 2022"] > dict(before)["July 2022"]
    july = _periods(_pdf(root))["What’s new in this edition"][0] - dict(after)["July 2022"]
    pdf = _pdf(root).read_bytes()
    cold, again = _build(root, cache=False)
    assert reused == cold and _pdf(root).read_bytes() == pdf
    assert reused_pages <= again - july + 2  # July was reused where it now starts (its balance and questions were not)


def test_period_headings_are_in_the_book_language():
    assert Words("en").period(dt.date(2020, 10, 1), dt.date(2020, 10, 1)) == "October 2020"
    assert Words("en").period(dt.date(2020, 1, 1), dt.date(2020, 3, 1)) == "January\u2009–\u2009March 2020"
    assert Words("en").period(dt.date(2020, 1, 1), dt.date(2020, 12, 1)) == "2020"
    assert Words("ru").period(dt.date(2020, 10, 1), dt.date(2020, 10, 1)) == "Октябрь 2020\u202fг."  # CLDR's narrow no-break space
    assert Words("de").period(dt.date(2020, 1, 1), dt.date(2020, 3, 1)) == "Januar–März 2020"
