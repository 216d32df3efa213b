"""Editions: release, add and change sources, draft build with "What's new", release again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from book.cli import main
from book.editions import METADATA, TEXT, current_edition, diff, record_of
from book.project import load

ROOT = Path(__file__).resolve().parents[1]
NEW_ARTICLE = """---
title: Monitoring station opens on the river
outlet: South Wire
date: 2021-04-01
---
A monitoring station on the Qessa began measuring the flow on Thursday.
"""


def run(project: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def released(project_copy, monkeypatch):
    """The minimal project with edition 1 released on 2021-05-01 (EPUB only, to stay fast)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1619827200")  # 2021-05-01
    project = project_copy("minimal")
    from book import cli

    monkeypatch.setattr(cli, "RELEASE_FORMATS", ("epub",))
    result = run(project, "release", "--allow-unattributed", "--note", "First edition for the class.")
    assert result.exit_code == 0, result.output
    return project


def test_first_release_writes_a_manifest_of_every_source(released):
    manifest = YAML(typ="safe").load((released / "editions/1.yaml").read_text(encoding="utf-8"))
    project = load(released)
    assert manifest["edition"] == 1
    assert str(manifest["released"]) == "2021-05-01"
    assert manifest["note"] == "First edition for the class."
    assert manifest["sources"] == {a.id: record_of(a).model_dump() for a in project.articles}
    assert manifest["sources"]["undated-letter"]["title"] == "A letter from a ferry captain"
    assert all(record[key].startswith("sha256:") and len(record[key]) == 71
               for record in manifest["sources"].values() for key in ("text", "meta"))
    info = current_edition(project)
    assert (info.number, info.draft, info.label) == (1, False, "Edition 1")


def test_nothing_changed_release_is_refused_and_writes_nothing(released):
    before = sorted(p.name for p in (released / "editions").iterdir())
    result = run(released, "release")
    assert result.exit_code == 1
    assert "nothing changed since edition 1" in result.output
    assert sorted(p.name for p in (released / "editions").iterdir()) == before


def test_release_refused_when_check_has_errors(project_copy):
    project = project_copy("minimal")
    path = project / "chapters/02-talks.md"
    path.write_text(path.read_text().replace("min_score", "min_scroe"))
    result = run(project, "release")
    assert result.exit_code == 1
    assert "chapters/02-talks.md:6: error: unknown key 'min_scroe'" in result.output
    assert not (project / "editions").exists() or not any((project / "editions").iterdir())


def test_draft_after_changes_then_second_release(released):
    (released / "corpus/southwire-2021-04-01-station.md").write_text(NEW_ARTICLE, encoding="utf-8")
    edited = released / "corpus/gazette-2021-03-02-dam-filling.md"
    edited.write_text(edited.read_text().replace("within a day", "within two days"), encoding="utf-8")
    project = load(released)
    change = diff(project)
    assert change.previous == 1
    assert change.added == ("southwire-2021-04-01-station",)
    assert change.changed == ("gazette-2021-03-02-dam-filling",)
    assert change.how == {"gazette-2021-03-02-dam-filling": TEXT}
    assert change.removed == ()
    info = current_edition(project)
    assert (info.number, info.draft, info.label) == (2, True, "Edition 2 (draft)")
    assert_draft_outputs_show_changes(released)

    result = run(released, "release", "--allow-unattributed", "--note", "Adds the monitoring station.")
    assert result.exit_code == 0, result.output
    manifest = YAML(typ="safe").load((released / "editions/2.yaml").read_text(encoding="utf-8"))
    assert manifest["edition"] == 2 and "southwire-2021-04-01-station" in manifest["sources"]
    again = run(released, "release")
    assert again.exit_code == 1 and "nothing changed since edition 2" in again.output
    assert sorted(p.name for p in (released / "editions").iterdir()) == ["1.yaml", "2.yaml"]


def test_removed_article_is_listed_by_its_recorded_title(released):
    (released / "corpus/undated-letter.md").unlink()
    change = diff(load(released))
    assert change.removed == ("undated-letter",)
    assert change.titles == {"undated-letter": "A letter from a ferry captain"}


def test_metadata_and_text_changes_are_told_apart(released):
    letter = released / "corpus/undated-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace("date: null", "date: 2021-03-04"), encoding="utf-8")
    gazette = released / "corpus/gazette-2021-03-02-dam-filling.md"
    text = gazette.read_text(encoding="utf-8")
    gazette.write_text(text.replace("author: Mira Olsen", "author: Mira Olsen-Berg").replace("within a day", "within two days"),
                       encoding="utf-8")
    south = released / "corpus/southwire-2021-03-05-talks.md"
    south.write_text(south.read_text(encoding="utf-8").replace("provenance: written for the tests", "provenance: moved"),
                     encoding="utf-8")
    change = diff(load(released))
    assert change.how == {"undated-letter": METADATA, "gazette-2021-03-02-dam-filling": "text and metadata changed"}
    assert "southwire-2021-03-05-talks" not in change.changed  # where `book add` found it is not the source's metadata


