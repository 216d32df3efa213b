"""Classroom editions built through the command line and read back: the teacher's edition (notes in it, and in no
student output or handout; links from a note reach the passage), the large-print PDF (every letter at 18 pt or
more, no hyphenated line end) and handouts that stand alone (title block, questions with answer lines, terms)."""

from __future__ import annotations

import collections
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from lxml import etree

from book.cli import main
from tests.epubtools import XHTML, chart_positions, epubcheck, squash
from tests.pdftools import destinations_and_links

STEM = "the-kessa-valley-dispute-edition-1"
PROJECT = Path(__file__).parent / "projects" / "minimal"
FILLING = "gazette-2021-03-02-dam-filling"
TALKS = "southwire-2021-03-05-talks"
QUESTION_NOTE = f"A good answer sets the Gazette's account ({FILLING}:1) beside the minister's promise."
TEACHING_NOTE = "Start with the map of the river: ask who lives upstream and who downstream."
NOTES = ("A good answer sets the Gazette's account", "beside the minister's promise", "Start with the map of the river",
         "For the teacher", "Teaching notes", "Teacher’s edition")
QUESTIONS = f"""questions:
  - question: How do the two outlets describe the filling of the dam?
    note: "{QUESTION_NOTE}"
  - Who speaks for the farmers downstream?
teacher_notes: "{TEACHING_NOTE}"
handout:
  answer_lines: 4
"""


def run(project: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ["-f", str(first), "-l", str(last or first)] if first else []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return squash(out.replace("\f", " "))


def epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return squash(" ".join("".join(etree.fromstring(archive.read(n)).itertext())
                               for n in archive.namelist() if n.endswith(".xhtml")))


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """The minimal project with notes for the teacher, built as students' and teacher's editions, with handouts."""
    root = tmp_path_factory.mktemp("classroom") / "minimal"
    shutil.copytree(PROJECT, root)
    chapter = root / "chapters" / "01-water-rights.md"
    text = chapter.read_text(encoding="utf-8")
    start = text.index("questions:")
    chapter.write_text(text[:start] + QUESTIONS + text[text.index("---", start):], encoding="utf-8")
    assert run(root, "check").exit_code == 0
    for args in (("build", "--handouts"), ("build", "--teacher"), ("build", "--pdf", "--large-print")):
        result = run(root, *args)
        assert result.exit_code == 0 and "warning" not in result.output, result.output
    return root / "dist"


def test_the_teacher_edition_has_every_note_and_no_student_output_has_one(classroom):
    teacher = pdf_text(classroom / f"{STEM}-teacher.pdf")
    for words in NOTES:
        assert words in teacher, words
    assert "(Harbour Gazette, 2021-03-02)" in teacher  # the passage named in the note, as its source
    students = {f"{STEM}.pdf": pdf_text(classroom / f"{STEM}.pdf"), f"{STEM}.epub": epub_text(classroom / f"{STEM}.epub"),
                f"{STEM}.html": squash((classroom / f"{STEM}.html").read_text(encoding="utf-8"))}
    students.update({f"handouts/{p.name}": pdf_text(p) for p in (classroom / "handouts").glob("*.pdf")})
    assert len(students) == 6
    for name, text in students.items():
        assert "How do the two outlets describe the filling of the dam?" in text or "handouts/0" in name
        for words in NOTES:
            assert words not in text, (name, words)
    assert all(words in epub_text(classroom / f"{STEM}-teacher.epub") for words in NOTES[:5])
    assert all(words in (classroom / f"{STEM}-teacher.html").read_text(encoding="utf-8") for words in NOTES[:5])


def test_the_teacher_edition_says_so_on_cover_title_page_and_running_heads(classroom):
    pdf = classroom / f"{STEM}-teacher.pdf"
    assert "EDITION 1 (DRAFT) · TEACHER’S EDITION" in pdf_text(pdf, 1)
    assert "TEACHER’S EDITION" in pdf_text(pdf, 3)  # the title page
    with pikepdf.open(pdf) as document:
        count = len(document.pages)
    heads = [pdf_text(pdf, n) for n in range(7, count + 1)]
    assert any(page.startswith("The Kessa Valley Dispute · Teacher’s edition ") for page in heads)  # a left-hand head
    result = epubcheck(classroom / f"{STEM}-teacher.epub")
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)


def test_a_teacher_edition_without_notes_does_not_claim_any(project_copy):
    root = project_copy("minimal")
    assert run(root, "build", "--teacher", "--pdf").exit_code == 0
    text = pdf_text(root / "dist" / f"{STEM}-teacher.pdf", 1, 6)
    assert "No chapter of this book has notes for the teacher yet" in text
    assert "prints the editors’ notes" not in text


