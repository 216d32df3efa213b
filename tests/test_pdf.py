"""The print edition, read back from the PDF: outline, contents, footnotes, text, fonts, safety, bytes."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import logging
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pikepdf
import pytest
import weasyprint

import factories as f
from book.pipeline import build
from book.project import load
from book.render import pdf, pdfjoin
from book.render.html import ASSETS
from book.render.linebreak import whole_lines

PROJECTS = Path(__file__).parent / "projects"
EPOCH = "1617235200"  # 2021-04-01


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    """The minimal project built through the real pipeline: PDF, kept HTML and handouts."""
    root = tmp_path_factory.mktemp("pdf") / "minimal"
    shutil.copytree(PROJECTS / "minimal", root)
    logs = Records()
    for name in ("book", "weasyprint"):
        logging.getLogger(name).addHandler(logs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        written = build(root, formats=("pdf",), handouts=True, keep_html=True)
    for name in ("book", "weasyprint"):
        logging.getLogger(name).removeHandler(logs)
    from book.annotate import annotate
    from book.editions import current_edition
    from book.organise import organise

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        project = load(root)
        book = annotate(project, organise(project), current_edition(project))
    out = root / "dist" / f"{book.stem}.pdf"
    return {"root": root, "book": book, "pdf": out, "written": written, "logs": logs.records, "pages": page_texts(out)}


def page_texts(path: Path) -> list[str]:
    """pdftotext's text of each page, in order."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def words(text: str) -> list[str]:
    """Words as they read, whatever the line breaks and hyphenation did to them."""
    text = re.sub(r"-\n", "", text).replace("\u00ad", "")
    return [w for w in re.split(r"[\s\-‐]+", text.replace("-", " ")) if w]


def is_subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(word == other for other in it) for word in needle)


def chapter_pages(minimal) -> dict[str, range]:
    """Physical page indexes of each chapter, found by its opener."""
    pages, book = minimal["pages"], minimal["book"]
    starts = []
    for chapter in book.chapters:
        starts.append(next(i for i, text in enumerate(pages) if f"CHAPTER {chapter.number}\n" in text.upper()
                           and chapter.title in text and "Contents" not in text))
    back = next(i for i, text in enumerate(pages) if "What’s new in this edition" in text and "Contents" not in text)
    ends = starts[1:] + [back]
    return {chapter.slug: range(start, end) for chapter, start, end in zip(book.chapters, starts, ends)}


def printed_number(page_text: str) -> str:
    """The folio printed at the foot of a page (the last line pdftotext gives)."""
    return [line for line in page_text.strip().splitlines() if line.strip()][-1].strip()


def test_build_writes_pdf_handouts_and_html_without_warnings(minimal):
    book = minimal["book"]
    names = sorted(p.relative_to(minimal["root"] / "dist").as_posix() for p in minimal["written"])
    expected = sorted([f"{book.stem}.pdf", f"{book.stem}.print.html"]
                      + [f"handouts/{c.number:02d}-{c.slug}.pdf" for c in book.chapters])
    assert names == expected
    assert [r.getMessage() for r in minimal["logs"] if r.levelno >= logging.WARNING] == []
    assert not list((minimal["root"] / "dist").rglob("*.tmp"))


def test_bookmarks_for_chapters_and_back_matter(minimal):
    with pikepdf.open(minimal["pdf"]) as document:
        with document.open_outline() as outline:
            titles = [item.title for item in outline.root]
            targets = {}
            page_index = {page.objgen: i for i, page in enumerate(document.pages)}
            for item in outline.root:
                destination = item.destination
                targets[item.title] = page_index[destination[0].objgen]
    book = minimal["book"]
    assert titles == ["Contents", "About the sources"] + [c.title for c in book.chapters] + [
        "What’s new in this edition", "Timeline", "Glossary", "Sources"]
    for chapter in book.chapters:
        assert targets[chapter.title] == chapter_pages(minimal)[chapter.slug].start


