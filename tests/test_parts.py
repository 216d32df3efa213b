"""Laid-out parts reused from dist/.cache/parts/: the same bytes as a cold build, whatever page a reused chapter now starts on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.pdftools import build_digests

EPOCH = "1617235200"
NEW_SOURCE = """---
title: Farmers along the Orun count the dry weeks
outlet: West Radio
date: 2022-05-07
url: https://example.org/west/dry-weeks
---
Farmers near Vellhaven say the dry season came early and the fishing boats stayed in port.
"""


def _build(root: Path, cache: bool = True) -> tuple[dict[str, str], int]:
    return build_digests(root, cache=cache)


def _pdf(root: Path) -> Path:
    return next((root / "dist").glob("*.pdf"))


def _chapter_starts(pdf: Path) -> list[str]:
    """The page label of each chapter's first page (from the bookmarks)."""
    with pikepdf.open(pdf) as document:
        labels = [page.label for page in document.pages]
        index = {page.obj.objgen: number for number, page in enumerate(document.pages)}
        with document.open_outline() as outline:
            return [labels[index[item.destination[0].objgen]] for item in outline.root
                    if item.destination is not None and str(item.title) in ("Borders", "Water")]


def _folios_are_labels(pdf: Path) -> int:
    """Each page's printed folio (its last line) is its page label; returns how many pages print one."""
    with pikepdf.open(pdf) as document:
        labels = [page.label for page in document.pages]
    checked = 0
    for number, label in enumerate(labels, 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        lines = [line for line in text.splitlines() if line.strip()]
        folio = lines[-1].split()[-1] if lines else ""
        if re.fullmatch(r"\d+|[ivxlc]+", folio):
            assert folio == label, (number, folio, label)
            checked += 1
    return checked


@pytest.fixture
def book_project(project_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = project_copy("glossary")
    _build(root)  # the first build keeps its parts
    return root


def _reused_equals_cold(root: Path) -> tuple[int, int]:
    """A build reusing parts, then a cold one (no cache): the same bytes in every output; the pages each laid out."""
    reused, reused_pages = _build(root)
    pdf = _pdf(root).read_bytes()
    cold, cold_pages = _build(root, cache=False)
    assert reused == cold
    assert _pdf(root).read_bytes() == pdf
    return reused_pages, cold_pages


def test_adding_a_source_reuses_the_other_chapter(book_project):
    (book_project / "corpus" / "west-2022-05-07-dry-weeks.md").write_text(NEW_SOURCE, encoding="utf-8")
    reused, cold = _reused_equals_cold(book_project)
    assert "Farmers along the Orun count the dry weeks" in subprocess.run(
        ["pdftotext", str(_pdf(book_project)), "-"], capture_output=True, text=True, check=True).stdout
    assert 0 < reused < cold  # the chapter "Borders" (and the folios) were not laid out again


def test_editing_an_introduction_reuses_the_other_chapter(book_project):
    chapter = book_project / "chapters" / "02-water.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "Who may draw how much water.", "Who may draw how much water, and who decides."), encoding="utf-8")
    reused, cold = _reused_equals_cold(book_project)
    assert 0 < reused < cold


def test_a_chapter_moved_to_later_pages_is_reused_with_its_new_folios(book_project):
    before = _chapter_starts(_pdf(book_project))
    chapter = book_project / "chapters" / "01-borders.md"
    longer = "\n\n".join(["Where the line runs, and who says so."] + ["A paragraph of the introduction that fills the page. " * 12] * 12)
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("Where the line runs, and who says so.", longer), encoding="utf-8")
    reused, cold = _reused_equals_cold(book_project)
    after = _chapter_starts(_pdf(book_project))
    assert before[0] == after[0] and int(after[1]) > int(before[1])  # "Water" starts later, its part unchanged
    assert 0 < reused < cold
    assert _folios_are_labels(_pdf(book_project)) >= 10


def test_a_damaged_or_foreign_part_chart_or_font_is_made_again(book_project):
    parts = sorted((book_project / "dist" / ".cache" / "parts").glob("*.part"))
    assert parts
    cold, cold_pages = _build(book_project, cache=False)
    damaged = bytearray(parts[0].read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    parts[0].write_bytes(bytes(damaged))
    parts[1].write_bytes(b"PART1" + bytes(32) + parts[1].read_bytes()[37:])  # a tag that is not this user's
    parts[2].write_bytes(b"")
    charts = sorted((book_project / "dist" / ".cache" / "charts").glob("*.blob"))
    assert charts
    for chart in charts:  # a chart someone else drew: not this user's tag
        chart.write_bytes(bytes(32) + b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    fonts = sorted((book_project / "dist" / ".cache" / "fonts").glob("*.blob"))
    assert fonts  # the EPUB's cut-down fonts
    fonts[0].write_bytes(bytes(32) + b"not a font")
    fonts[1].write_bytes(fonts[1].read_bytes()[:-100])  # cut short: its tag no longer matches
    reused, reused_pages = _build(book_project)
    assert reused == cold
    assert reused_pages > 0
