"""annotate(): Plan → Book on the minimal project (real organise, and hand-made plans for edge cases)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from book.annotate import annotate, slugify
from book.editions import current_edition, legacy_fingerprint
from book.glossary import parts_text
from book.plaintext import plain_text
from book.organise import Plan, PlannedChapter, organise
from book.project import load
from book.render.model import TermMention

MINIMAL = Path(__file__).parent / "projects" / "minimal"
GAZETTE = "gazette-2021-03-02-dam-filling"
SOUTH = "southwire-2021-03-05-talks"


def build(root: Path, plan: Plan | None = None):
    project = load(root)
    return project, annotate(project, plan or organise(project), current_edition(project))


def mentions(book):
    return [part for c in book.chapters for g in c.groups for p in g.passages for part in p.parts
            if isinstance(part, TermMention)]


def hand_plan(*chapters: tuple[str, tuple[str, ...]]) -> Plan:
    return Plan(chapters=tuple(PlannedChapter(slug, slug.title(), f"Intro of {slug}.", ("Why?",), refs)
                               for slug, refs in chapters), decisions=())


def test_every_passage_once_word_for_word_with_stable_anchors():
    project, book = build(MINIMAL)
    views = [p for c in book.chapters for g in c.groups for p in g.passages]
    assert sorted(p.ref for p in views) == sorted(p.ref for p in project.passages)
    for view in views:
        article_id, _, n = view.ref.partition(":")
        assert view.anchor == f"{article_id}-{n}"
        assert view.text.split() == plain_text(project.article(article_id).passages[int(n) - 1].text).split()
        assert parts_text(view.parts) == view.text
    assert [c.anchor for c in book.chapters] == ["chapter-water-rights", "chapter-talks", "chapter-further"]
    assert [c.number for c in book.chapters] == [1, 2, 3]
    assert book.chapters[-1].further


def test_groups_notes_and_gaps():
    _, book = build(MINIMAL)
    rights = book.chapters[0]
    assert [(g.anchor, g.note_number) for g in rights.groups] == [
        (f"water-rights--{GAZETTE}", 1), (f"water-rights--{SOUTH}", 2)]
    assert [p.gap_before for p in rights.groups[0].passages] == [False, False, False]
    assert [p.gap_before for p in rights.groups[1].passages] == [True]  # passage 1 of the article is elsewhere
    assert [g.note_number for g in book.chapters[1].groups] == [1]  # numbers restart in each chapter
    assert rights.groups[0].citation.outlet == "Harbour Gazette"
    assert book.chapters[2].groups[0].citation.date_text == "n.d."


def test_gap_inside_a_group():
    _, book = build(MINIMAL, hand_plan(("one", (f"{GAZETTE}:1", f"{GAZETTE}:3")),
                                       ("two", (f"{GAZETTE}:2", f"{SOUTH}:1", f"{SOUTH}:2", "undated-letter:1"))))
    assert [p.gap_before for p in book.chapters[0].groups[0].passages] == [False, True]
    assert [p.gap_before for p in book.chapters[1].groups[1].passages] == [False, False]


def test_contested_names_link_to_their_entry_and_glossary_shows_them_all():
    _, book = build(MINIMAL, hand_plan(("one", (f"{GAZETTE}:3",)), ("two", (f"{GAZETTE}:2",)),
                                       ("three", (f"{GAZETTE}:1", f"{SOUTH}:1", f"{SOUTH}:2", "undated-letter:1"))))
    first = [m for m in mentions(book)][:2]
    assert [(m.term_id, m.text) for m in first] == [("kessa", "Qessa"), ("kessa", "Kessa")]
    kessa = next(entry for entry in book.glossary if entry.id == "kessa")
    assert [(n.name, n.used_by) for n in kessa.names] == [("Kessa", "Northland sources"), ("Qessa", "Southland sources")]
    assert kessa.anchor == "term-kessa" and kessa.aliases == ("Kessa River",)
    assert kessa.see == (("dam", "Upper Kessa Dam"),)


def test_a_chapter_quoting_both_sides_links_both_names_of_a_contested_entry(tmp_path):
    """Northland's article says Kessa, Southland's says Qessa: each name is linked where its side's article has it."""
    from click.testing import CliRunner

    from book.cli import main

    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    gazette = root / "corpus" / f"{GAZETTE}.md"
    gazette.write_text(gazette.read_text(encoding="utf-8").replace("on the Qessa", "on the river"), encoding="utf-8")
    _, book = build(root)
    rights = book.chapters[0]
    linked = {(g.article_id, part.text) for g in rights.groups for p in g.passages for part in p.parts
              if isinstance(part, TermMention) and part.term_id == "kessa"}
    assert linked == {(GAZETTE, "Kessa"), (SOUTH, "Qessa")}
    result = CliRunner().invoke(main, ["build", "--html", "--project", str(root)])
    assert result.exit_code == 0, result.output
    page = next((root / "dist").glob("*.html")).read_text(encoding="utf-8")
    chapter = page[page.index('id="chapter-water-rights"'):page.index('id="chapter-talks"')]
    assert 'href="#term-kessa">Kessa</a>' in chapter and 'href="#term-kessa">Qessa</a>' in chapter