def test_contents_page_numbers_are_where_chapters_start(minimal):
    pages = minimal["pages"]
    contents = next(text for text in pages if text.startswith("Contents"))
    for chapter, where in zip(minimal["book"].chapters, chapter_pages(minimal).values()):
        listed = re.search(rf"{re.escape(chapter.title)}[ .]*\s*(\d+)", contents)  # the leader is drawn, not text
        assert listed, (chapter.title, contents)
        assert listed.group(1) == printed_number(pages[where.start])
        assert where.start % 2 == 0  # physical page where.start + 1 is odd: a right-hand page
    assert printed_number(pages[chapter_pages(minimal)[minimal["book"].chapters[0].slug].start]) == "1"
    assert printed_number(contents) in {"v", "vii", "ix"}  # front matter in roman numerals


def test_footnotes_per_chapter_are_exactly_one_to_n_on_their_page(minimal):
    pages = minimal["pages"]
    for chapter in minimal["book"].chapters:
        span = chapter_pages(minimal)[chapter.slug]
        text = "\n".join(pages[i] for i in span)
        outlets = "|".join(re.escape(c.citation.outlet_text) for ch in minimal["book"].chapters for c in ch.groups)
        found = [int(n) for n in re.findall(rf"^(\d+)\. (?:{outlets})\b", text, flags=re.M)]
        assert found == list(range(1, len(chapter.groups) + 1)), (chapter.slug, found)
        for group in chapter.groups:
            note = f"{group.note_number}. {group.citation.outlet_text}"
            homes = [i for i in span if re.search(rf"^{re.escape(note)}", pages[i], flags=re.M)]
            assert len(homes) == 1, (note, homes)
            call_page = next(i for i in span if group.citation.title.split()[0] in pages[i])
            assert homes[0] == call_page, (note, homes, call_page)


def test_every_passage_is_in_the_text(minimal):
    document = words("\n".join(minimal["pages"]))
    for chapter in minimal["book"].chapters:
        for group in chapter.groups:
            for passage in group.passages:
                assert is_subsequence(words(passage.text), document), passage.ref


def test_glossary_and_sources_carry_page_numbers(minimal):
    pages, book = minimal["pages"], minimal["book"]
    glossary = next(text for text in pages if text.startswith("Glossary"))
    used = [entry for entry in book.glossary if entry.uses]
    assert used
    assert len(re.findall(r"Used on pages? \d+", glossary)) == len(used)
    sources = next(text for text in pages if text.startswith("Sources"))
    assert re.search(r"\(p\. \d+\)", sources)


