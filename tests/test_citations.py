"""Citations, the list of sources grouped by outlet, and the outlet balance of a chapter."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from book.citations import balance, citation, sources
from book.project import load

MINIMAL = Path(__file__).parent / "projects" / "minimal"


@pytest.fixture
def varied(tmp_path) -> Path:
    """The minimal project plus an outlet whose name sorts first and one without a perspective."""
    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    with open(root / "corpus" / "outlets.yaml", "a", encoding="utf-8") as stream:
        stream.write("Alpha Times:\n  country: Northland\n  kind: weekly\n  perspective: null\n")
    for name, date in (("zz-alpha-late", "2021-04-01"), ("zz-alpha-early", "2021-02-01")):
        (root / "corpus" / f"{name}.md").write_text(
            f"---\ntitle: Alpha {name}\noutlet: Alpha Times\ndate: {date}\n---\nA paragraph about the Kessa.\n",
            encoding="utf-8")
    return root


def test_citation_of_a_known_outlet():
    project = load(MINIMAL)
    cited = citation(project, project.article("gazette-2021-03-02-dam-filling"))
    assert (cited.outlet, cited.perspective, cited.country, cited.outlet_kind) == (
        "Harbour Gazette", "Northland press", "Northland", "daily newspaper")
    assert (cited.date, cited.date_text, cited.author, cited.dateline, cited.url) == (
        dt.date(2021, 3, 2), "2021-03-02", "Mira Olsen", "PORT HALE", None)
    assert cited.title == "Dam filling begins despite protests downstream"


def test_unknown_outlet_and_date_stay_unknown():
    project = load(MINIMAL)
    cited = citation(project, project.article("undated-letter"))
    assert (cited.outlet, cited.perspective, cited.country, cited.outlet_kind, cited.date) == (None,) * 5
    assert cited.outlet_text == "outlet not named"
    assert cited.date_text == "n.d."


def test_sources_grouped_by_outlet_sorted_by_name_unnamed_last(varied):
    project = load(varied)
    quoted = {"zz-alpha-early": [("water-rights", "Water rights", "water-rights--zz-alpha-early")]}
    listed = sources(project, quoted)
    assert [group.outlet for group in listed] == ["Alpha Times", "Harbour Gazette", "South Wire", "outlet not named"]
    alpha = listed[0]
    assert (alpha.perspective, alpha.country, alpha.kind) == (None, "Northland", "weekly")
    assert [entry.citation.article_id for entry in alpha.entries] == ["zz-alpha-early", "zz-alpha-late"]  # by date
    assert alpha.entries[0].anchor == "source-zz-alpha-early"
    assert alpha.entries[0].quoted_in == (("water-rights", "Water rights", "water-rights--zz-alpha-early"),)
    assert listed[2].perspective == "Southland government"
    unnamed = listed[-1]
    assert [e.citation.article_id for e in unnamed.entries] == ["undated-letter"]
    assert unnamed.perspective is None
    every = sorted(e.citation.article_id for group in listed for e in group.entries)
    assert every == sorted(article.id for article in project.articles)


def test_balance_counts_passages_per_perspective(varied):
    project = load(varied)
    refs = ["gazette-2021-03-02-dam-filling:1", "gazette-2021-03-02-dam-filling:2", "southwire-2021-03-05-talks:1",
            "zz-alpha-late:1", "undated-letter:1"]
    rows = [(row.perspective, row.passages) for row in balance(project, refs)]
    assert rows == [("Northland press", 2), ("Southland government", 1), ("perspective not stated", 1),
                    ("outlet not named", 1)]


def test_supplied_values_are_in_square_brackets_with_their_notes(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    letter = root / "corpus" / "undated-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "outlet: null\ndate: null",
        "outlet: South Wire\ndate: 2021-03-04\nauthor: Ivo Brand\n"
        "supplied:\n  outlet: identified from the letters page\n  date: from the postmark\n  author: signed on the back"),
        encoding="utf-8")
    project = load(root)
    cited = citation(project, project.article("undated-letter"))
    assert (cited.outlet_text, cited.date_text, cited.author_text) == ("[South Wire]", "[2021-03-04]", "[Ivo Brand]")
    assert (cited.outlet, cited.date, cited.author) == ("South Wire", dt.date(2021, 3, 4), "Ivo Brand")
    assert cited.note("outlet") == "identified from the letters page" and cited.note("date") == "from the postmark"
    assert cited.perspective == "Southland government"  # a supplied outlet is an outlet like any other
    south = next(group for group in sources(project, {}) if group.outlet == "South Wire")
    assert [entry.citation.article_id for entry in south.entries] == ["undated-letter", "southwire-2021-03-05-talks"]
    plain = citation(project, project.article("southwire-2021-03-05-talks"))
    assert (plain.outlet_text, plain.date_text, plain.supplied) == ("South Wire", "2021-03-05", ())


def test_dominance_is_more_than_two_thirds():
    from book.citations import dominance, share_text
    from book.render.model import BalanceRow

    assert dominance((BalanceRow("a", 2), BalanceRow("b", 1))) is None  # two thirds exactly
    found = dominance((BalanceRow("a", 3), BalanceRow("b", 1)))
    assert (found.perspective, found.passages, found.total, found.kind) == ("a", 3, 4, "perspective")
    assert share_text(found) == "3 of 4 passages come from sources with the perspective 'a'"
    assert share_text(dominance((BalanceRow("outlet not named", 4),))) == "all 4 passages come from sources that name no outlet"