def test_one_sided_chapters_and_the_book_s_own_counts():
    from book.render.model import Dominance

    _, book = build(MINIMAL)
    assert book.chapters[0].dominant == Dominance("Northland press", 3, 4, "perspective")
    assert book.chapters[1].dominant == Dominance("Southland government", 1, 1, "perspective")
    assert book.chapters[2].dominant == Dominance("outlet not named", 1, 1, "no outlet")
    a = book.attribution
    assert (a.sources, a.passages, a.outlet_named, a.outlet_supplied, a.outlet_missing) == (3, 6, 2, 0, 1)
    assert (a.dated, a.date_supplied, a.undated, a.chapters, a.dominated_chapters) == (2, 0, 1, 3, 3)
    assert a.countries == (("Northland", 1), ("Southland", 1)) and a.country_missing == 1
    assert [(r.perspective, r.sources, r.passages) for r in book.balance] == [
        ("Northland press", 1, 3), ("Southland government", 1, 2), ("outlet not named", 1, 1)]


def test_a_balanced_chapter_has_no_note(tmp_path):
    _, book = build(MINIMAL, hand_plan(("both", (f"{GAZETTE}:1", f"{GAZETTE}:2", f"{SOUTH}:1", f"{SOUTH}:2")),
                                       ("rest", (f"{GAZETTE}:3", "undated-letter:1"))))
    assert book.chapters[0].dominant is None  # 2 of 4 each
    assert book.chapters[1].dominant is None  # 1 of 2 each: not more than two thirds
    assert book.attribution.dominated_chapters == 0


def test_back_references_point_at_mentions_in_the_book():
    _, book = build(MINIMAL)
    found = mentions(book)
    anchors = [m.anchor for m in found]
    assert len(anchors) == len(set(anchors))
    passage_anchors = {p.anchor for c in book.chapters for g in c.groups for p in g.passages}
    uses = {entry.id: [(u.chapter_slug, u.anchor) for u in entry.uses] for entry in book.glossary}
    assert uses["kessa"] == [("water-rights", next(m.anchor for m in found if m.term_id == "kessa"))]
    assert [slug for slug, _ in uses["dam"]] == ["water-rights", "talks"]
    assert [slug for slug, _ in uses["water-commission"]] == ["talks"]
    for entry in book.glossary:
        assert entry.uses, entry.id
        for use in entry.uses:
            assert use.anchor in set(anchors) | passage_anchors
    assert [e.term for e in book.glossary] == sorted((e.term for e in book.glossary), key=str.casefold)


def test_link_none_still_records_use(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace(
        "  definition: Body set up", "  link: none\n  definition: Body set up"), encoding="utf-8")
    _, book = build(root)
    assert "water-commission" not in {m.term_id for m in mentions(book)}
    commission = next(entry for entry in book.glossary if entry.id == "water-commission")
    assert [(u.chapter_slug, u.anchor) for u in commission.uses] == [("talks", f"{SOUTH}-1")]


def test_sources_balance_book_metadata():
    project, book = build(MINIMAL)
    assert book.slug == "the-kessa-valley-dispute"
    assert book.date_range == (dt.date(2021, 3, 2), dt.date(2021, 3, 5))
    assert book.title == "The Kessa Valley Dispute" and book.language == "en" and book.editors == ("Test Editor",)
    assert [s.outlet for s in book.sources] == ["Harbour Gazette", "South Wire", "outlet not named"]
    south = book.sources[1].entries[0]
    assert south.quoted_in == (("water-rights", "Water rights", f"water-rights--{SOUTH}"), ("talks", "Talks", f"talks--{SOUTH}"))
    assert [(r.perspective, r.passages) for r in book.chapters[0].balance] == [("Northland press", 3), ("Southland government", 1)]
    assert [(r.perspective, r.passages) for r in book.chapters[2].balance] == [("outlet not named", 1)]
    assert book.changes.previous is None


