"""The repository's own book: only reporting is quoted, each passage once and word for word; re-adding the seeds writes nothing."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pikepdf
from rich.console import Console

from book.ingest import add_sources
from book.ingest import lines as L
from book.ingest.furniture import damaged_dateline, production_credits
from book.ingest.markdown_text import plain_text
from book.organise import organise
from book.pipeline import build
from book.project import load
from tests.factories import pull_quote_of

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "tests" / "ingest" / "seeds"
SUBHEADS = {
    "jewish-news-syndicate-2020-10-15-how-armenian-azerbaijani-conflict":
        ["‘Exert pressure on public opinion’", "‘Threaten gas markets in Europe’", "‘A challenge for Tehran’"],
    "reuters-2020-11-06-two-largest-cities": ["BROKEN CEASEFIRES"],
}
CREDITS = {
    "reuters-2020-11-06-two-largest-cities": "Reporting by Margarita Antidze in Tbilisi, Nvard Hovhannisyan in Yerevan "
                                             "and Nailia Bagirova in Baku; Writing by Robin Paxton; Editing by Alex Richardson",
    "armenpress-2020-11-11-russian-peacekeepers-move-area": "Editing by Stepan Kocharyan",
}


def _folded(text: str) -> str:
    return " ".join(text.split())


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "book"
    root.mkdir()
    for name in ("book.yaml", "glossary.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("chapters", "corpus", "editions"):
        shutil.copytree(REPO / name, root / name)
    return root


def test_every_passage_is_reporting_quoted_once_word_for_word():
    project = load(REPO)
    seeds = _folded("\n".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))))
    plan = organise(project)
    in_chapters = Counter(ref for chapter in plan.chapters for ref in chapter.refs)
    assert in_chapters == Counter(passage.ref for passage in project.passages)  # each passage once
    for article in project.articles:
        texts = [plain_text(passage.text) for passage in article.passages]
        for passage, text in zip(article.passages, texts):
            units = [plain_text(line) for line in passage.text.split("\n")] if passage.text.startswith("- ") else [text]
            assert all(unit in seeds for unit in units), passage.ref  # word for word as the source has it (each item)
            words = text.split()
            assert not (len(words) <= 12 and not L.ends_sentence(text)), f"{passage.ref} looks like a subhead: {text}"
            assert production_credits(text) is None, f"{passage.ref} is production credits: {text}"
            assert L.dateline(text) is None and damaged_dateline(text) is None, f"{passage.ref} opens with a dateline"
            assert not any(pull_quote_of(text, other) for other in texts), f"{passage.ref} is a pull-quote: {text}"
    for article_id, subheads in SUBHEADS.items():
        under = [passage.subhead for passage in project.article(article_id).passages if passage.subhead]
        assert list(dict.fromkeys(under)) == subheads
    for article_id, credits in CREDITS.items():
        assert project.article(article_id).meta.credits == credits
    # the editors' reviewed decisions survive the re-ingest
    assert project.article("turkish-press-turkish-business").meta.title == "Turkish business delegation to visit Baku"
    assert {a.id for a in project.articles if a.meta.supplied} == {
        "turkish-press-turkish-business", "2020-10-05-foreign-interference-armenia-azerbaijan",
        "2020-10-29-madrid-principles-blueprint-carte"}


def test_subheads_are_the_sources_own_never_the_books_and_credits_print_with_the_citation(tmp_path):
    root = _copy(tmp_path)
    build(root, formats=("pdf", "epub"), cache=False)
    pdf_path, = (root / "dist").glob("*.pdf")
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    subheads = [text for texts in SUBHEADS.values() for text in texts]
    assert titles and not any(sub.strip("‘’") in title for sub in subheads for title in titles)
    epub_path, = (root / "dist").glob("*.epub")
    with zipfile.ZipFile(epub_path) as epub:
        nav = next(epub.read(name).decode() for name in epub.namelist() if name.endswith("nav.xhtml"))
        chapters = "".join(epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml"))
    assert not any(sub.strip("‘’") in nav for sub in subheads)
    for sub in subheads:  # set as the source's subheading, outside the quoted passages, never a heading of the book
        assert f'<p class="source-subhead">{sub}</p>' in chapters
        assert not re.search(r"<h\d[^>]*>[^<]*" + re.escape(sub), chapters)
    assert "; Writing by Robin Paxton; Editing by Alex Richardson." in chapters
    assert not re.search(r'<div class="passage"[^>]*>\s*<p>\(?Reporting by', chapters)


def test_readding_the_seeds_writes_nothing_even_after_an_editor_corrected_an_article(tmp_path):
    root = _copy(tmp_path)
    jns = root / "corpus" / "jewish-news-syndicate-2020-10-15-how-armenian-azerbaijani-conflict.md"
    jns.write_text(jns.read_text(encoding="utf-8").replace("wh0 estimates", "who estimates"), encoding="utf-8")
    before = {path: path.read_bytes() for path in root.rglob("*") if path.is_file()}
    console = Console(file=io.StringIO(), width=200, record=True)
    planned = add_sources(root, tuple(str(path) for path in sorted(SEEDS.glob("*.txt"))), console=console)
    statuses = {item.article_id: item.status for item in planned}
    assert statuses.pop(jns.stem) == "already in corpus (edited since)"
    assert set(statuses.values()) == {"already in corpus"} and len(statuses) == 9
    assert "added 0 articles; 10 already in the corpus" in console.export_text()
    assert {path: path.read_bytes() for path in root.rglob("*") if path.is_file()} == before
