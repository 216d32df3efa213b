"""Loading and validating book projects: every defect class named with its path:line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from book.cli import main
from book.errors import ProjectError
from book.project import load

ROOT = Path(__file__).resolve().parents[1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def check(project: Path, *args: str):
    result = CliRunner().invoke(main, ["check", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def problems(project: Path) -> list[str]:
    with pytest.raises(ProjectError) as caught:
        load(project)
    return [str(d) for d in caught.value.diagnostics if d.severity == "error"]


def test_minimal_project_loads(project_copy):
    project = load(project_copy("minimal"))
    assert [c.slug for c in project.chapters] == ["water-rights", "talks"]
    assert [a.id for a in project.articles] == [
        "gazette-2021-03-02-dam-filling", "southwire-2021-03-05-talks", "undated-letter"]
    first = project.article("gazette-2021-03-02-dam-filling")
    assert [p.ref for p in first.passages] == [f"gazette-2021-03-02-dam-filling:{n}" for n in (1, 2, 3)]
    assert first.passages[1].text == "\"The Kessa's flow will not fall below the agreed minimum,\" the energy minister said."
    assert first.passages[1].line == 13  # line in the file, front matter included


def test_check_passes_on_valid_projects_with_warnings_listed(project_copy):
    result = check(project_copy("minimal"))
    assert result.exit_code == 0
    assert result.output.splitlines()[:4] == [
        "chapters/01-water-rights.md:1: warning: 3 of 4 passages come from sources with the perspective "
        "'Northland press' (more than two thirds); the chapter says so in a note at its start",
        "chapters/02-talks.md:1: warning: its only passage comes from a source with the perspective "
        "'Southland government' (more than two thirds); the chapter says so in a note at its start",
        "corpus/undated-letter.md:3: warning: no outlet: the book will cite it as 'outlet not named'",
        "corpus/undated-letter.md:4: warning: no date: the book will cite it as 'n.d.'",
    ]
    assert "0 errors, 4 warnings" in result.output


def test_strict_turns_warnings_into_errors(project_copy):
    result = check(project_copy("minimal"), "--strict")
    assert result.exit_code == 1
    assert "corpus/undated-letter.md:4: warning: no date" in result.output


def test_unicode_project_is_valid(project_copy):
    folder = project_copy("unicode")
    project = load(folder)
    assert project.config.title == "Սահման — Граница — Sınır"
    assert project.config.page_size == "Letter"
    assert project.article("sharq-2021-01-12-gumru").passages[0].text.startswith("Gümrüdə səhərdən qar yağır")
    assert check(folder).exit_code == 0


DEFECTS = [
    # (file, old, new, expected "path:line: error: message" prefix)
    ("book.yaml", "page_size: A4", "page_size: [A4",
     "book.yaml:8: error: invalid YAML"),
    ("corpus/undated-letter.md", "---\ntitle: A letter", "title: A letter",
     "corpus/undated-letter.md:1: error: missing front matter"),
    ("chapters/02-talks.md", "  min_score: 1", "  min_scroe: 1",
     "chapters/02-talks.md:6: error: unknown key 'min_scroe'"),
    ("chapters/02-talks.md", "  min_score: 1", "  min_score: two",
     "chapters/02-talks.md:6: error: match.min_score: Input should be a valid integer"),
    ("corpus/southwire-2021-03-05-talks.md", "date: 2021-03-05", "date: 2021-02-30",
     "corpus/southwire-2021-03-05-talks.md:4: error: date: Input should be a valid date"),
    ("corpus/southwire-2021-03-05-talks.md", "date: 2021-03-05", "date: 5 March 2021",
     "corpus/southwire-2021-03-05-talks.md:4: error: date: '5 March 2021' is not an ISO date"),
    ("book.yaml", "page_size: A4", "page_size: A5",
     "book.yaml:7: error: page_size: Input should be 'A4' or 'Letter'"),
    ("glossary.yaml", "- id: water-commission", "- id: dam",
     "glossary.yaml:15: error: duplicate glossary id 'dam' (first at line 10)"),
    ("book.yaml", "chapters: [water-rights, talks]", "chapters: [water-rights, talk]",
     "book.yaml:8: error: chapters: no chapter 'talk' in chapters/"),
    ("chapters/01-water-rights.md", "terms: [kessa, dam]", "terms: [kessa, dams]",
     "chapters/01-water-rights.md:4: error: match.terms: unknown glossary id 'dams'"),
    ("glossary.yaml", "see: [dam]", "see: [dams]",
     "glossary.yaml:9: error: see: unknown glossary id 'dams'"),
    ("chapters/02-talks.md", "questions:", "include: [southwire-2021-03-05-talk]\nquestions:",
     "chapters/02-talks.md:7: error: include: no article 'southwire-2021-03-05-talk' in corpus/"),
    ("chapters/02-talks.md", "questions:", "exclude:\n  - southwire-2021-03-05-talks:3\nquestions:",
     "chapters/02-talks.md:8: error: exclude: 'southwire-2021-03-05-talks:3': article 'southwire-2021-03-05-talks' has passages 1 to 2"),
    ("corpus/southwire-2021-03-05-talks.md", "outlet: South Wire", "outlet: South Wires",
     "corpus/southwire-2021-03-05-talks.md:3: error: outlet 'South Wires' is not in corpus/outlets.yaml"),
    ("glossary.yaml", "aliases: [the dam]", "aliases: [the dam, Kessa River]",
     "glossary.yaml:10: error: name 'Kessa River' of 'dam' is already a name of 'kessa'"),
    ("book.yaml", "language: en", "language: en\nlanguage: fr",
     "book.yaml:4: error: invalid YAML"),
    ("corpus/outlets.yaml", "  kind: state news agency", "  kind: state news agency\n  founded: 1990",
     "corpus/outlets.yaml:8: error: unknown key 'founded'"),
]


@pytest.mark.parametrize("file, old, new, expected", DEFECTS, ids=[d[3].split(": ", 2)[-1][:40] for d in DEFECTS])
def test_each_defect_is_named_with_path_and_line(project_copy, file, old, new, expected):
    project = project_copy("minimal")
    edit(project / file, old, new)
    result = check(project)
    assert result.exit_code == 1
    assert any(line.startswith(expected) for line in result.output.splitlines()), result.output
    assert "Traceback" not in result.output


def test_unknown_key_message_names_the_key(project_copy):
    project = project_copy("minimal")
    edit(project / "corpus/outlets.yaml", "  kind: state news agency", "  kind: state news agency\n  founded: 1990")
    assert "corpus/outlets.yaml:8: error: unknown key 'founded'" in problems(project)


def test_file_that_is_not_utf8_is_named_with_line(project_copy):
    project = project_copy("minimal")
    path = project / "corpus/undated-letter.md"
    path.write_bytes(path.read_bytes().replace(b"ferry has", b"ferry \xe9t\xe9 has"))
    assert problems(project) == ["corpus/undated-letter.md:6: error: not UTF-8 text (byte 0xe9); save the file as UTF-8"]


def test_chapter_not_in_order_list_is_an_error(project_copy):
    project = project_copy("minimal")
    edit(project / "book.yaml", "chapters: [water-rights, talks]", "chapters: [water-rights]")
    assert problems(project) == ["chapters/02-talks.md:1: error: chapter 'talks' is not listed in book.yaml 'chapters:'; add it or remove the file"]


def test_article_without_title_or_body(project_copy):
    project = project_copy("minimal")
    (project / "corpus/empty-note.md").write_text("---\noutlet: null\n---\n\n", encoding="utf-8")
    found = problems(project)
    assert "corpus/empty-note.md:2: error: missing required key 'title'" in found


def test_bad_article_file_name(project_copy):
    project = project_copy("minimal")
    (project / "corpus/Bad_Name.md").write_text("---\ntitle: X\n---\nText.\n", encoding="utf-8")
    assert problems(project) == ["corpus/Bad_Name.md:1: error: article id 'Bad_Name' must be lower-case letters, digits and single hyphens"]


def test_three_defects_are_all_reported_in_one_run(project_copy):
    project = project_copy("minimal")
    edit(project / "chapters/02-talks.md", "  min_score: 1", "  min_scroe: 1")
    edit(project / "corpus/southwire-2021-03-05-talks.md", "date: 2021-03-05", "date: 2021-02-30")
    edit(project / "glossary.yaml", "see: [dam]", "see: [dams]")
    result = check(project)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    for expected in ("chapters/02-talks.md:6: error: unknown key 'min_scroe'",
                     "corpus/southwire-2021-03-05-talks.md:4: error: date:",
                     "glossary.yaml:9: error: see: unknown glossary id 'dams'"):
        assert any(line.startswith(expected) for line in lines), (expected, result.output)


def test_check_through_the_real_command_line_shows_no_traceback(project_copy):
    project = project_copy("minimal")
    edit(project / "book.yaml", "page_size: A4", "page_size: [A4")
    run = subprocess.run([sys.executable, "-m", "book", "check", "--project", str(project)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 1
    assert run.stdout.startswith("book.yaml:8: error: invalid YAML")
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stderr.startswith("invalid project:")


def test_missing_folder_and_non_project(tmp_path):
    assert "no such folder" in check(tmp_path / "nowhere").output
    result = check(tmp_path)
    assert result.exit_code == 1 and "not a book project (no book.yaml here or in a folder above)" in result.output


def test_broken_project_reports_all_its_defects_in_file_order():
    result = check(ROOT / "tests/projects/broken")
    assert result.exit_code == 1
    assert result.output.splitlines()[:5] == [
        "book.yaml:7: error: page_size: Input should be 'A4' or 'Letter'",
        "chapters/02-talks.md:6: error: unknown key 'min_scroe'",
        "corpus/southwire-2021-03-05-talks.md:4: error: date: Input should be a valid date or datetime, day value is outside expected range",
        "corpus/undated-letter.md:3: warning: no outlet: the book will cite it as 'outlet not named'",
        "corpus/undated-letter.md:4: warning: no date: the book will cite it as 'n.d.'",
    ]
    assert "glossary.yaml:9: error: see: unknown glossary id 'dams'" in result.output
    assert result.output.rstrip().endswith("invalid project: " + str(ROOT / "tests/projects/broken") + ": 4 errors, 2 warnings")


def test_numbers_in_yaml_are_read_as_text_where_text_is_expected(project_copy):
    project = project_copy("minimal")
    edit(project / "chapters/02-talks.md", "keywords: [negotiat*, talks, meet]", "keywords: [negotiat*, talks, meet, 1994]")
    assert load(project).chapters[1].spec.match.keywords[-1] == "1994"


def test_an_invalid_file_is_reported_once_not_again_by_what_refers_to_it(project_copy):
    """A broken chapter, article or glossary is one problem: references to it are not more errors."""
    project = project_copy("minimal")
    edit(project / "chapters/02-talks.md", "title: Talks", "titel: Talks")
    edit(project / "corpus/southwire-2021-03-05-talks.md", "title: Talks on river", "titl: Talks on river")
    (project / "chapters/03-extra.md").write_text("---\ntitle: Extra\ninclude: [southwire-2021-03-05-talks:1]\n---\nX.\n")
    edit(project / "book.yaml", "chapters: [water-rights, talks]", "chapters: [water-rights, talks, extra]")
    assert problems(project) == [
        "chapters/02-talks.md:2: error: missing required key 'title'",
        "chapters/02-talks.md:2: error: unknown key 'titel'",
        "corpus/southwire-2021-03-05-talks.md:2: error: missing required key 'title'",
        "corpus/southwire-2021-03-05-talks.md:2: error: unknown key 'titl'",
    ]


def test_unreadable_glossary_does_not_make_every_term_reference_an_error(project_copy):
    project = project_copy("minimal")
    edit(project / "glossary.yaml", "  term: Kessa\n", "  term: Kessa\n  term: Qessa\n")
    assert problems(project) == ['glossary.yaml:3: error: invalid YAML: found duplicate key "term" with value "Qessa" (original value: "Kessa")']


def test_supplied_metadata_is_read_with_its_notes_and_old_files_still_read(project_copy):
    root = project_copy("minimal")
    letter = root / "corpus" / "undated-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "outlet: null", 'outlet: Harbour Gazette\nsupplied: {outlet: "identified from the letters page"}'), encoding="utf-8")
    project = load(root)
    meta = project.article("undated-letter").meta
    assert meta.supplied == {"outlet": "identified from the letters page"} and meta.is_supplied("outlet")
    assert project.article("undated-letter").line("outlet") == 3
    assert not any("no outlet" in d.message for d in project.warnings)
    assert load(root).article("gazette-2021-03-02-dam-filling").meta.supplied == {}  # files without it are as before