def test_a_passage_named_in_a_note_is_a_link_to_it(classroom):
    pdf = classroom / f"{STEM}-teacher.pdf"
    destination, links = destinations_and_links(pdf)
    note_page = next(page for page, _ in sorted(links) if "A good answer sets" in pdf_text(pdf, page))
    assert (note_page, f"{FILLING}-1") in links
    assert "Engineers began filling the Upper Kessa Dam on Monday" in pdf_text(pdf, destination[f"{FILLING}-1"])
    with zipfile.ZipFile(classroom / f"{STEM}-teacher.epub") as archive:
        name = next(n for n in archive.namelist() if n.endswith("chapter-water-rights.xhtml"))
        chapter = etree.fromstring(archive.read(name))
    hrefs = chapter.xpath("//x:div[@class='teacher-note']//x:a/@href", namespaces={"x": XHTML})
    assert hrefs == [f"chapter-water-rights.xhtml#{FILLING}-1"] and chapter.xpath(f"//*[@id='{FILLING}-1']")


def test_a_note_naming_a_passage_that_does_not_exist_is_located(project_copy):
    root = project_copy("minimal")
    chapter = root / "chapters" / "01-water-rights.md"
    text = chapter.read_text(encoding="utf-8")
    start = text.index("questions:")
    broken = QUESTIONS.replace(f"{FILLING}:1", f"{FILLING}:7").replace(TEACHING_NOTE, "Read nowhere-known:2 first.")
    chapter.write_text(text[:start] + broken + text[text.index("---", start):], encoding="utf-8")
    lines = run(root, "check").output.splitlines()
    first = text[:start].count("\n") + 1
    assert (f"chapters/01-water-rights.md:{first + 2}: error: note: '{FILLING}:7': article '{FILLING}' has passages 1 to 3"
            in lines), lines
    assert f"chapters/01-water-rights.md:{first + 4}: error: teacher_notes: 'nowhere-known:2': no article 'nowhere-known' in corpus/" in lines


def test_large_print_sets_every_letter_at_18_points_without_hyphenation(classroom):
    pdf = classroom / f"{STEM}-large-print.pdf"
    with pdfplumber.open(pdf) as document:
        sizes = collections.Counter(round(char["size"], 1) for page in document.pages for char in page.chars)
    assert min(sizes) >= 18, sorted(sizes.items())
    assert sizes.most_common(1)[0][0] == 18
    lines = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert not [line for line in lines if line.rstrip().endswith(("\u2010", "\u00ad"))]
    regular = subprocess.run(["pdftotext", "-enc", "UTF-8", str(classroom / f"{STEM}.pdf"), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert squash(regular).count("Engineers began filling") == squash(pdf_text(pdf)).count("Engineers began filling") == 1


def test_a_handout_stands_alone(classroom):
    handout = classroom / "handouts" / "01-water-rights.pdf"
    text = pdf_text(handout)
    assert "The Kessa Valley Dispute · Edition 1 (draft)" in text and "Handout, chapter 1" in text and "Name:" in text
    assert "Terms used in this chapter" in text and "Kessa (Northland sources); Qessa (Southland sources)" in text
    assert "Harbour Gazette (Northland press), Mira Olsen" in text  # its citations, as footnotes
    assert "Timeline:" not in text  # the timeline is not in the handout: no line points at it
    with pikepdf.open(handout) as document:
        names = {str(name) for name in list(document.Root.Names.Dests.Names)[::2]}
        targets = {str(annot.Dest) for page in document.pages for annot in page.get("/Annots", []) if "/Dest" in annot}
        rules = sum(str(op) == "re" for page in document.pages for _, op in pikepdf.parse_content_stream(page))
    assert "term-kessa" in targets and targets <= names  # terms link to the handout's own glossary
    assert rules >= 8  # 4 answer lines under each of the 2 questions


def test_each_chapter_shows_its_balance_as_a_chart_with_a_text_alternative(classroom, tmp_path):
    from tests.epubtools import ace

    epub = classroom / f"{STEM}.epub"
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        chapter = etree.fromstring(archive.read(next(n for n in names if n.endswith("chapter-water-rights.xhtml"))))
        opf = archive.read(next(n for n in names if n.endswith(".opf"))).decode("utf-8")
        svg = etree.fromstring(archive.read(next(n for n in names if n.endswith("images/balance-water-rights.svg"))))
    image = chapter.find(f".//{{{XHTML}}}img[@class='balance-chart']")
    alt = "Passages by perspective: Northland press 3, Southland government 1."
    assert image.get("alt") == alt and image.get("src") == "images/balance-water-rights.svg"
    assert 'media-type="image/svg+xml"' in opf and "bar charts of a chapter" in opf
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and not svg.xpath("//*[local-name()='script' or local-name()='image']")
    bars, names = chart_positions(etree.tostring(svg))
    assert bars and names and max(names) < min(bars)  # read from the left: the names, then the bars
    table = [" ".join(squash(cell.text or "") for cell in row) for row in chapter.iterfind(f".//{{{XHTML}}}tbody/{{{XHTML}}}tr")]
    assert table == ["Northland press 3", "Southland government 1"]  # the table stays beside the chart
    assert ace(epub, tmp_path / "ace").outcome == "pass"
    with pikepdf.open(classroom / f"{STEM}.pdf") as document:
        figures = [str(element.get("/Alt")) for element in _elements(document.Root.StructTreeRoot) if element.get("/S") == "/Figure"]
    assert alt in figures


def _elements(node):
    kids = node.get("/K")
    for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _elements(kid)
