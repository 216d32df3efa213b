"""Bad inputs through the real commands: a `path:line:` message, exit 1, no traceback, nothing written."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
from click.testing import CliRunner

from book.cli import main
from book.errors import not_a_project

REPO = Path(__file__).resolve().parents[1]
NEW_ARTICLE = """---
title: Ferry service suspended on the upper river
outlet: Valley Post
date: 2021-03-09
---
The ferry company suspended its service because the river is too shallow.
"""


def run(*args: str):
    """`book ARGS` through click, as a user would type it."""
    return CliRunner().invoke(main, list(args))


def files(root: Path) -> dict[str, bytes | None]:
    """Every path under `root` with its bytes (None for a folder): to show that nothing was written."""
    if not root.exists():
        return {}
    return {path.relative_to(root).as_posix(): None if path.is_dir() else path.read_bytes()
            for path in sorted(root.rglob("*"))}


def lines(result) -> list[str]:
    return result.output.splitlines()


def assert_refused(result, *expected: str) -> None:
    """Exit 1, every expected line printed as is, and no traceback."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exc_info[0] is SystemExit
    for line in expected:
        assert line in lines(result), (line, result.output)


def line_of(path: Path, text: str) -> int:
    """The 1-based line of `path` that is exactly `text`."""
    return path.read_text(encoding="utf-8").splitlines().index(text) + 1


def new_source(tmp_path: Path) -> Path:
    source = tmp_path / "ferry.md"
    source.write_text(NEW_ARTICLE, encoding="utf-8")
    return source


# --- 1. a folder where a file should be ------------------------------------------------------------

def test_a_folder_named_like_an_article_or_chapter_is_an_error(project_copy):
    root = project_copy()
    (root / "corpus" / "folder.md").mkdir()
    (root / "chapters" / "03-folder.md").mkdir()
    before = files(root)
    result = run("check", "--project", str(root))
    assert_refused(result,
                   "chapters/03-folder.md:1: error: cannot read: is a directory",
                   "corpus/folder.md:1: error: cannot read: is a directory")
    assert files(root) == before