def test_fonts_are_embedded_and_metadata_set(minimal):
    fonts = subprocess.run(["pdffonts", str(minimal["pdf"])], capture_output=True, text=True, check=True).stdout
    rows = fonts.strip().splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), fonts
    assert all("Book-Serif" in row for row in rows), fonts
    names = [row.split()[0] for row in rows]
    assert len(names) == len(set(names)), fonts  # each part's subsets carry their own tag
    info = subprocess.run(["pdfinfo", str(minimal["pdf"])], capture_output=True, text=True, check=True).stdout
    book = minimal["book"]
    assert re.search(rf"^Title:\s+{re.escape(book.title)}$", info, re.M)
    assert re.search(rf"^Author:\s+{re.escape(', '.join(book.editors))}$", info, re.M)
    assert re.search(r"^Keywords:\s+\S", info, re.M) and re.search(r"^Subject:\s+\S", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^CreationDate:.*2021", info, re.M)
    with pikepdf.open(minimal["pdf"]) as document:
        assert str(document.Root.Lang) == book.language
        assert b"pdfuaid" in document.Root.Metadata.read_bytes()


def test_two_builds_are_byte_identical(minimal, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = tmp_path / "again"
    shutil.copytree(PROJECTS / "minimal", again)
    build(again, formats=("pdf",))
    assert (again / "dist" / minimal["pdf"].name).read_bytes() == minimal["pdf"].read_bytes()


def test_kept_html_alone_gives_the_same_book(minimal, tmp_path):
    """WeasyPrint with the build's one line-breaking fix turns the kept HTML into the book's pages."""
    kept = minimal["pdf"].with_name(minimal["pdf"].stem + ".print.html")
    alone = tmp_path / "alone.pdf"
    with whole_lines():
        weasyprint.HTML(filename=kept).write_pdf(alone)
    assert page_texts(alone) == minimal["pages"]


def test_handouts_hold_one_chapter_each(minimal):
    for chapter in minimal["book"].chapters:
        handout = minimal["root"] / "dist" / "handouts" / f"{chapter.number:02d}-{chapter.slug}.pdf"
        text = "\n".join(page_texts(handout))
        assert chapter.title in text
        for other in minimal["book"].chapters:
            if other is not chapter:
                assert other.title not in text.split("\n")
        text_words = words(text)
        for group in chapter.groups:
            for passage in group.passages:
                assert is_subsequence(words(passage.text), text_words)


UNICODE_LINES = ("Հայաստանի Հանրապետություն", "Российская Федерация", "Azərbaycan Respublikası: ığşçöü İĞŞƏ")


def test_armenian_cyrillic_and_azerbaijani_come_back_unchanged(tmp_path):
    passages = [f.passage("multi", n, line) for n, line in enumerate(UNICODE_LINES, 1)]
    book = f.make_book([f.chapter("scripts", 1, "Scripts", [f.group("scripts", 1, f.citation("multi"), passages)])])
    out = tmp_path / "scripts.pdf"
    assert pdf.build_pdf(book, tmp_path, out) == []
    text = "\n".join(page_texts(out))
    for line in UNICODE_LINES:
        assert line in text.splitlines(), line
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Book-Serif-Armenian" in fonts
    assert all(row.split()[-5] == "yes" for row in fonts.strip().splitlines()[2:])


def test_letter_page_size(tmp_path):
    book = f.make_book([f.chapter("one", 1, "One", [f.group("one", 1, f.citation("a"), [f.passage("a", 1, "Text.")])])],
                       page_size="Letter")
    out = tmp_path / "letter.pdf"
    pdf.build_pdf(book, tmp_path, out)
    with pikepdf.open(out) as document:
        assert all([round(float(v)) for v in page.mediabox] == [0, 0, 612, 792] for page in document.pages)


class Counting(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        Counting.requests.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"secret")

    def log_message(self, *args):
        pass


def test_fetcher_refuses_files_outside_and_anything_remote(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_port}/latest/meta-data"
    hostile = ('<p>Text.<link rel="attachment" href="file:///etc/passwd">'
               f'<img src="http://169.254.169.254/latest/meta-data/" alt=""><img src="{local}" alt=""></p>')
    passage = f.passage("a", 1, "Text.", parts=(hostile,))
    book = f.make_book([f.chapter("one", 1, "One", [f.group("one", 1, f.citation("a"), [passage])])])
    out = tmp_path / "hostile.pdf"
    handout = tmp_path / "hostile-handout.pdf"
    try:
        warnings = pdf.build_pdf(book, tmp_path, out)
        handout_warnings = pdf.build_handout(book, book.chapters[0], tmp_path, handout)
    finally:
        server.shutdown()
    assert Counting.requests == []
    assert any("169.254.169.254" in w for w in warnings) and any(local in w for w in warnings)
    # In a single document (a handout) WeasyPrint asks for the attachment; ours refuses it.
    assert any("file:///etc/passwd" in w for w in handout_warnings)
    for path in (out, handout):
        data = path.read_bytes()
        assert b"root:" not in data and b"secret" not in data
        with pikepdf.open(path) as document:
            assert len(document.attachments) == 0
            assert "/EmbeddedFiles" not in document.Root.get("/Names", {})


def test_fetcher_serves_only_inside_its_roots(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "picture.png").write_bytes(b"png")
    (tmp_path / "outside.txt").write_text("outside")
    (project / "escape.txt").symlink_to(tmp_path / "outside.txt")
    fetcher = pdf.LocalFetcher((ASSETS, project))
    assert fetcher.fetch((project / "picture.png").as_uri()).read() == b"png"
    assert fetcher.fetch((ASSETS / "fonts" / "OFL.txt").as_uri()).read().startswith(b"Noto")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    for url in ((tmp_path / "outside.txt").as_uri(), (project / "escape.txt").as_uri(), "file:///etc/passwd",
                (project / ".." / "outside.txt").as_uri(), "file://otherhost/etc/passwd", "http://169.254.169.254/",
                "https://example.org/", "ftp://example.org/x"):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


def test_weasyprint_warnings_are_reported_as_ours(tmp_path, caplog):
    from book.render import write_outputs

    passage = f.passage("a", 1, "Text.", parts=('<p>Text.<img src="missing.png" alt=""></p>',))
    book = f.make_book([f.chapter("one", 1, "One", [f.group("one", 1, f.citation("a"), [passage])])])
    project = type("P", (), {"root": tmp_path})()
    with caplog.at_level(logging.WARNING, logger="book.render"):
        write_outputs(book, project, formats=("pdf",))
    messages = [r.getMessage() for r in caplog.records if r.name == "book.render"]
    assert any("missing.png" in m for m in messages), messages
    assert (tmp_path / "dist" / f"{book.stem}.pdf").is_file()


def test_first_edition_says_so_and_later_editions_list_changes(tmp_path):
    from book.render.model import ChangedArticle, Changes, EditionInfo

    chapter = f.chapter("one", 1, "One", [f.group("one", 1, f.citation("a", "Added article"), [f.passage("a", 1, "Text.")])])
    first = f.make_book([chapter])
    pdf.build_pdf(first, tmp_path, tmp_path / "first.pdf")
    assert "This is the first edition" in "\n".join(page_texts(tmp_path / "first.pdf"))
    second = f.make_book([chapter], edition=EditionInfo(2, dt.date(2021, 5, 1), False, "Adds one article."),
                         changes=Changes(previous=1, added=(ChangedArticle("a", "Added article", "one--a", "added"),),
                                         removed=(ChangedArticle("gone", "Withdrawn article", None, "removed"),)))
    pdf.build_pdf(second, tmp_path, tmp_path / "second.pdf")
    text = "\n".join(page_texts(tmp_path / "second.pdf"))
    assert "Changes since edition 1" in text and "Withdrawn article" in text and "Edition 2" in text
    assert re.search(r"Added article\s+\(added\)\s+p\. 1", text)


def test_links_between_front_body_and_back_resolve(minimal):
    with pikepdf.open(minimal["pdf"]) as document:
        names = list(document.Root.Names.Dests.Names)
        page_index = {page.objgen: i for i, page in enumerate(document.pages)}
        destinations = {str(names[i]): page_index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [(i, str(annot.Dest)) for i, page in enumerate(document.pages)
                 for annot in page.get("/Annots", []) if "/Dest" in annot]
    assert links and all(target in destinations for _, target in links), [t for _, t in links if t not in destinations]
    starts = chapter_pages(minimal)
    for chapter in minimal["book"].chapters:
        assert destinations[chapter.anchor] == starts[chapter.slug].start
    front = starts[minimal["book"].chapters[0].slug].start
    back = max(r.stop for r in starts.values())
    assert any(page < front and destinations[target] >= front for page, target in links)  # contents → body
    assert any(page >= back and front <= destinations[target] < back for page, target in links)  # glossary → body


def test_parts_join_into_one_structure_tree(minimal):
    """The chapters, back and front matter are laid out and written apart, then joined: the PDF/UA
    structure tree is still one Document whose marked content and link annotations all resolve."""
    with pikepdf.open(minimal["pdf"]) as document:
        root = document.Root.StructTreeRoot
        assert len(root.K) == 1 and root.K[0].S == "/Document"
        nums = list(root.ParentTree.Nums)
        keys = [int(key) for key in nums[::2]]
        assert len(keys) == len(set(keys)) and int(root.ParentTreeNextKey) > max(keys)
        parents = dict(zip(keys, nums[1::2]))
        marked = linked = 0
        for index, page in enumerate(document.pages):
            if "/StructParents" in page:
                for mcid, element in enumerate(parents[int(page.StructParents)]):
                    if element is None:  # a running head or folio: an artifact, outside the tree
                        continue
                    kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
                    assert mcid in [kid for kid in kids if isinstance(kid, int)] and element.Pg.objgen == page.objgen, (index, mcid)
                    marked += 1
            for annotation in page.get("/Annots", []):
                assert "/A" not in annotation or not str(annotation.A.get("/URI", "")).startswith("book-xref:")
                element = parents[int(annotation.StructParent)]
                assert any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR" and kid.Obj.objgen == annotation.objgen
                           for kid in element.K), index
                linked += 1

        def walk(element):
            kids = element.get("/K", [])
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    assert kid.P.objgen == element.objgen
                    yield kid
                    yield from walk(kid)

        elements = list(walk(root.K[0]))
        headings = [str(element.S) for element in elements if str(element.S) == "/H1"]
        ids = [str(element.ID) for element in elements if "/ID" in element]
        id_tree = list(root.IDTree.Names)
        assert ids and len(ids) == len(set(ids)) and sorted(ids) == [str(name) for name in id_tree[::2]]
        headers = [str(name) for element in elements if "/A" in element and "/Headers" in element.A for name in element.A.Headers]
        assert headers and set(headers) <= set(ids)  # table cells name their header cells, in whichever part
        blank = [i for i, text in enumerate(minimal["pages"]) if i > 0 and not text.strip()]  # not the cover
        assert all("/Annots" not in document.pages[i] for i in blank)
    book = minimal["book"]
    assert marked > 100 and linked > 10
    assert len(headings) >= len(book.chapters) + 3  # every chapter, glossary, sources, contents
    assert blank, "the minimal book has at least one blank left-hand page before a chapter"


def test_join_resolves_links_between_parts_and_reports_missing_anchors():
    def part(body: str) -> pdfjoin.Part:
        document = weasyprint.HTML(string=f'<html lang="en"><body>{body}</body></html>').render(**pdf.OPTIONS)
        pdfjoin.mark_cross_references(document)
        return pdfjoin.Part(document.write_pdf(**pdf.OPTIONS))

    first = part('<h1 id="a">A</h1><p><a href="#b">to b</a> <a href="#a">to a</a> <a href="#nowhere">lost</a></p>')
    second = part('<h1 id="b">B</h1><p><a href="#a">back to a</a></p>')
    data, missing = pdfjoin.join([first, pdfjoin.BLANK, second])
    assert missing == ["nowhere"]
    with pikepdf.open(io.BytesIO(data)) as document:
        assert len(document.pages) == 3
        names = list(document.Root.Names.Dests.Names)
        page_index = {page.objgen: i for i, page in enumerate(document.pages)}
        destinations = {str(name): page_index[target[0].objgen] for name, target in zip(names[::2], names[1::2])}
        links = sorted((i, str(annotation.Dest)) for i, page in enumerate(document.pages) for annotation in page.get("/Annots", []))
        with document.open_outline() as outline:
            bookmarks = [(item.title, page_index[item.destination[0].objgen]) for item in outline.root]
    assert destinations == {"a": 0, "b": 2}
    assert links == [(0, "a"), (0, "b"), (0, "nowhere"), (2, "a")]
    assert bookmarks == [("A", 0), ("B", 2)]
