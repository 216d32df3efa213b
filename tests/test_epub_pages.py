"""The print edition's page numbers in the EPUB: markers where the PDF's pages start, a page list, and
metadata only when the PDF is built in the same build."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from book.pipeline import build
from tests.epubtools import OPS, XHTML, ace, epubcheck, read_epub, squash

PROJECTS = Path(__file__).parent / "projects"
EPOCH = "1617235200"
OPF = "http://www.idpf.org/2007/opf"
MARK = "\u2063"  # (invisible separator) stands for a marker while the text after it is read


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The glossary project built to PDF and EPUB in one build."""
    root = tmp_path_factory.mktemp("pages") / "glossary"
    shutil.copytree(PROJECTS / "glossary", root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        written = build(root, formats=("pdf", "epub"))
    return {"root": root, "pdf": next(p for p in written if p.suffix == ".pdf"), "epub": next(p for p in written if p.suffix == ".epub")}


def _markers(files: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(page, file, the first words after the marker) of every page-break marker, in reading order."""
    found = []
    for name, data in files.items():
        if not name.endswith(".xhtml") or name.endswith("nav.xhtml"):
            continue
        root = etree.fromstring(data)
        for aside in list(root.iter(f"{{{XHTML}}}aside")):  # notes are not in the reading flow of a page
            aside.getparent().remove(aside)
        markers = [element for element in root.iter(f"{{{XHTML}}}span") if element.get(f"{{{OPS}}}type") == "pagebreak"]
        for marker in markers:
            assert marker.get("role") == "doc-pagebreak" and marker.get("id") == f"page-{marker.get('aria-label')}"
            marker.text = MARK + marker.get("aria-label") + MARK
        text = squash("".join(root.find(f"{{{XHTML}}}body").itertext()))
        for page, after in re.findall(rf"{MARK}(\d+){MARK}([^{MARK}]*)", text):
            found.append((page, name, " ".join(after.split()[:6])))
    return found


def _words(text: str) -> list[str]:
    return [word.casefold() for word in re.split(r"[^\w]+", re.sub(r"-\n", "", text)) if word]  # print capitalises some


def test_every_marker_names_the_pdf_page_on_which_its_text_starts(both):
    files = read_epub(both["epub"])
    markers = _markers(files)
    with pikepdf.open(both["pdf"]) as document:
        index = {page.label: number for number, page in enumerate(document.pages, 1)}
    assert len(markers) >= 5
    for page, name, after in markers:
        text = subprocess.run(["pdftotext", "-f", str(index[page]), "-l", str(index[page]), "-enc", "UTF-8", str(both["pdf"]), "-"],
                              capture_output=True, text=True, check=True).stdout
        words, on_page = _words(after), _words(text)
        assert words and any(on_page[i:i + len(words)] == words for i in range(len(on_page))), (page, name, after)
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    page_list = [nav_ for nav_ in nav.iter(f"{{{XHTML}}}nav") if nav_.get(f"{{{OPS}}}type") == "page-list"]
    assert len(page_list) == 1
    listed = [(link.text, link.get("href")) for link in page_list[0].iter(f"{{{XHTML}}}a")]
    assert [page for page, _ in listed] == [page for page, _, _ in sorted(markers, key=lambda m: int(m[0]))]
    assert all(href.endswith(f"#page-{page}") for page, href in listed)
    opf = etree.fromstring(files["EPUB/content.opf"])
    properties = [(meta.get("property"), meta.text) for meta in opf.iter(f"{{{OPF}}}meta")]
    assert ("schema:accessibilityFeature", "pageBreakMarkers") in properties
    assert ("schema:accessibilityFeature", "printPageNumbers") in properties
    assert any(name == "pageBreakSource" and both["pdf"].name in value for name, value in properties)


def test_epub_with_page_list_passes_epubcheck_and_ace(both, tmp_path):
    result = epubcheck(both["epub"])
    assert [message for message in result.messages if " CSS-028 " not in message] == []
    verdict = ace(both["epub"], tmp_path / "ace")
    assert verdict.outcome == "pass", verdict.violations


def test_epub_alone_claims_no_page_numbers(tmp_path, monkeypatch):
    root = tmp_path / "glossary"
    shutil.copytree(PROJECTS / "glossary", root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (epub,) = build(root, formats=("epub",))
    files = read_epub(epub)
    assert b"pagebreak" not in b"".join(data for name, data in files.items() if name.endswith(".xhtml"))
    assert b"pageBreakMarkers" not in files["EPUB/content.opf"] and b"pageBreakSource" not in files["EPUB/content.opf"]