def test_no_traceback_from_a_real_process(project_copy):
    root = project_copy()
    (root / "corpus" / "folder.md").mkdir()
    done = subprocess.run([sys.executable, "-m", "book", "check", "--project", str(root)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "corpus/folder.md:1: error: cannot read: is a directory" in done.stdout.splitlines()
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stderr.startswith("invalid project: ")


# --- 2–4. `book add` into a project that cannot take it ------------------------------------------

def test_add_refuses_an_outlets_file_that_is_not_utf8(project_copy, tmp_path):
    root = project_copy()
    (root / "corpus" / "outlets.yaml").write_bytes(b"Harbour Gazette:\n  country: Northland\nCaf\xe9 Wire:\n  kind: x\n")
    before = files(root)
    result = run("add", "--project", str(root), str(new_source(tmp_path)))
    assert_refused(result,
                   "corpus/outlets.yaml:3: error: not UTF-8 text (byte 0xe9); save the file as UTF-8",
                   "cannot add: corpus/outlets.yaml cannot be read; fix it before adding sources")
    assert files(root) == before


def test_add_refuses_when_corpus_is_a_file(project_copy, tmp_path):
    root = project_copy()
    for path in (root / "corpus").iterdir():
        path.unlink()
    (root / "corpus").rmdir()
    (root / "corpus").write_text("not a folder\n", encoding="utf-8")
    before = files(root)
    result = run("add", "--project", str(root), str(new_source(tmp_path)))
    assert_refused(result, f"cannot add: {root / 'corpus'}: not a folder; corpus/ must be a folder that holds the articles")
    assert files(root) == before


def test_add_refuses_a_folder_that_is_not_a_book(tmp_path):
    source = new_source(tmp_path)
    missing = tmp_path / "missing"
    result = run("add", "--project", str(missing), str(source))
    assert_refused(result, f"cannot add: {missing}: no such folder")
    assert not missing.exists()

    bare = tmp_path / "bare"
    bare.mkdir()
    result = run("add", "--project", str(bare), str(source))
    assert_refused(result, f"cannot add: {not_a_project(bare)}")
    assert files(bare) == {}


def test_add_still_adds_to_a_book_without_corpus(project_copy, tmp_path):
    root = project_copy()
    for path in (root / "corpus").iterdir():
        path.unlink()
    (root / "corpus").rmdir()
    result = run("add", "--project", str(root), str(new_source(tmp_path)))
    assert result.exit_code == 0, result.output
    assert sorted(files(root / "corpus")) == ["outlets.yaml", "valley-post-2021-03-09-ferry-service-suspended-upper.md"]


# --- 5–6. headings, images and raw HTML in a source -----------------------------------------------

def add_markup(root: Path) -> Path:
    """The ferry captain's letter with a heading, an image and raw HTML, as a pasted web page might have."""
    letter = root / "corpus" / "undated-letter.md"
    with letter.open("a", encoding="utf-8") as stream:
        stream.write("\n# Crossing closed at low water\n\n"
                     "The captain sent a photo ![the empty riverbed](http://example.org/riverbed.png)\n"
                     "and a <b>bold</b> plea to the ferry office.\n")
    return letter


def test_a_source_heading_is_a_paragraph_not_a_book_heading(project_copy):
    root = project_copy()
    add_markup(root)
    result = run("build", "--html", "--pdf", "--project", str(root))
    assert result.exit_code == 0, result.output
    html = next((root / "dist").glob("*.html")).read_text(encoding="utf-8")
    assert '<p class="source-heading">Crossing closed at low water</p>' in html
    assert not re.search(r"<h\d[^>]*>Crossing", html)
    with pikepdf.open(next((root / "dist").glob("*.pdf"))) as pdf, pdf.open_outline() as outline:
        titles = []
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    assert "Water rights" in titles and not any("Crossing" in title for title in titles)


def test_images_are_not_shown_and_raw_html_is_text(project_copy):
    root = project_copy()
    letter = add_markup(root)
    image_line = line_of(letter, "The captain sent a photo ![the empty riverbed](http://example.org/riverbed.png)")
    html_line = line_of(letter, "and a <b>bold</b> plea to the ferry office.")
    result = run("check", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert f"corpus/undated-letter.md:{image_line}: warning: image 'http://example.org/riverbed.png' is not shown: "\
           "the book quotes text only" in lines(result)
    assert f"corpus/undated-letter.md:{html_line}: warning: HTML '<b>' is printed as written, not applied: "\
           "the book quotes text only" in lines(result)
    strict = run("check", "--strict", "--project", str(root))
    assert strict.exit_code == 1

    built = run("build", "--html", "--epub", "--project", str(root))
    assert built.exit_code == 0, built.output
    html = next((root / "dist").glob("*.html")).read_text(encoding="utf-8")
    after = re.sub(r'<img class="balance-chart" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"[^>]*>', "",
                   html.split('id="undated-letter-2"')[1])  # the book's own chart of the chapter's perspectives
    assert "<img" not in after and "riverbed.png" not in html
    assert "The captain sent a photo the empty riverbed\nand a &lt;b&gt;bold&lt;/b&gt; plea" in html
    with zipfile.ZipFile(next((root / "dist").glob("*.epub"))) as epub:
        text = "".join(epub.read(name).decode("utf-8") for name in epub.namelist() if name.endswith(".xhtml"))
    assert "riverbed.png" not in text and "<b>bold</b>" not in text and "the empty riverbed" in text


# --- 7. empty names, keywords and references ------------------------------------------------------

def test_empty_alias_keyword_reference_and_editor_are_errors(project_copy):
    root = project_copy()
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("aliases: [the dam]", 'aliases: ["", the dam]'),
                        encoding="utf-8")
    chapter = root / "chapters" / "02-talks.md"
    chapter.write_text(chapter.read_text(encoding="utf-8")
                       .replace("keywords: [negotiat*, talks, meet]", 'keywords: [negotiat*, "  ", meet]')
                       .replace("questions:", 'include: [""]\nquestions:'), encoding="utf-8")
    book = root / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("editors: [Test Editor]", "editors: [Test Editor, '']"),
                    encoding="utf-8")
    alias_line = line_of(glossary, '  aliases: ["", the dam]')
    include_line = line_of(chapter, 'include: [""]')
    keyword_line = line_of(chapter, '  keywords: [negotiat*, "  ", meet]')
    before = files(root)
    result = run("check", "--project", str(root))
    assert_refused(result,
                   f"glossary.yaml:{alias_line}: error: aliases: entry 1 is empty",
                   f"chapters/02-talks.md:{keyword_line}: error: match.keywords: entry 2 is empty",
                   f"chapters/02-talks.md:{include_line}: error: include: entry 1 is empty",
                   "book.yaml:4: error: editors: entry 2 is empty")
    assert files(root) == before


def test_empty_term_and_name_are_errors(project_copy):
    root = project_copy()
    chapter = root / "chapters" / "01-water-rights.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("terms: [kessa, dam]", "terms: [kessa, '']"),
                       encoding="utf-8")
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("{name: Qessa,", "{name: ' ',"), encoding="utf-8")
    name_line = line_of(glossary, "    - {name: ' ', used_by: Southland sources}")
    result = run("check", "--project", str(root))
    assert_refused(result,
                   "chapters/01-water-rights.md:4: error: match.terms: entry 2 is empty",
                   f"glossary.yaml:{name_line}: error: names.1.name: must not be empty")