def test_intro_and_questions_are_markdown_with_raw_html_escaped(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    chapter = root / "chapters" / "01-water-rights.md"
    text = chapter.read_text(encoding="utf-8")
    text = text.replace("Both countries depend on the river.", "Both *countries* <script>x()</script> depend on the Kessa.")
    text = text.replace("How do the two outlets", "How do the **two** outlets")
    chapter.write_text(text, encoding="utf-8")
    _, book = build(root)
    intro = book.chapters[0].intro_html
    assert "<em>countries</em>" in intro and "&lt;script&gt;" in intro and "<script>" not in intro
    assert "<a " not in intro  # no glossary links in the editor's introduction
    assert book.chapters[0].questions == ("How do the <strong>two</strong> outlets describe the filling of the dam?",)


def test_changes_since_the_last_edition(tmp_path):
    root = tmp_path / "book"
    shutil.copytree(MINIMAL, root)
    project = load(root)
    (root / "editions").mkdir()
    (root / "editions" / "1.yaml").write_text(
        "edition: 1\nreleased: 2021-03-10\nsources:\n"
        f"  {GAZETTE}: \"{legacy_fingerprint(project.article(GAZETTE))}\"\n"
        f"  {SOUTH}: \"sha256:0000\"\n"
        "  gone-article: \"sha256:1111\"\n", encoding="utf-8")
    _, book = build(root)
    changes = book.changes
    assert changes.previous == 1
    assert [(c.article_id, c.title, c.anchor, c.what) for c in changes.added] == [
        ("undated-letter", "A letter from a ferry captain", "further--undated-letter", "added")]
    assert [(c.article_id, c.anchor, c.what) for c in changes.changed] == [(SOUTH, f"water-rights--{SOUTH}", "changed")]
    assert [(c.article_id, c.title, c.anchor, c.what) for c in changes.removed] == [
        ("gone-article", "gone-article", None, "removed")]
    assert book.edition.number == 2 and book.edition.draft


@pytest.mark.parametrize("title, slug", [("Nagorno-Karabakh 2020", "nagorno-karabakh-2020"),
                                         ("Şuşa / Shushi: Ünïcode!", "susa-shushi-unicode"),
                                         ("Армения", "book")])
def test_slug(title, slug):
    assert slugify(title) == slug


HELD_OUT = Path(__file__).parent / "projects" / "glossary"


def test_held_out_project_glossary_and_citations():
    from book.glossary import unused_terms

    project, book = build(HELD_OUT)
    assert unused_terms(project) == ()
    found = mentions(book)
    by_term: dict[str, list[str]] = {}
    for mention in found:
        by_term.setdefault(mention.term_id, []).append(mention.text)
    # link: all — every contested name in the text links to its entry, in any chapter
    assert by_term["port-vell"] == ["Port Vell", "Vellhaven", "Port Vell", "Vellhaven"]
    assert by_term["north-orun"] == ["North-Orun"]  # the hyphenated name whole, not "Orun"
    assert by_term["orun"][0] == "Orun"  # "Eastland-Orun": the hyphen is a boundary
    assert by_term["mara-ilves"] == ["Mara Ilves"]  # "Mara Ilves's"
    assert by_term["lake-council"] == ["Lake Council", "Lake Council"]  # not the one inside the source's link
    assert "water-quota" not in by_term  # link: none
    views = {p.ref: p for c in book.chapters for g in c.groups for p in g.passages}
    linked_html = "".join(p for p in views["east-2022-05-01-border:2"].parts if isinstance(p, str))
    assert '<a href="https://example.org/lake-council">Lake Council report</a>' in linked_html
    raw = views["west-2022-05-03-quotas:2"]
    assert raw.text == "Farmers say <i>Water Quotas</i> & fishing rules on the Orun favour the east."
    assert "&lt;i&gt;" in "".join(p for p in raw.parts if isinstance(p, str))

    entries = {entry.id: entry for entry in book.glossary}
    assert all(entry.uses for entry in book.glossary)
    assert [(n.name, n.used_by) for n in entries["port-vell"].names] == [
        ("Port Vell", "Eastland sources"), ("Vellhaven", "Westland sources")]
    assert [u.chapter_slug for u in entries["port-vell"].uses] == ["borders", "water"]
    assert [(u.chapter_slug, u.anchor) for u in entries["water-quota"].uses] == [("water", "west-2022-05-03-quotas-1")]
    assert entries["port-vell"].see == (("orun", "Lake Orun"),)

    cited = {(g.citation.outlet_text, g.citation.perspective) for c in book.chapters for g in c.groups}
    assert cited == {("East Courier", "Eastland press"), ("West Radio", "Westland government"), ("outlet not named", None)}
    assert [(s.outlet, s.perspective) for s in book.sources] == [
        ("East Courier", "Eastland press"), ("West Radio", "Westland government"), ("outlet not named", None)]
    assert book.chapters[0].questions == ("Who names the harbour <em>Port Vell</em>, and who <em>Vellhaven</em>?",)
    assert book.page_size == "Letter"
