"""`book release` through the command line, read back from what it released: PDF (pdftotext), EPUB (unzipped
and parsed) and the web page. Edition 1, then a source added, one edited in its text and one in its metadata,
edition 2; unattributed sources refused with their line; supplied values printed in square brackets."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree, html
from ruamel.yaml import YAML

from book.cli import main
from tests.epubtools import XHTML, squash

STEM = "the-kessa-valley-dispute-edition-"
NEW_SOURCE = """---
title: Monitoring station opens on the river
outlet: South Wire
date: 2021-04-01
---
A monitoring station on the Qessa began measuring the flow on Thursday.
"""
SUPPLIED_OUTLET = 'outlet: Harbour Gazette\nsupplied: {outlet: "identified from the letters page of the Gazette where it was printed"}'


def run(project: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def pdf_text(path: Path) -> str:
    """The PDF's text as it reads, lines joined (footnotes and paragraphs wrap anywhere)."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return squash(text.replace("\f", " "))


def epub_texts(path: Path) -> dict[str, str]:
    """The reading text of each XHTML document of the EPUB, by file name."""
    texts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                body = etree.fromstring(archive.read(name)).find(f"{{{XHTML}}}body")
                texts[name.rsplit("/", 1)[-1]] = squash("".join(body.itertext()))
    return texts


def web_section(path: Path, section_id: str) -> str:
    page = html.fromstring(path.read_bytes())
    return squash(page.get_element_by_id(section_id).text_content())


