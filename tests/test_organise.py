"""Stage 3, organise: every rule of DESIGN §3 on its own, a property test, and a hand-labelled project."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.cli import main
from book.models import ArticleMeta, BookConfig, ChapterMatch, ChapterSpec, Term
from book.organise import FURTHER, FURTHER_TITLE, ChapterMatcher, keyword_pattern, organise
from book.plaintext import markdown_text, plain_text
from book.project import Article, Chapter, Passage, Project, load

PROJECTS = Path(__file__).parent / "projects"


# --- small real projects, written to disk and loaded like any other -------------------


def _yaml_value(value) -> str:
    return json.dumps(value, ensure_ascii=False)  # JSON is YAML


def write_project(root: Path, articles: dict, chapters: list, glossary: list | None = None,
                  outlets: dict | None = None) -> Path:
    """A book project on disk: articles {id: (front matter, [passages])}, chapters [(slug, front matter)]."""
    (root / "corpus").mkdir(parents=True)
    (root / "chapters").mkdir()
    order = [slug for slug, _ in chapters]
    (root / "book.yaml").write_text(f"title: Test book\nchapters: {_yaml_value(order)}\n", encoding="utf-8")
    for number, (slug, meta) in enumerate(chapters, 1):
        meta = {"title": slug.replace("-", " ").title(), **meta}
        front = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in meta.items())
        (root / "chapters" / f"{number:02d}-{slug}.md").write_text(f"---\n{front}---\nAbout {slug}.\n", encoding="utf-8")
    for article_id, (meta, passages) in articles.items():
        meta = {"title": article_id, "outlet": None, "date": None, **meta}
        front = "".join(f"{key}: {_yaml_value(value)}\n" for key, value in meta.items())
        body = "\n\n".join(passages)
        (root / "corpus" / f"{article_id}.md").write_text(f"---\n{front}---\n{body}\n", encoding="utf-8")
    if glossary is not None:
        (root / "glossary.yaml").write_text("".join(f"- {_yaml_value(entry)}\n" for entry in glossary), encoding="utf-8")
    if outlets is not None:
        (root / "corpus" / "outlets.yaml").write_text(
            "".join(f"{_yaml_value(name)}: {_yaml_value(value)}\n" for name, value in outlets.items()), encoding="utf-8")
    return root


def placed(root: Path) -> dict[str, str]:
    """ref → chapter slug for the project in `root`."""
    return {decision.ref: decision.chapter for decision in organise(load(root)).decisions}


def scores_of(keywords: list[str], text: str) -> int:
    return ChapterMatcher(keywords, []).score(plain_text(text))


# --- matching ------------------------------------------------------------------------


def test_keywords_match_whole_words_only():
    assert scores_of(["war"], "The war, the war. (War) war-time") == 4
    assert scores_of(["war"], "A warning and an award; wars; postwar") == 0
    assert scores_of(["Turkey"], "Turkey's role and Turkey’s role") == 2


def test_phrases_match_across_any_whitespace_but_not_other_words():
    assert scores_of(["observation posts"], "new observation posts and observation\nposts") == 2
    assert scores_of(["observation posts"], "observation of posts; posts for observation") == 0


def test_trailing_star_matches_a_prefix_at_a_word_start():
    text = "negotiate, negotiations, Negotiators and renegotiate"
    assert scores_of(["negotiat*"], text) == 3
    assert scores_of(["negotiat"], text) == 0
    assert scores_of(["water level*"], "water levels fell; water level rose; waterlevel") == 2


def test_matching_ignores_case():
    assert scores_of(["truce"], "TRUCE, Truce, truce") == 3
    assert scores_of(["Humanitarian Truce"], "a humanitarian truce") == 1


def test_overlapping_keywords_count_one_mention_once():
    assert scores_of(["truce", "humanitarian truce"], "a humanitarian truce, then a truce") == 2


def test_scores_are_counted_on_plain_text_not_markdown_syntax():
    text = "A **ceasefire** and [a link](https://example.org/ceasefire-truce) and <span>truce</span>."
    # raw HTML is shown as text in the book (glossary renders it so), so it is scored as the words it shows
    assert plain_text(text) == "A ceasefire and a link and <span>truce</span>."
    assert scores_of(["ceasefire", "truce"], text) == 2
    assert scores_of(["example"], text) == 0


def test_scoring_and_linking_see_the_same_words():
    """One Markdown → text function: what is scored is what the linker renders, raw HTML included."""
    from book.glossary import Linker, parts_text

    markdown = "Farmers say <i>Water Quotas</i> & *fishing* rules\n\n> on the [Orun](https://example.org) favour the east."
    linker = Linker(())
    linker.start_chapter("one")
    parts, text = linker.passage(markdown, "a-1")
    assert plain_text(markdown).split() == parts_text(parts).split() == text.split()
    assert "<i>Water" in plain_text(markdown).split()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet="ab -*_[]()<>&#!`>=+.1\n\t\\\u00a0", max_size=30), st.text(max_size=30)))
def test_plain_text_without_markup_skips_the_parser_but_means_the_same(text):
    assert plain_text(text) == markdown_text(text)


def test_keyword_pattern_escapes_regex_characters():
    assert scores_of(["U.S."], "the U.S. and the UxSx") == 1
    assert keyword_pattern("a+b") == r"(?<!\w)a\+b(?!\w)"


def test_glossary_term_names_and_aliases_all_count(tmp_path):
    glossary = [
        {"id": "kessa", "term": "Kessa", "kind": "place", "definition": "A river.",
         "names": [{"name": "Kessa"}, {"name": "Qessa", "used_by": "Southland"}], "aliases": ["Kessa River"]},
        {"id": "dam", "term": "Upper Dam", "kind": "place", "definition": "A dam."},
    ]
    root = write_project(tmp_path / "p", {"a": ({}, ["The Qessa, the Kessa River and the kessa.", "The Upper Dam."])},
                         [("river", {"match": {"terms": ["kessa"]}}), ("other", {"match": {"keywords": ["nothing"]}})],
                         glossary)
    decisions = {d.ref: d for d in organise(load(root)).decisions}
    assert decisions["a:1"].scores["river"] == 3
    assert decisions["a:2"].scores["river"] == 0  # another term's name does not count


# --- assignment ----------------------------------------------------------------------


def test_min_score_must_be_reached(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["truce", "truce and truce", "dam"])},
                         [("talks", {"match": {"keywords": ["truce"], "min_score": 2}}),
                          ("dams", {"match": {"keywords": ["dam"]}})])
    assert placed(root) == {"a:1": "talks", "a:2": "talks", "a:3": "dams"}
    decisions = {d.ref: d for d in organise(load(root)).decisions}
    assert "stays with its article" in decisions["a:1"].reason
    assert decisions["a:2"].reason.startswith("highest score 2")


def test_highest_score_wins_and_a_tie_goes_to_the_earlier_chapter(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam dam truce", "dam truce", "truce truce dam"])},
                         [("dams", {"match": {"keywords": ["dam"]}}), ("talks", {"match": {"keywords": ["truce"]}})])
    assert placed(root) == {"a:1": "dams", "a:2": "dams", "a:3": "talks"}
    tie = next(d for d in organise(load(root)).decisions if d.ref == "a:2")
    assert "tied with 'talks'" in tie.reason


def test_include_wins_over_scores_for_a_passage_and_for_a_whole_article(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam dam dam", "dam"]), "b": ({}, ["dam", "nothing"])},
                         [("dams", {"match": {"keywords": ["dam"]}}),
                          ("talks", {"match": {"keywords": ["truce"]}, "include": ["a:1", "b"]})])
    assert placed(root) == {"a:1": "talks", "a:2": "dams", "b:1": "talks", "b:2": "talks"}


def test_two_includes_of_one_passage_go_to_the_earlier_chapter_and_say_so(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["truce truce"])},
                         [("dams", {"include": ["a:1"]}), ("talks", {"match": {"keywords": ["truce"]}, "include": ["a"]})])
    decision = organise(load(root)).decisions[0]
    assert decision.chapter == "dams"
    assert "also included by 'talks'" in decision.reason and "earlier chapter wins" in decision.reason


def test_exclude_removes_a_chapter_from_the_candidates(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam dam truce", "dam", "dam"])},
                         [("dams", {"match": {"keywords": ["dam"]}, "exclude": ["a:1"]}),
                          ("talks", {"match": {"keywords": ["truce"]}})])
    result = placed(root)
    assert result["a:1"] == "talks"
    assert "excluded from 'dams'" in next(d for d in organise(load(root)).decisions if d.ref == "a:1").reason


def test_excluding_one_passage_of_an_included_article(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["one", "truce", "three"])},
                         [("dams", {"include": ["a"], "exclude": ["a:2"]}), ("talks", {"match": {"keywords": ["truce"]}})])
    assert placed(root) == {"a:1": "dams", "a:2": "talks", "a:3": "dams"}


def test_an_excluded_passage_does_not_stay_with_its_article_in_that_chapter(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam", "dam", "truce", "nothing"])},
                         [("dams", {"match": {"keywords": ["dam"]}, "exclude": ["a:4"]}),
                          ("talks", {"match": {"keywords": ["truce"]}})])
    assert placed(root)["a:4"] == "talks"


def test_a_weak_passage_stays_with_the_chapter_holding_most_of_its_article(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["truce", "nothing", "dam", "dam"]),
                                          "b": ({}, ["truce", "nothing", "dam"])},
                         [("talks", {"match": {"keywords": ["truce"]}}), ("dams", {"match": {"keywords": ["dam"]}})])
    result = placed(root)
    assert result["a:2"] == "dams"  # two of a's placed passages are in dams
    assert result["b:2"] == "talks"  # one each: the earlier chapter


def test_an_article_that_reaches_no_chapter_goes_to_further_reporting(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam"]), "b": ({}, ["nothing", "at all"])},
                         [("dams", {"match": {"keywords": ["dam"]}})])
    plan = organise(load(root))
    assert [c.slug for c in plan.chapters] == ["dams", FURTHER]
    further = plan.chapters[-1]
    assert further.further and further.title == FURTHER_TITLE and further.refs == ("b:1", "b:2")
    assert further.intro.strip() and further.questions == ()


def test_further_reporting_is_left_out_when_empty(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam", "nothing"])}, [("dams", {"match": {"keywords": ["dam"]}})])
    plan = organise(load(root))
    assert [c.slug for c in plan.chapters] == ["dams"]
    assert not any(c.further for c in plan.chapters)


def test_articles_in_date_order_undated_last_passages_in_source_order(tmp_path):
    articles = {
        "a-undated": ({}, ["dam 1", "dam 2"]),
        "b-late": ({"date": "2021-05-01"}, ["dam 1", "nothing", "dam 3"]),
        "c-early": ({"date": "2020-01-01"}, ["dam 1"]),
        "d-late-too": ({"date": "2021-05-01"}, ["dam 1"]),
        "0-undated": ({}, ["dam 1"]),
    }
    root = write_project(tmp_path / "p", articles,
                         [("dams", {"match": {"keywords": ["dam"]}, "exclude": ["b-late:3"]}),
                          ("other", {"match": {"keywords": ["zzz"]}})])
    plan = organise(load(root))
    assert plan.chapters[0].refs == ("c-early:1", "b-late:1", "b-late:2", "d-late-too:1",
                                     "0-undated:1", "a-undated:1", "a-undated:2")
    assert "b-late:3" in plan.chapters[-1].refs  # excluded from the only chapter holding its article


def test_every_passage_exactly_once_in_the_order_the_chapters_are_listed(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam", "truce", "x"]), "b": ({}, ["y"])},
                         [("talks", {"match": {"keywords": ["truce"]}}), ("dams", {"match": {"keywords": ["dam"]}})])
    project = load(root)
    plan = organise(project)
    assert [c.slug for c in plan.chapters] == ["talks", "dams", FURTHER]
    assert_exactly_once(project, plan)


def assert_exactly_once(project: Project, plan) -> None:
    in_chapters = [ref for chapter in plan.chapters for ref in chapter.refs]
    assert Counter(in_chapters) == Counter(p.ref for p in project.passages)
    assert [d.ref for d in plan.decisions] == [p.ref for p in project.passages]
    held = {ref: chapter.slug for chapter in plan.chapters for ref in chapter.refs}
    assert all(held[d.ref] == d.chapter for d in plan.decisions)
    assert all(chapter.refs or not chapter.further for chapter in plan.chapters)


# --- property: any corpus, any rules, every passage exactly once ----------------------

WORDS = ["dam", "river", "truce", "talks", "farm", "flow", "quiet", "day"]


@st.composite
def projects(draw) -> Project:
    article_count = draw(st.integers(1, 5))
    articles = []
    for index in range(article_count):
        passages = draw(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6), min_size=1, max_size=5))
        date = draw(st.one_of(st.none(), st.dates()))
        meta = ArticleMeta(title=f"Article {index}", date=date)
        article_id = f"a{index}"
        articles.append(Article(article_id, meta, "", tuple(
            Passage(article_id, number, " ".join(words), number) for number, words in enumerate(passages, 1)), ""))
    refs = [article.id for article in articles] + [p.ref for a in articles for p in a.passages]
    chapters = []
    for index in range(draw(st.integers(1, 4))):
        keywords = draw(st.lists(st.sampled_from(WORDS + ["da*", "tal*", "quiet day"]), max_size=3))
        spec = ChapterSpec(title=f"Chapter {index}", match=ChapterMatch(
            keywords=keywords, terms=draw(st.lists(st.just("river-term"), max_size=1)), min_score=draw(st.integers(1, 3))),
            include=draw(st.lists(st.sampled_from(refs), max_size=2)),
            exclude=draw(st.lists(st.sampled_from(refs), max_size=2)))
        chapters.append(Chapter(f"c{index}", spec, "", ""))
    glossary = (Term(id="river-term", term="river", kind="place", aliases=["flow"], definition="A river."),)
    return Project(Path("."), BookConfig(title="T"), {}, tuple(articles), tuple(chapters), glossary, ())


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_property_every_passage_lands_exactly_once(project):
    plan = organise(project)
    assert_exactly_once(project, plan)
    specs = {chapter.slug: chapter.spec for chapter in project.chapters}
    for decision in plan.decisions:
        if decision.chapter == FURTHER:
            continue
        spec = specs[decision.chapter]
        article_id, number = decision.ref.split(":")
        named = {decision.ref, article_id}
        if not named & set(spec.include):
            assert not named & set(spec.exclude), decision  # excluded passages never land there by score
        if decision.rule == "score":
            assert decision.scores[decision.chapter] >= spec.match.min_score


# --- a hand-labelled themed project -----------------------------------------------------

# Written down by reading each passage as an editor would, before running the tool.
EDITOR = {
    "msw-2022-02-20-cod-survey": ["quotas"] * 4,
    "northwire-2022-03-01-trawler-seized": ["incidents", "incidents", "incidents", "livelihoods", "incidents"],
    "estmark-post-2022-03-03-talks": ["talks"] * 4,
    "harlow-courier-2022-03-05-town": ["livelihoods"] * 5,
    "estmark-post-2022-03-10-patrols": ["incidents", "incidents", "incidents", "livelihoods"],
    "coastalwire-2022-03-12-summit": ["talks", "talks", "talks"],  # 3 is about the summit's agenda
    "lighthouse-letter": [FURTHER, FURTHER],
}


def test_themed_project_agrees_with_the_editor():
    project = load(PROJECTS / "themed")
    plan = organise(project)
    assert_exactly_once(project, plan)
    expected = {f"{article}:{n}": slug for article, slugs in EDITOR.items() for n, slug in enumerate(slugs, 1)}
    assert set(expected) == {p.ref for p in project.passages}
    got = {d.ref: d.chapter for d in plan.decisions}
    agree = sum(got[ref] == slug for ref, slug in expected.items())
    assert agree / len(expected) >= 0.9, {ref: (slug, got[ref]) for ref, slug in expected.items() if got[ref] != slug}
    chapters = {c.slug: c for c in plan.chapters}
    assert chapters["quotas"].refs[:4] == tuple(f"msw-2022-02-20-cod-survey:{n}" for n in range(1, 5))  # earliest first
    assert chapters[FURTHER].refs == ("lighthouse-letter:1", "lighthouse-letter:2")


# --- book report ---------------------------------------------------------------------


def report(project: Path, *args: str):
    result = CliRunner(env={"COLUMNS": "240"}).invoke(main, ["report", "--project", str(project), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_report_json_has_the_designed_shape():
    result = report(PROJECTS / "themed", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert len(data["passages"]) == 27
    first = data["passages"][0]
    assert set(first) == {"ref", "opening", "chapter", "scores", "reason", "reading_ease"}
    assert list(first["scores"]) == ["quotas", "talks", "incidents", "livelihoods"]
    by_ref = {entry["ref"]: entry for entry in data["passages"]}
    assert by_ref["estmark-post-2022-03-10-patrols:3"]["reason"] == "pinned by include in 'incidents'"
    assert by_ref["msw-2022-02-20-cod-survey:1"]["opening"] == "Cod stocks on Brenna Bank have fallen by …"
    assert data["outlet_balance"]["livelihoods"] == {"Norland local press": 5, "Estmark press": 1, "Norland government": 1}
    assert data["outlet_balance"][FURTHER] == {"outlet not named": 2}
    assert data["glossary_use"]["brenna-bank"] == {"quotas": 1, "incidents": 2}
    assert [entry["ref"] for entry in data["fell_through"]] == [
        "harlow-courier-2022-03-05-town:2", "harlow-courier-2022-03-05-town:4",
        "harlow-courier-2022-03-05-town:5", "lighthouse-letter:1", "lighthouse-letter:2",
        "northwire-2022-03-01-trawler-seized:5"]


def test_report_table_shows_every_chapter_passage_and_reason():
    result = report(PROJECTS / "themed")
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    for title in ("Quotas and fish stocks", "Talks and mediation", "Incidents at sea", "Fishing communities",
                  "Further reporting"):
        assert title in text
    assert "Fell through: 6 passages below every min_score (4 stayed with their article, 2 in Further reporting)" in text
    assert "Outlet balance: Norland local press 5, Estmark press 1, Norland government 1" in text
    assert "pinned by include in 'incidents'" in text


def test_report_lists_the_names_the_glossary_does_not_explain(tmp_path):
    articles = {
        "a": ({"outlet": "Valley Courier"}, [
            "The ferry from Lake Vostra ran on Tuesday. Kessa's mayor said the Valley Courier was wrong.",
            "Lake Vostra rose again. The Ministry of Water closed the dam on Tuesday.",
        ]),
        "b": ({"outlet": "Valley Courier"}, [
            "At Lake Vostra's shore, the Ministry of Water said Kessa would wait. Ona Brell agreed.",
            "Kessa and Ona Brell, said the Valley Courier, met on Tuesday; the Israeli-made pumps ran. I agreed.",
            "The Ministry of Water had closed the dam at Kessa before. The I-9 road is shut.",
        ]),
    }
    glossary = [{"id": "kessa", "term": "Kessa", "kind": "place", "definition": "A town."}]
    root = write_project(tmp_path / "p", articles, [("water", {"match": {"keywords": ["dam"]}})], glossary,
                         outlets={"Valley Courier": {"perspective": "local"}})
    result = report(root, "--json")
    assert result.exit_code == 0, result.output
    candidates = json.loads(result.output)["glossary_candidates"]
    # Kessa has an entry, Valley Courier is an outlet, Tuesday a day, Ona Brell is named only twice,
    # "The", "At" and "I" open sentences or are single letters, "Israeli-made" is no name.
    assert candidates == [
        {"name": "Lake Vostra", "mentions": 3, "articles": 2, "first": "a:1"},
        {"name": "Ministry of Water", "mentions": 3, "articles": 2, "first": "a:2"},
    ]
    table = " ".join(report(root).output.split())
    assert "│ Lake Vostra │ 3 │ 2 │ a:1 │" in table
    assert "│ a:1 │ —" in table and "│ The ferry from Lake Vostra ran on Tuesday. … │" in table


def test_report_gives_the_reading_ease_of_each_passage_and_chapter(tmp_path):
    plain = "The dam is full. The gates are shut. The boats wait."
    dense = ("Notwithstanding considerable intergovernmental consternation, negotiations regarding hydroelectric "
             "infrastructure deteriorated precipitously throughout the consultation.")
    articles = {"a": ({}, [plain, dense])}
    root = write_project(tmp_path / "p", articles, [("water", {"match": {"keywords": ["dam", "hydroelectric"]}})])
    data = json.loads(report(root, "--json").output)
    ease = {entry["ref"]: entry["reading_ease"] for entry in data["passages"]}
    assert ease["a:1"] > 90 > 0 > ease["a:2"]  # short plain sentences read easily; one long Latinate one does not
    assert ease["a:2"] < data["chapters"][0]["reading_ease"] < ease["a:1"]
    assert data["readability"] == {"measure": "Flesch reading ease", "language": "en", "available": True}
    config = root / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: ru\n", encoding="utf-8")
    data = json.loads(report(root, "--json").output)
    assert data["readability"]["available"] is False
    assert {entry["reading_ease"] for entry in data["passages"]} == {None} and data["chapters"][0]["reading_ease"] is None
    assert "no readability measure for the language 'ru'" in report(root).output


def test_report_on_an_invalid_project_names_the_file_and_line(tmp_path):
    root = write_project(tmp_path / "p", {"a": ({}, ["dam"])}, [("dams", {"match": {"keywords": ["dam"]}, "include": ["a:9"]})])
    result = report(root, "--json")
    assert result.exit_code == 1
    assert "chapters/01-dams.md:" in result.output and "article 'a' has passages 1 to 1" in result.output
    assert "Traceback" not in result.output


# --- the repository's own book ---------------------------------------------------------


def test_the_repository_book_is_organised_as_an_editor_would_want():
    project = load(PROJECTS.parents[1])
    plan = organise(project)
    assert_exactly_once(project, plan)
    slugs = [chapter.slug for chapter in plan.chapters]
    assert {"foreign-involvement", "ceasefires", "peacekeeping", "cultural-heritage"} <= set(slugs)
    total = len(project.passages)
    for chapter in project.chapters:
        words = len(chapter.intro.split())
        assert 120 <= words <= 250, (chapter.slug, words)
        assert 2 <= len(chapter.spec.questions) <= 4, chapter.slug
    for planned in plan.chapters:
        assert planned.refs, f"{planned.slug} is empty"
        assert len(planned.refs) <= 0.3 * total, f"{planned.slug} holds {len(planned.refs)} of {total} passages"
    further = sum(len(c.refs) for c in plan.chapters if c.further)
    assert further <= 0.05 * total
    fell = sum(1 for d in plan.decisions if d.rule in ("article", "further"))
    assert fell <= 0.1 * total