def test_old_manifests_still_read(released):
    """A manifest of one fingerprint per source (before titles and separate fingerprints) is read as it was written."""
    from book.editions import legacy_fingerprint

    project = load(released)
    old = "".join(f"  {a.id}: {legacy_fingerprint(a)}\n" for a in project.articles)
    (released / "editions/1.yaml").write_text(f"edition: 1\nreleased: 2021-05-01\nsources:\n{old}", encoding="utf-8")
    assert not diff(load(released)).any and not current_edition(load(released)).draft
    letter = released / "corpus/undated-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "outlet: null", "outlet: South Wire\nsupplied: {outlet: identified from the ferry company's notice}"), encoding="utf-8")
    gazette = released / "corpus/gazette-2021-03-02-dam-filling.md"
    gazette.write_text(gazette.read_text(encoding="utf-8").replace("within a day", "within two days"), encoding="utf-8")
    change = diff(load(released))
    # only the supplied outlet is new: the old fingerprint of the letter without it still matches
    assert change.how == {"undated-letter": METADATA, "gazette-2021-03-02-dam-filling": "changed"}


def assert_draft_outputs_show_changes(project: Path) -> None:
    """A draft build names edition 2 and lists the added and the changed article, linked."""
    result = run(project, "build", "--pdf", "--html")
    assert result.exit_code == 0, result.output
    page = next((project / "dist").glob("*.html")).read_text(encoding="utf-8")
    whats_new = page[page.index('id="whats-new"'):]
    whats_new = whats_new[: whats_new.index("</section>")]
    assert "Changes since edition 1" in whats_new
    assert "Monitoring station opens on the river" in whats_new
    assert "Dam filling begins despite protests downstream" in whats_new
    assert 'href="#' in whats_new
    assert "Edition 2 (draft)" in page
    pdf = next(p for p in (project / "dist").glob("*.pdf"))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Edition 2 (draft)" in text
    back = text[text.rindex("What’s new in this edition"):]
    assert "Monitoring station opens on the river" in back and "Dam filling begins despite protests" in back


def test_concurrent_releases_record_one_edition(project_copy):
    """Two `book release` at once: the lock lets one write editions/1.yaml; the other finds nothing changed."""
    project = project_copy("minimal")
    env = {**__import__("os").environ, "SOURCE_DATE_EPOCH": "1619827200"}
    command = [sys.executable, "-m", "book", "release", "--allow-unattributed", "--project", str(project)]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [(run.wait(timeout=300), run.stdout.read()) for run in runs]
    assert sorted(code for code, _ in outputs) == [0, 1], outputs
    refused = next(text for code, text in outputs if code == 1)
    assert "nothing changed since edition 1" in refused and "Traceback" not in refused
    assert sorted(p.name for p in (project / "editions").iterdir()) == ["1.yaml"]
    assert sorted(p.name for p in (project / "dist").iterdir() if p.name not in (".lock", ".cache")) == [
        "the-kessa-valley-dispute-edition-1", "the-kessa-valley-dispute-edition-1.epub",
        "the-kessa-valley-dispute-edition-1.html",
        "the-kessa-valley-dispute-edition-1.pdf"]


def test_malformed_source_date_epoch_is_a_clear_error(project_copy, monkeypatch):
    project = project_copy("minimal")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = run(project, "build", "--epub")
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'yesterday'" in result.output
    assert not list((project / "dist").glob("*.epub"))


def test_build_of_a_missing_folder_says_so_and_creates_nothing(tmp_path):
    result = run(tmp_path / "nowhere", "build")
    assert result.exit_code == 1 and "no such folder" in result.output
    assert not (tmp_path / "nowhere").exists()


def test_failed_build_records_no_edition(project_copy, monkeypatch):
    """A release whose build fails leaves editions/ as it was: an edition exists only once built."""
    project = project_copy("minimal")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1619827200")
    (project / "dist").mkdir()
    (project / "dist" / "the-kessa-valley-dispute-edition-1.epub").mkdir()  # a folder where the EPUB must go
    from book import cli

    monkeypatch.setattr(cli, "RELEASE_FORMATS", ("epub",))
    result = run(project, "release", "--allow-unattributed")
    assert result.exit_code == 1
    assert "file system: " in result.output and "Is a directory" in result.output
    assert not (project / "editions" / "1.yaml").exists()


def test_malformed_source_date_epoch_on_a_released_edition_is_a_clear_error(released, monkeypatch):
    """A released edition takes its date from its manifest; the print step still reads the clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    result = run(released, "build", "--pdf")
    assert result.exit_code == 1
    assert "SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'abc'" in result.output