@pytest.fixture
def project(project_copy, monkeypatch):
    """The minimal project, its letter's outlet supplied by the editors: every source attributed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1619827200")  # 2021-05-01
    root = project_copy("minimal")
    edit(root / "corpus/undated-letter.md", "outlet: null", SUPPLIED_OUTLET)
    return root


def released(root: Path, number: int) -> dict[str, Path]:
    return {kind: root / "dist" / f"{STEM}{number}.{kind}" for kind in ("pdf", "epub", "html")}


def test_two_releases_say_what_each_edition_changed(project):
    first = run(project, "release", "--note", "First edition for the class.")
    assert first.exit_code == 0, first.output
    outputs = released(project, 1)
    assert [line.removeprefix("wrote ") for line in first.output.splitlines() if line.startswith("wrote ")] == [
        str(project.resolve() / "editions/1.yaml"), *map(str, outputs.values()), str(project.resolve() / f"dist/{STEM}1")]
    assert "released edition 1" in first.output
    pdf, epub, web = pdf_text(outputs["pdf"]), epub_texts(outputs["epub"]), web_section(outputs["html"], "whats-new")
    for whats_new in (pdf[pdf.rindex("What’s new in this edition"):], epub["whats-new.xhtml"], web):
        assert "This is the first edition of The Kessa Valley Dispute" in whats_new
        assert "same sources" not in whats_new and "Changes since" not in whats_new
    assert "Edition 1, 1 May 2021" in pdf and "(draft)" not in pdf

    (project / "corpus/southwire-2021-04-01-station.md").write_text(NEW_SOURCE, encoding="utf-8")
    edit(project / "corpus/gazette-2021-03-02-dam-filling.md", "within a day", "within two days")  # its text
    edit(project / "corpus/southwire-2021-03-05-talks.md", "author: null", "author: Lena Varr")  # its metadata
    second = run(project, "release", "--note", "Adds the monitoring station.")
    assert second.exit_code == 0, second.output
    assert "released edition 2 (4 sources; since edition 1: 1 added, 2 changed, 0 removed)" in second.output
    manifest = YAML(typ="safe").load((project / "editions/2.yaml").read_text(encoding="utf-8"))
    assert manifest["sources"]["southwire-2021-04-01-station"]["title"] == "Monitoring station opens on the river"

    outputs = released(project, 2)
    pdf, epub = pdf_text(outputs["pdf"]), epub_texts(outputs["epub"])
    back = pdf[pdf.rindex("What’s new in this edition"):pdf.rindex("Glossary")]
    for whats_new in (back, epub["whats-new.xhtml"], web_section(outputs["html"], "whats-new")):
        assert "Changes since edition 1" in whats_new
        assert re.search(r"Sources added (• )?Monitoring station opens on the river \(added\)", whats_new), whats_new
        assert "Dam filling begins despite protests downstream (text changed)" in whats_new
        assert "Talks on river flow to resume next week (metadata changed)" in whats_new
        assert "A letter from a ferry captain" not in whats_new  # unchanged
        assert "same sources" not in whats_new and "first edition" not in whats_new
        assert "Adds the monitoring station." in whats_new
    assert "Edition 2, 1 May 2021" in pdf and "Edition 2 (draft)" not in pdf
    assert "Edition 2, 2021-05-01. Adds the monitoring station." in epub["colophon.xhtml"]

    rebuilt = run(project, "build", "--html")  # the released edition built again says the same
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "Talks on river flow to resume next week (metadata changed)" in web_section(outputs["html"], "whats-new")


def test_a_source_without_an_outlet_is_refused_with_its_line(project_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1619827200")
    root = project_copy("minimal")
    result = run(root, "release")
    assert result.exit_code == 1
    assert ("corpus/undated-letter.md:3: error: no outlet: name it, or set 'outlet:' to the one you established "
            "and say how under 'supplied: {outlet: …}' (or release with --allow-unattributed)") in result.output
    assert "cannot release: 1 source without an outlet" in result.output
    assert not (root / "editions").exists()
    assert not (root / "dist").exists() or not [p for p in (root / "dist").iterdir() if p.name not in (".lock", ".cache")]


def test_a_supplied_outlet_is_accepted_and_printed_in_square_brackets(project):
    check = run(project, "check")
    assert check.exit_code == 0 and "no outlet" not in check.output
    result = run(project, "release")
    assert result.exit_code == 0, result.output
    outputs = released(project, 1)
    pdf = pdf_text(outputs["pdf"])
    assert "[Harbour Gazette] · n.d. · A letter from a ferry captain" in pdf  # the source line in the chapter
    assert "[Harbour Gazette] (Northland press), “A letter from a ferry captain”, n.d." in pdf  # its footnote
    sources = pdf[pdf.rindex("Sources"):]
    assert ("Outlet [Harbour Gazette] supplied by the editors: identified from the letters page of the Gazette "
            "where it was printed.") in sources
    assert "2 of 3 sources name their outlet; for 1 more, the editors identified the outlet" in pdf
    epub = epub_texts(outputs["epub"])
    assert "[Harbour Gazette]" in epub["chapter-further.xhtml"] and "supplied by the editors" in epub["sources.xhtml"]
    assert "[Harbour Gazette] · n.d." in web_section(outputs["html"], "chapter-further")


def test_allow_unattributed_releases_and_the_book_says_how_many(project_copy, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1619827200")
    root = project_copy("minimal")
    result = run(root, "release", "--allow-unattributed")
    assert result.exit_code == 0, result.output
    outputs = released(root, 1)
    claim = "2 of 3 sources name their outlet; 1 names no outlet and is cited as “outlet not named”."
    assert claim in pdf_text(outputs["pdf"])
    assert claim in epub_texts(outputs["epub"])["colophon.xhtml"]
    assert claim in web_section(outputs["html"], "about-sources")


@pytest.mark.parametrize("front_matter, message", [
    ('outlet: Harbour Gazette\nsupplied: {outlet: ""}',
     "corpus/undated-letter.md:4: error: supplied.outlet: a supplied outlet needs a note saying how it was established"),
    ("outlet: Harbour Gazette\nsupplied:\n  outlet:",
     "corpus/undated-letter.md:5: error: supplied.outlet: a supplied outlet needs a note saying how it was established"),
    ("outlet: null\nsupplied: {outlet: from the byline}",
     "corpus/undated-letter.md:4: error: supplied.outlet: there is no outlet to explain: set 'outlet:' to the value you established"),
    ("outlet: null\nsupplied: {url: found online}",
     "corpus/undated-letter.md:4: error: supplied: 'url' cannot be supplied; only outlet, date, author can"),
])
def test_a_supplied_value_needs_its_value_and_a_note(project_copy, front_matter, message):
    root = project_copy("minimal")
    edit(root / "corpus/undated-letter.md", "outlet: null", front_matter)
    for command in ("check", "release"):
        result = run(root, command)
        assert result.exit_code == 1
        assert message in result.output, result.output
    assert not (root / "editions").exists()