# --- 8. an empty book, an empty chapter -----------------------------------------------------------

def test_a_book_without_articles_is_warned_about(project_copy):
    root = project_copy()
    for path in (root / "corpus").iterdir():
        path.unlink()
    (root / "corpus").rmdir()
    before = files(root)
    result = run("check", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert "corpus/: warning: no articles: the book would be empty" in lines(result)
    strict = run("check", "--strict", "--project", str(root))
    assert_refused(strict, "corpus/: warning: no articles: the book would be empty")
    assert files(root) == before


def test_a_chapter_without_passages_is_warned_about(project_copy):
    root = project_copy()
    (root / "chapters" / "03-fisheries.md").write_text(
        "---\ntitle: Fisheries\nmatch:\n  keywords: [salmon]\n---\nWhat the fishing towns said.\n", encoding="utf-8")
    book = root / "book.yaml"
    book.write_text(book.read_text(encoding="utf-8").replace("[water-rights, talks]", "[water-rights, talks, fisheries]"),
                    encoding="utf-8")
    before = files(root)
    result = run("check", "--project", str(root))
    assert result.exit_code == 0, result.output
    assert "chapters/03-fisheries.md:1: warning: chapter 'fisheries' receives no passages" in lines(result)
    assert not any("'water-rights' receives" in line or "'talks' receives" in line for line in lines(result))
    assert files(root) == before


def test_the_minimal_book_has_only_its_known_warnings(project_copy):
    result = run("check", "--project", str(project_copy()))
    assert result.exit_code == 0
    assert [line for line in lines(result) if ": warning: " in line] == [
        "chapters/01-water-rights.md:1: warning: 3 of 4 passages come from sources with the perspective "
        "'Northland press' (more than two thirds); the chapter says so in a note at its start",
        "chapters/02-talks.md:1: warning: its only passage comes from a source with the perspective "
        "'Southland government' (more than two thirds); the chapter says so in a note at its start",
        "corpus/undated-letter.md:3: warning: no outlet: the book will cite it as 'outlet not named'",
        "corpus/undated-letter.md:4: warning: no date: the book will cite it as 'n.d.'",
    ]


# --- 9. messages in the file author's words -------------------------------------------------------

def test_wrong_kinds_are_named_without_python_types(project_copy):
    root = project_copy()
    (root / "book.yaml").write_text("- title\n- language\n", encoding="utf-8")
    (root / "corpus" / "listed.md").write_text("---\n- a\n- b\n---\nText.\n", encoding="utf-8")
    (root / "corpus" / "texted.md").write_text("---\njust a title\n---\nText.\n", encoding="utf-8")
    (root / "corpus" / "numbered.md").write_text("---\n42\n---\nText.\n", encoding="utf-8")
    (root / "corpus" / "nulled.md").write_text("---\n~\n---\nText.\n", encoding="utf-8")
    chapter = root / "chapters" / "02-talks.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("match:\n", "match: [talks]\nnot_match:\n"),
                       encoding="utf-8")
    result = run("check", "--project", str(root))
    assert_refused(result,
                   "book.yaml:1: error: expected a mapping of keys to values, found a list",
                   "corpus/listed.md:2: error: expected a mapping of keys to values, found a list",
                   "corpus/texted.md:2: error: expected a mapping of keys to values, found text",
                   "corpus/numbered.md:2: error: expected a mapping of keys to values, found a number",
                   "chapters/02-talks.md:3: error: match: expected a mapping of keys to values, found a list")
    assert "corpus/nulled.md:1: error: empty front matter: at least 'title' is required" in lines(result)
    assert not re.search(r"Commented|\bstr\b|\bint\b|\bdict\b|ChapterMatch|instance of", result.output)


def test_build_strict_refuses_what_check_strict_refuses(project_copy):
    """An unused glossary entry is a warning of `check`; `--strict` makes it an error for check and build alike."""
    project = project_copy("minimal")
    with open(project / "glossary.yaml", "a", encoding="utf-8") as glossary:
        glossary.write("- id: ferry-pier\n  term: Ferry Pier\n  kind: place\n  definition: A pier no source mentions.\n")
    for command in (["check"], ["build", "--html"]):
        result = CliRunner().invoke(main, [*command, "--strict", "--project", str(project)])
        assert result.exit_code == 1, (command, result.output)
        assert "glossary.yaml:19: warning: glossary entry 'ferry-pier' is never used in the corpus" in result.output
    assert not list((project / "dist").glob("*.html"))
