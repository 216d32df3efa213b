"""The glossary matcher, the linking policy, and unused entries in `book check`."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

from click.testing import CliRunner
from markdown_it.common.utils import escapeHtml
from hypothesis import given, settings
from hypothesis import strategies as st

from book.cli import main
from book.glossary import Linker, Matcher, parts_text, unused_terms
from book.plaintext import plain_text as passage_text
from book.models import Term
from book.project import load
from book.render.model import TermMention

MINIMAL = Path(__file__).parent / "projects" / "minimal"


def term(id: str, name: str, aliases=(), names=(), link="first") -> Term:
    return Term(id=id, term=name, kind="place", definition="A place.", aliases=list(aliases),
                names=[{"name": n, "used_by": who} for n, who in names], link=link)


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(match.term_id, match.text) for match in matcher.find(text)]


def test_longest_name_wins():
    matcher = Matcher([term("kessa", "Kessa"), term("dam", "Upper Kessa Dam")])
    assert found(matcher, "the Upper Kessa Dam on the Kessa") == [("dam", "Upper Kessa Dam"), ("kessa", "Kessa")]


def test_possessive_is_not_part_of_the_name():
    matcher = Matcher([term("kessa", "Kessa")])
    assert found(matcher, "The Kessa's flow and the Kessa’s banks") == [("kessa", "Kessa"), ("kessa", "Kessa")]


def test_hyphenated_name_is_matched_whole():
    matcher = Matcher([term("nk", "Nagorno-Karabakh"), term("karabakh", "Karabakh")])
    assert found(matcher, "war in Nagorno-Karabakh.") == [("nk", "Nagorno-Karabakh")]


def test_hyphen_before_a_name_is_a_boundary():
    matcher = Matcher([term("nk", "Nagorno-Karabakh"), term("karabakh", "Karabakh")])
    assert found(matcher, "the Azerbaijan-Karabakh conflict zone") == [("karabakh", "Karabakh")]


def test_name_inside_a_longer_word_does_not_match():
    matcher = Matcher([term("kessa", "Kessa"), term("f16", "F-16")])
    assert found(matcher, "Kessaville, NeoKessa, F-16s, xF-16") == []


def test_capitalised_name_matches_case_sensitively():
    matcher = Matcher([term("kessa", "Kessa")])
    assert found(matcher, "kessa KESSA") == []


def test_lower_case_name_matches_in_any_case():
    matcher = Matcher([term("drone", "drone", aliases=["drones"])])
    assert found(matcher, "Drones, DRONE and drones.") == [("drone", "Drones"), ("drone", "DRONE"), ("drone", "drones")]


def test_cost_does_not_grow_with_glossary_size():
    text = " ".join(["The Kessa flows past the Upper Kessa Dam into the lowlands."] * 400)
    small = Matcher([term("kessa", "Kessa"), term("dam", "Upper Kessa Dam")])
    big = Matcher([term("kessa", "Kessa"), term("dam", "Upper Kessa Dam")]
                  + [term(f"t{i}", f"Place{i} Name{i}", aliases=[f"alias{i}"]) for i in range(5000)])

    def best_of(matcher: Matcher) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            matcher.find(text)
            times.append(time.perf_counter() - start)
        return min(times)

    assert found(big, text) == found(small, text)
    assert best_of(big) < 3 * best_of(small)


def chapter_parts(linker: Linker, slug: str, passages: list[str]):
    linker.start_chapter(slug)
    return [linker.passage(text, f"{slug}-{n}")[0] for n, text in enumerate(passages, 1)]  # unique, as in a book


def mentions(parts) -> list[TermMention]:
    return [part for part in parts if isinstance(part, TermMention)]


def test_first_mention_per_chapter_is_linked_by_default():
    linker = Linker((term("dam", "Upper Kessa Dam", aliases=["reservoir"]),))
    first = chapter_parts(linker, "one", ["The Upper Kessa Dam and its reservoir.", "The Upper Kessa Dam again."])
    second = chapter_parts(linker, "two", ["The reservoir in chapter two, then the Upper Kessa Dam."])
    assert [m.text for p in first for m in mentions(p)] == ["Upper Kessa Dam"]
    assert [m.text for p in second for m in mentions(p)] == ["reservoir"]


def test_each_contested_name_has_its_first_mention_linked_in_every_chapter():
    """Neither side's name goes unlinked because the other side's came first in the chapter."""
    linker = Linker((term("kessa", "Kessa", names=[("Kessa", "north"), ("Qessa", "south")], aliases=["Kessa River"]),))
    first = chapter_parts(linker, "one", ["The Kessa and the Qessa.", "The Kessa again, the Qessa again, the Kessa River."])
    second = chapter_parts(linker, "two", ["The Qessa in chapter two.", "Then the Kessa."])
    assert [m.text for p in first for m in mentions(p)] == ["Kessa", "Qessa", "Kessa River"]
    assert [m.text for p in second for m in mentions(p)] == ["Qessa", "Kessa"]
    assert linker.use_anchor("kessa", "two") == "mention-kessa-two-1"  # the glossary points at the chapter's first mention


def test_link_all_and_none():
    linker = Linker((term("all", "Kessa", link="all"), term("none", "Southland", link="none")))
    parts = chapter_parts(linker, "one", ["Kessa, Kessa, Southland.", "Kessa and Southland."])
    assert [m.term_id for p in parts for m in mentions(p)] == ["all", "all", "all"]
    assert linker.use_anchor("none", "one") == "one-1"
    assert linker.use_anchor("all", "one") == "mention-all-one-1"
    assert [m.anchor for p in parts for m in mentions(p)] == ["mention-all-one-1", "mention-all-one-1-2", "mention-all-one-2"]


def test_contested_names_link_to_their_entry():
    linker = Linker((term("kessa", "Kessa", names=[("Kessa", "north"), ("Qessa", "south")]),))
    parts = chapter_parts(linker, "one", ["Qessa"]) + chapter_parts(linker, "two", ["Kessa"])
    assert [(m.term_id, m.text) for p in parts for m in mentions(p)] == [("kessa", "Qessa"), ("kessa", "Kessa")]


def test_mention_anchors_are_unique():
    linker = Linker((term("kessa", "Kessa", link="all"),))
    parts = chapter_parts(linker, "one", ["Kessa Kessa"]) + chapter_parts(linker, "two", ["Kessa"])
    anchors = [m.anchor for p in parts for m in mentions(p)]
    assert len(anchors) == 3 == len(set(anchors))


def test_never_linked_inside_another_link_or_code():
    linker = Linker((term("kessa", "Kessa", link="all"),))
    (parts,) = chapter_parts(linker, "one", ["See [the Kessa map](https://example.org/Kessa), `Kessa`, <https://Kessa.example>."])
    assert mentions(parts) == []
    assert parts_text(parts) == "See the Kessa map, Kessa, https://Kessa.example."
    assert linker.use_anchor("kessa", "one") == "one-1"  # still a use of the term, for the glossary
    (later,) = chapter_parts(linker, "one", ["The Kessa."])
    assert [m.text for m in mentions(later)] == ["Kessa"]
    assert linker.use_anchor("kessa", "one") == mentions(later)[0].anchor


def test_raw_html_in_a_source_is_escaped():
    linker = Linker((term("kessa", "Kessa"),))
    (parts,) = chapter_parts(linker, "one", ['<script>alert("Kessa")</script> <b>bold</b> Kessa'])
    html = "".join(p for p in parts if isinstance(p, str))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    assert parts_text(parts) == '<script>alert("Kessa")</script> <b>bold</b> Kessa'


def test_markup_survives_around_links():
    linker = Linker((term("kessa", "Kessa", link="all"),))
    (parts,) = chapter_parts(linker, "one", ["> *The Kessa* is **low** & the Kessa's banks"])
    html = "".join(p if isinstance(p, str) else "@" for p in parts)
    assert html == "<blockquote>\n<p><em>The @</em> is <strong>low</strong> &amp; the @'s banks</p>\n</blockquote>\n"


WORDS = st.sampled_from(["Kessa", "Qessa", "Upper", "Kessa Dam", "the", "dam", "Kessa's", "Nagorno-Karabakh",
                         "Karabakh", "*", "_", "[", "](x)", "`", "<b>", "&amp;", "\n", "\n\n", "> ", "- ", "#", "\\"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=30).map(" ".join))
def test_linking_never_changes_the_words(markdown):
    glossary = (term("kessa", "Kessa", names=[("Kessa", "n"), ("Qessa", "s")], link="all"),
                term("dam", "Upper Kessa Dam", aliases=["the dam"], link="all"),
                term("nk", "Nagorno-Karabakh"), term("karabakh", "Karabakh", link="all"))
    linker = Linker(glossary)
    linker.start_chapter("one")
    parts, text = linker.passage(markdown, "a-1")
    assert text.split() == passage_text(markdown).split()  # the words scoring sees, in the same order
    assert parts_text(parts) == text
    unlinked = Linker(())
    unlinked.start_chapter("one")
    plain_parts, plain_text = unlinked.passage(markdown, "a-1")
    assert plain_text == text
    # with each link replaced by its words, the HTML is exactly the unlinked HTML
    assert joined(parts) == joined(plain_parts)
    for mention in mentions(parts):
        assert mention.text in text


def joined(parts) -> str:
    return "".join(p if isinstance(p, str) else escapeHtml(p.text) for p in parts)


def test_unused_entries_are_warned_about_with_their_line(tmp_path):
    project_dir = tmp_path / "book"
    shutil.copytree(MINIMAL, project_dir)
    with open(project_dir / "glossary.yaml", "a", encoding="utf-8") as stream:
        stream.write("- id: lighthouse\n  term: Lighthouse\n  kind: place\n  definition: Not in any article.\n")
    lines = (project_dir / "glossary.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("- id: lighthouse") + 1
    diagnostics = unused_terms(load(project_dir))
    assert [str(d) for d in diagnostics] == [f"glossary.yaml:{line}: warning: glossary entry 'lighthouse' is never used in the corpus"]

    result = CliRunner().invoke(main, ["check", "--project", str(project_dir)])
    assert result.exit_code == 0
    assert f"glossary.yaml:{line}: warning: glossary entry 'lighthouse'" in result.output
    assert re.search(r"0 errors, 5 warnings", result.output)  # with the two one-sided chapters and the undated letter

    strict = CliRunner().invoke(main, ["check", "--strict", "--project", str(project_dir)])
    assert strict.exit_code == 1
    assert f"glossary.yaml:{line}:" in strict.output


def test_minimal_project_uses_every_entry():
    assert unused_terms(load(MINIMAL)) == ()


def test_repository_glossary_is_complete_and_used():
    repository = load(Path(__file__).parent.parent)
    glossary = repository.glossary
    assert len(glossary) >= 40
    assert sum(1 for entry in glossary if len(entry.names) >= 2) >= 8
    assert {"stepanakert", "shushi"} <= {entry.id for entry in glossary}
    assert repository.articles
    assert unused_terms(repository) == ()  # every entry is drawn from the corpus
