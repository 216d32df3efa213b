"""The print edition as an accessibility reviewer reads it: the `pdfua` checker, the structure tree, link
descriptions, artifacts, whole hyphenated words and page labels equal to the printed folios."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfua
import pikepdf
import pytest

from book.annotate import annotate
from book.editions import current_edition
from book.i18n import Words
from book.organise import organise
from book.pipeline import build
from longbook import long_project
from book.project import load

PROJECTS = Path(__file__).parent / "projects"
REPOSITORY = Path(__file__).parent.parent
EPOCH = "1617235200"
# pdfua 0.1.3's heading rule reads `is_integer` from every /K, which pikepdf 10 refuses on an array:
# the rule is skipped with this error on any PDF whose headings hold more than one item; test_headings checks it.
KNOWN_SKIP = {"UA-14-001": "cannot get key '/is_integer' on object of type array"}


def _copy_repository_book(into: Path) -> Path:
    root = into / "repository"
    root.mkdir()
    for name in ("book.yaml", "glossary.yaml", "timeline.yaml"):
        if (REPOSITORY / name).is_file():
            shutil.copy2(REPOSITORY / name, root / name)
    for name in ("chapters", "corpus", "editions"):
        shutil.copytree(REPOSITORY / name, root / name)
    return root


@pytest.fixture(scope="module", params=["minimal", "glossary", "unicode", "repository", "periods"])
def built(request, tmp_path_factory):
    """A project built to PDF through the real pipeline: its book model and PDF."""
    base = tmp_path_factory.mktemp("ua")
    if request.param == "repository":
        root = _copy_repository_book(base)
    elif request.param == "periods":  # a chapter laid out in pieces, joined
        root = long_project(base)
    else:
        root = base / request.param
        shutil.copytree(PROJECTS / request.param, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        build(root, formats=("pdf",))
        project = load(root)
        book = annotate(project, organise(project), current_edition(project))
    return {"book": book, "pdf": root / "dist" / f"{book.stem}.pdf"}


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _elements(element):
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.get("/Type", "/StructElem") == "/StructElem":
            yield kid
            yield from _elements(kid)


def _marks_content(element) -> bool:
    return any(isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and (kid.get("/Type") == "/MCR" or _marks_content(kid)))
               for kid in _kids(element))


def test_checker_finds_nothing(built):
    report = pdfua.validate(str(built["pdf"]))
    assert [(finding.rule_id, finding.message) for finding in report.findings] == []
    skipped = {outcome.rule_id: outcome.skipped_reason for outcome in report.skipped}
    assert all(rule in KNOWN_SKIP and KNOWN_SKIP[rule] in reason for rule, reason in skipped.items()), skipped


def test_structure_tree_has_notes_headings_in_order_and_no_nonstruct(built):
    citations = sum(len(chapter.groups) for chapter in built["book"].chapters)
    with pikepdf.open(built["pdf"]) as document:
        elements = list(_elements(document.Root.StructTreeRoot.K[0]))
        roles = [str(element.S) for element in elements]
        assert "/NonStruct" not in roles
        notes = [element for element in elements if element.S == "/Note"]
        assert len(notes) == citations
        for note in notes:
            first = next(kid for kid in _kids(note) if isinstance(kid, pikepdf.Dictionary))
            assert first.S == "/Lbl" and _marks_content(first)
            siblings = [kid for kid in _kids(note.P) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
            before = siblings[[kid.objgen for kid in siblings].index(note.objgen) - 1]  # the call, or the heading holding it
            calls = [before] if before.S == "/Link" else [kid for kid in _elements(before) if kid.S == "/Link"]
            destinations = [str(objr.Obj.Dest) for call in calls for objr in _kids(call)
                            if isinstance(objr, pikepdf.Dictionary) and objr.get("/Type") == "/OBJR"]
            assert str(note.ID) in destinations  # the call is a link to its note, just before it
        assert len({str(note.ID) for note in notes}) == len(notes)
        headings = [int(str(element.S)[2]) for element in elements if re.fullmatch(r"/H[1-6]", str(element.S))]
        assert headings and all(_marks_content(element) for element in elements if re.fullmatch(r"/H[1-6]", str(element.S)))
        assert headings[0] == 1 and all(later <= earlier + 1 for earlier, later in zip(headings, headings[1:]))
        headers = [element for element in elements if element.S == "/TH"]
        for header in headers:
            owners = header.A if isinstance(header.A, pikepdf.Array) else [header.A]
            assert any(owner.get("/Scope") in ("/Column", "/Row") for owner in owners)


def test_running_heads_and_folios_are_artifacts_and_marked_content_is_in_the_tree(built):
    with pikepdf.open(built["pdf"]) as document:
        root = document.Root.StructTreeRoot
        reachable = {element.objgen for element in _elements(root.K[0])}
        nums = list(root.ParentTree.Nums)
        parents = dict(zip((int(key) for key in nums[::2]), nums[1::2]))
        pagination = 0
        for page in document.pages:
            if "/StructParents" not in page:
                continue
            mapping = parents[int(page.StructParents)]
            for operands, operator in pikepdf.parse_content_stream(page, "BDC"):
                if operands[0] == "/Artifact":
                    pagination += operands[1].get("/Type") == "/Pagination"
                    continue
                element = mapping[int(operands[1].MCID)]
                assert element.objgen in reachable
    assert pagination >= len(document.pages) // 2  # a folio (and a running head) on most pages


def test_links_are_described_in_words(built):
    with pikepdf.open(built["pdf"]) as document:
        links = [annotation for page in document.pages for annotation in page.get("/Annots", []) if annotation.get("/Subtype") == "/Link"]
        descriptions = [str(annotation.Contents) for annotation in links]
        assert links and all(re.search(r"[^\W\d_]", description) for description in descriptions)
        assert not any(str(annotation.Contents) == str(annotation.get("/Dest", "")) for annotation in links)
    chapter = built["book"].chapters[0]
    words = Words(built["book"].language)  # the descriptions are in the book's language
    chapter_one = re.escape(words.gettext("Chapter %(number)s") % {"number": 1})
    page = re.escape(words.gettext("p. %(page)s") % {"page": "PAGE"}).replace("PAGE", r"\d+")
    assert any(re.fullmatch(rf"{chapter_one}: {re.escape(chapter.title)}, {page}", description)
               for description in descriptions), descriptions
    if built["book"].glossary:
        assert any(description.startswith("Glossary: ") for description in descriptions)
    assert any(description.startswith("Note 1: ") for description in descriptions)


def test_hyphenated_words_are_extracted_whole_and_names_are_not_hyphenated(built):
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(built["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert not re.search("\u2010$", raw, re.M)  # no U+2010 at a line end: automatic hyphens are hyphen-minus
    broken = re.findall(r"([^\W\d_]+)-\n([^\W\d_]+)", raw)
    for first, rest in broken:
        assert f"{first}{rest}" in text, (first, rest)  # pdftotext gives the word whole
        assert len(first) >= 3 and len(rest) >= 3
    assert not any(first[0].isupper() and len(first + rest) >= 6 and not first.isupper() for first, rest in broken
                   if not re.search(rf"[.!?:“\"‘(]\s*{re.escape(first)}-\n", raw)), broken


def test_page_labels_are_the_printed_folios(built):
    pages = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(built["pdf"]), "-"],
                           capture_output=True, text=True, check=True).stdout.split("\f")[:-1]
    with pikepdf.open(built["pdf"]) as document:
        labels = [page.label for page in document.pages]
    checked = 0
    for label, text in zip(labels, pages):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        folio = lines[-1].split()[-1] if lines else ""
        if re.fullmatch(r"\d+|[ivxlc]+", folio):
            assert folio == label
            checked += 1
    assert labels[0] == "i" and "1" in labels and checked >= len(labels) // 2


def test_source_lines_stay_with_their_passage_and_continued_groups_name_their_source(built):
    with pikepdf.open(built["pdf"]) as document:
        names = list(document.Root.Names.Dests.Names)
        index = {page.objgen: number for number, page in enumerate(document.pages)}
        where = {str(name): index[target[0].objgen] for name, target in zip(names[::2], names[1::2])}
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built["pdf"]), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    continued = 0
    for chapter in built["book"].chapters:
        for group in chapter.groups:
            first, last = where[group.passages[0].anchor], where[group.passages[-1].anchor]
            assert where[group.anchor] == first, group.anchor  # the source line is on the page its passage starts
            for page in range(first + 1, last + 1):
                assert f"From: {group.citation.outlet_text}" in pages[page], (group.anchor, page)
                continued += 1
    if built["book"].title.startswith("Nagorno"):
        assert continued  # the repository's book has groups running over a page
