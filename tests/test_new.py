"""`book new` and project-root discovery, through the real command line (`python -m book` in a subprocess)."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf

from book.errors import not_a_project

SAMPLE_FILES = ["book.yaml", "chapters/01-plan.md", "chapters/02-voices.md",
                "corpus/northbank-herald-2024-03-04-footbridge-plan.md", "corpus/outlets.yaml",
                "corpus/southbank-radio-2024-03-06-residents-ask.md", "glossary.yaml"]


def book(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`book ARGS` run in `cwd`, as a user would type it."""
    return subprocess.run([sys.executable, "-m", "book", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_project_checks_strictly_and_builds_from_a_subfolder(tmp_path):
    made = book("new", "x", "--title", "The Lenne footbridge: a sample", cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    root = tmp_path / "x"
    assert sorted(tree(root)) == SAMPLE_FILES
    config = (root / "book.yaml").read_text(encoding="utf-8")
    assert 'title: "The Lenne footbridge: a sample"' in config
    assert re.search(r"^identifier: urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", config, re.M)
    lines = config.splitlines()
    fields = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    assert len(fields) == 8 and all(lines[i - 1].startswith("# ") for i in fields)  # each field explained above it

    check = book("check", "--strict", cwd=root / "chapters")
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == (f"{root}: 0 errors, 0 warnings; 2 articles, 6 passages, 2 chapters, "
                                    "3 glossary entries")
    built = book("build", "--pdf", "--epub", cwd=root / "chapters")
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stderr == ""  # no warning logged
    pdf, epub = (root / "dist/the-lenne-footbridge-a-sample-edition-1.pdf",
                 root / "dist/the-lenne-footbridge-a-sample-edition-1.epub")
    assert built.stdout.splitlines() == [f"wrote {pdf}", f"wrote {epub}"]
    with pikepdf.open(pdf) as document:
        assert str(document.open_metadata()["dc:title"]) == "The Lenne footbridge: a sample"
    with zipfile.ZipFile(epub) as package:
        opf = package.read("EPUB/content.opf").decode()
    identifier = re.search(r"^identifier: (\S+)$", config, re.M)[1]
    assert identifier in opf
    assert not (root / "chapters" / "dist").exists()  # written in the project's dist/, not the folder run from


def test_new_identifiers_are_fresh_and_the_title_defaults_to_the_folder(tmp_path):
    for name in ("one", "two"):
        assert book("new", name, cwd=tmp_path).returncode == 0
    one, two = ((tmp_path / name / "book.yaml").read_text(encoding="utf-8") for name in ("one", "two"))
    assert 'title: "one"' in one and 'title: "two"' in two
    ids = [re.search(r"^identifier: (\S+)$", text, re.M)[1] for text in (one, two)]
    assert ids[0] != ids[1]


def test_new_refuses_a_folder_that_is_not_empty_and_never_overwrites(tmp_path):
    root = tmp_path / "mine"
    (root / "chapters").mkdir(parents=True)
    (root / "book.yaml").write_text("title: Mine\n", encoding="utf-8")
    (root / "chapters" / "01-plan.md").write_text("my own chapter\n", encoding="utf-8")
    before = tree(root)

    refused = book("new", "mine", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"cannot start: mine: not empty; choose a new folder, or add --force to add "
                                      "the sample files that are missing (no file is overwritten)")
    assert tree(root) == before

    forced = book("new", "mine", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    after = tree(root)
    assert sorted(after) == SAMPLE_FILES
    assert {name: after[name] for name in before} == before  # the two files there stay as they were
    assert "kept mine/book.yaml (already there)" in forced.stdout.splitlines()

    (tmp_path / "file").write_text("x", encoding="utf-8")
    on_file = book("new", "file", cwd=tmp_path)
    assert on_file.returncode == 2 and "Directory 'file' is a file." in on_file.stderr


def test_new_never_writes_through_a_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "linked"
    root.mkdir()
    (root / "corpus").symlink_to(outside)
    (root / "glossary.yaml").symlink_to(tmp_path / "dangling.yaml")
    result = book("new", "linked", "--force", cwd=tmp_path)
    assert result.returncode == 1
    assert "corpus: links to" in result.stderr and "outside the project" in result.stderr
    assert list(outside.iterdir()) == [] and not (tmp_path / "dangling.yaml").exists()


def test_outside_a_project_every_command_says_how_to_start_one(tmp_path):
    for command in (["check"], ["build"], ["report"], ["add", "whatever.txt"], ["release"], ["serve", "--port", "0"]):
        result = book(*command, cwd=tmp_path)
        assert result.returncode == 1, command
        assert not_a_project(".") in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr
    assert "`book new DIR`" in not_a_project(".") and "`title: My briefing book`" in not_a_project(".")


def test_a_book_yaml_with_a_title_alone_is_a_book(tmp_path):
    (tmp_path / "book.yaml").write_text("title: My briefing book\n", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    result = book("check", cwd=tmp_path / "notes")  # a valid project; without sources it warns that it is empty
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["corpus/: warning: no articles: the book would be empty",
                                          f"{tmp_path}: 0 errors, 1 warning; 0 articles, 0 passages, 0 chapters, "
                                          "0 glossary entries"]


def test_an_explicit_project_is_taken_as_given(tmp_path):
    assert book("new", "x", cwd=tmp_path).returncode == 0
    result = book("check", "--project", "chapters", cwd=tmp_path / "x")
    assert result.returncode == 1
    assert not_a_project("chapters") in result.stderr
