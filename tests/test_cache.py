"""The build cache: what is read back is what parsing would give, and a bad cache never breaks a build."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from book import cache as caches
from book import signing
from book.errors import ProjectError
from book.linkcache import CachedLinker, link_cache
from book.organise import organise, passage_scores, score_cache, score_passages
from book.pipeline import build
from book.project import load, source_cache


def _load(root):
    """A load through a fresh cache, saved afterwards as a build does; returns (project, cache)."""
    sources = source_cache(root)
    project = load(root, cache=sources)
    sources.save()
    return project, sources


def _signer(root, name: str) -> signing.Signer:
    return signing.Signer(signing.user_key(root), name)


def _stored(root, name: str):
    """The header frame of a cache file (what the cache wrote, verified with the test run's key)."""
    with open(root / "dist" / ".cache" / f"{name}.pickle", "rb") as stream:
        return caches.read_frame(stream, _signer(root, name))


def _store(root, name: str, value) -> None:
    """A cache file holding `value`, signed as the cache would sign it."""
    with open(root / "dist" / ".cache" / f"{name}.pickle", "wb") as stream:
        caches.write_frame(stream, value, _signer(root, name))


def _files(root) -> int:
    """The files the source cache holds: articles, chapters and the glossary."""
    return (len(list((root / "corpus").glob("*.md"))) + len(list((root / "chapters").glob("*.md")))
            + (root / "glossary.yaml").is_file())


def test_second_load_reads_every_file_from_the_cache_and_equals_a_parse(project_copy):
    root = project_copy()
    first, cold = _load(root)
    second, warm = _load(root)
    assert (cold.hits, cold.misses) == (0, _files(root))
    assert (warm.hits, warm.misses) == (_files(root), 0)
    assert (root / "dist" / ".cache" / "sources.pickle").is_file()
    parsed = load(root)
    assert second.articles == parsed.articles == first.articles
    assert second.chapters == parsed.chapters
    assert second.warnings == parsed.warnings  # the undated letter's warnings come back from the cache too
    assert any("no date" in d.message for d in second.warnings)


def test_a_changed_article_is_parsed_again_and_only_it(project_copy):
    root = project_copy()
    _load(root)
    path = root / "corpus" / "undated-letter.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nA second paragraph about the crossing.\n", encoding="utf-8")
    project, warm = _load(root)
    assert (warm.hits, warm.misses) == (_files(root) - 1, 1)
    letter = project.article("undated-letter")
    assert [p.text for p in letter.passages][-1] == "A second paragraph about the crossing."
    assert project.articles == load(root).articles


def test_an_error_is_reported_again_from_the_cache_and_a_fix_is_seen(project_copy):
    root = project_copy()
    path = root / "corpus" / "undated-letter.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("title: A letter from a ferry captain\n", ""), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ProjectError) as error:
            load(root, cache=source_cache(root))
        assert any(d.path == "corpus/undated-letter.md" and d.severity == "error" for d in error.value.diagnostics)
        source_cache(root).save()
    path.write_text(good, encoding="utf-8")
    assert _load(root)[0].article("undated-letter").meta.title == "A letter from a ferry captain"


@pytest.mark.parametrize("garbage", [b"", b"not a pickle at all", pickle.dumps([1, 2, 3]),
                                     pickle.dumps({"version": "other", "entries": {}})[:-7],
                                     pickle.dumps({"version": None, "entries": "nonsense"})])
def test_a_corrupt_cache_is_ignored_and_rewritten(project_copy, garbage):
    root = project_copy()
    folder = root / "dist" / ".cache"
    folder.mkdir(parents=True)
    (folder / "sources.pickle").write_bytes(garbage)
    (folder / "scores.pickle").write_bytes(garbage)
    project, sources = _load(root)
    assert sources.misses == _files(root)
    assert project.articles == load(root).articles
    assert _load(root)[1].hits == _files(root)  # rewritten, and good again


def test_a_cache_entry_with_the_wrong_shape_falls_back_to_parsing(project_copy):
    root = project_copy()
    _load(root)
    path = root / "dist" / ".cache" / "sources.pickle"
    stored = _stored(root, "sources")
    stored["entries"] = {key: "not a parsed file" for key in stored["entries"]}
    _store(root, "sources", stored)
    scores_path = root / "dist" / ".cache" / "scores.pickle"
    project = load(root)
    scores = score_cache(root)
    passage_scores(project, scores)
    scores.save()
    assert scores_path.is_file()
    stored = _stored(root, "scores")
    stored["entries"] = {key: ("x",) for key in stored["entries"]}
    _store(root, "scores", stored)
    again, sources = _load(root)
    assert again.articles == project.articles
    assert sources.misses == _files(root)
    assert passage_scores(again, score_cache(root)) == score_passages(again)


def test_problems_found_across_files_point_at_the_same_lines_from_the_cache(project_copy):
    root = project_copy()
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("see: [dam]", "see: [dam, no-such-term]"), encoding="utf-8")
    article = root / "corpus" / "southwire-2021-03-05-talks.md"
    article.write_text(article.read_text(encoding="utf-8").replace("outlet: South Wire", "outlet: Nowhere Wire"), encoding="utf-8")
    with pytest.raises(ProjectError) as parsed:
        load(root)
    for _ in range(2):  # cold, then every file read back from the cache
        sources = source_cache(root)
        with pytest.raises(ProjectError) as cached:
            load(root, cache=sources)
        sources.save()
        assert cached.value.diagnostics == parsed.value.diagnostics
    assert sources.hits == _files(root)
    messages = {(d.path, d.line, d.message) for d in parsed.value.diagnostics}
    assert ("glossary.yaml", 9, "see: unknown glossary id 'no-such-term'") in messages
    assert ("corpus/southwire-2021-03-05-talks.md", 3, "outlet 'Nowhere Wire' is not in corpus/outlets.yaml") in messages


NEW_ARTICLE = "---\ntitle: A new report\noutlet: null\ndate: 2021-03-10\n---\nThe ferry runs again.\n"


def test_new_entries_are_appended_and_a_part_cut_short_costs_only_its_entries(project_copy):
    root = project_copy()
    _load(root)
    path = root / "dist" / ".cache" / "sources.pickle"
    before = path.read_bytes()
    (root / "corpus" / "new-report.md").write_text(NEW_ARTICLE, encoding="utf-8")
    project, warm = _load(root)
    assert (warm.hits, warm.misses) == (_files(root) - 1, 1)
    after = path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)  # appended, not rewritten
    again, read = _load(root)
    assert (read.hits, read.misses) == (_files(root), 0)
    assert again.articles == load(root).articles
    path.write_bytes(after[:-5])  # e.g. a build stopped while appending
    cut, damaged = _load(root)
    assert (damaged.hits, damaged.misses) == (_files(root) - 1, 1)
    assert cut.articles == load(root).articles
    assert _stored(root, "sources")["entries"].keys() == damaged._used.keys()  # rewritten whole
    assert _load(root)[1].misses == 0


def test_a_cache_of_mostly_unused_entries_is_rewritten_with_the_used_ones(project_copy):
    root = project_copy()
    _load(root)
    for _ in range(2):  # every article edited twice: twice as many old versions as articles
        for path in (root / "corpus").glob("*.md"):
            path.write_text(path.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
        _, changed = _load(root)
    assert changed.misses == len(list((root / "corpus").glob("*.md")))  # the chapters and glossary are unchanged
    stored = _stored(root, "sources")["entries"]
    assert stored.keys() == changed._used.keys()  # the old versions of the articles are gone
    assert _load(root)[1].misses == 0


def test_another_tool_version_invalidates_the_whole_cache(project_copy):
    root = project_copy()
    _load(root)
    old = caches.Cache(root, "sources", source_cache(root).version)
    assert old._old
    assert not caches.Cache(root, "sources", old.version + "-next")._old
    assert caches.code_version(("project.py",)) != caches.code_version(("project.py", "models.py"))


def test_cached_scores_equal_computed_ones_and_follow_the_chapter_rules(project_copy):
    root = project_copy()
    project = load(root)
    scores = score_cache(root)
    assert passage_scores(project, scores) == score_passages(project)
    scores.save()
    warm = score_cache(root)
    assert passage_scores(project, warm) == score_passages(project)
    assert warm.misses == 0 and warm.hits == len(project.passages)
    chapter = root / "chapters" / "02-talks.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("[negotiat*, talks, meet]", "[ferry]"), encoding="utf-8")
    changed = load(root)
    after = score_cache(root)
    assert passage_scores(changed, after) == score_passages(changed)
    assert after.misses == len(changed.passages)
    assert organise(changed, passage_scores(changed, score_cache(root))) == organise(changed)


def contents(path: Path):
    """A file's bytes; a folder's (the web edition) every file's, by relative path."""
    if path.is_dir():
        return {inner.relative_to(path).as_posix(): inner.read_bytes() for inner in sorted(path.rglob("*")) if inner.is_file()}
    return path.read_bytes()


def test_a_cached_build_writes_the_same_bytes_as_a_cold_one(project_copy):
    root = project_copy()
    cold = build(root, formats=("html", "epub"))
    cold_bytes = [contents(path) for path in cold]
    assert [path.name for path in cold] == [f"{cold[2].name}.epub", f"{cold[2].name}.html", cold[2].name]
    assert "pagefind/pagefind.js" in cold_bytes[2] and "glossary.html" in cold_bytes[2]
    warm = build(root, formats=("html", "epub"))
    assert warm == cold
    assert [contents(path) for path in warm] == cold_bytes
    assert build(root, formats=("html", "epub"), cache=False) == cold
    assert [contents(path) for path in cold] == cold_bytes


REPOSITORY = Path(__file__).resolve().parents[1]
LINKED = """---
title: A report with its own links
outlet: Harbour Gazette
date: 2021-03-09
---
The [Kessa River page](https://example.org/kessa) says the Kessa is low; the Qessa is low too.

Farmers on the Kessa <b>met</b> the Joint Water Commission & asked about the dam. The dam, the dam.

- Kessa
- [Joint Water Commission](https://example.org/jwc)
"""


def _books(root):
    """The book annotated by a plain Linker, then by a CachedLinker cold and warm."""
    from book.annotate import annotate
    from book.editions import current_edition

    project = load(root)
    plan = organise(project)
    plain = annotate(project, plan, current_edition(project))
    books = []
    for _ in range(2):
        links = link_cache(root)
        books.append(annotate(project, plan, current_edition(project), CachedLinker(project.glossary, links)))
        links.save()
    return plain, books, links, project


def _repository_book(tmp_path) -> Path:
    root = tmp_path / "repository-book"
    root.mkdir()
    for name in ("book.yaml", "glossary.yaml"):
        shutil.copy(REPOSITORY / name, root / name)
    for folder in ("chapters", "corpus", "editions"):
        if (REPOSITORY / folder).is_dir():
            shutil.copytree(REPOSITORY / folder, root / folder)
    return root


def test_cached_linking_gives_the_same_book_cold_and_warm(project_copy, tmp_path):
    minimal = project_copy()
    (minimal / "corpus" / "gazette-2021-03-09-links.md").write_text(LINKED, encoding="utf-8")
    for root in (minimal, _repository_book(tmp_path)):
        plain, (cold, warm), links, project = _books(root)
        assert cold == plain and warm == plain
        assert links.misses == 0 and links.hits == len({p.text for p in project.passages})


def test_a_changed_glossary_name_is_not_linked_from_the_cache(project_copy):
    root = project_copy()
    _books(root)
    glossary = root / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("aliases: [the dam]", "aliases: []"), encoding="utf-8")
    plain, (cold, warm), links, _ = _books(root)
    assert cold == plain and warm == plain
    assert not any(part.text == "the dam" for chapter in plain.chapters for group in chapter.groups
                   for passage in group.passages for part in passage.parts if not isinstance(part, str))


def test_cached_linker_keeps_the_same_record_of_uses_as_a_linker(project_copy):
    from book.glossary import Linker

    root = project_copy()
    terms = load(root).glossary
    passages = ["See [the Joint Water Commission's page](https://example.org/jwc).",
                "The dam & the Kessa; *the dam* again, and Qessa.", "Nothing to link here."]
    for _ in range(2):  # cold, then from the saved cache
        links = link_cache(root)
        plain, cached = Linker(terms), CachedLinker(terms, links)
        for linker in (plain, cached):
            for chapter in ("one", "two"):
                linker.start_chapter(chapter)
                for number, text in enumerate(passages, 1):
                    linker.passage(text, f"{chapter}-{number}")
        assert [plain.passage(t, "x") for t in passages] == [cached.passage(t, "x") for t in passages]
        assert (cached.seen_in, cached.linked_in, cached.counts) == (plain.seen_in, plain.linked_in, plain.counts)
        assert "water-commission" in plain.seen_in and "water-commission" not in plain.linked_in
        links.save()
    assert links.hits == len(passages)



EARLY = """---
title: Before the filling
outlet: Harbour Gazette
date: 2021-03-01
---
Farmers said the flow was low before the filling began.

Negotiators prepared for talks in private.
"""
MENTIONS = """---
title: Engineers speak
outlet: South Wire
date: 2021-02-27
---
Engineers at the Upper Kessa Dam said the Qessa was already low before any talks.

The Joint Water Commission met in private; the dam was not on its agenda.
"""


def _rendered(book, root):
    """The web page and every chapter's print HTML, as a build renders them."""
    from book.render import html, web_page
    from book.render.pdf import PrintBuild

    run = PrintBuild(book, root)
    return [web_page(book)] + [html.render("print/part.html", part="chapter", chapter=chapter, **run.context(html.Links("pdf")))
                               for chapter in book.chapters]


def test_html_kept_per_article_group_is_the_html_rendered_afresh(project_copy, tmp_path):
    from book.pipeline import prepare, rendering
    from book.render import html

    root = project_copy()
    _, book = prepare(root)
    with rendering(root):
        _rendered(book, root)
    # the first source of its chapters, naming no glossary term: only the notes after it change
    (root / "corpus" / "gazette-2021-03-01-before.md").write_text(EARLY, encoding="utf-8")
    _, book = prepare(root)
    groups = [group for chapter in book.chapters for group in chapter.groups]
    new = [group for group in groups if group.article_id == "gazette-2021-03-01-before"]
    assert len(new) == 2 and all(group.note_number == 1 for group in new)
    with rendering(root):
        warm = _rendered(book, root)
        kept = html.kept_groups.cache
        assert (kept.misses, kept.hits) == (2 * len(new), 2 * (len(groups) - len(new)))  # renumbered ones kept
    assert warm == _rendered(book, root)  # rendered afresh, nothing kept
    assert all(f">{group.note_number}.</a>" in warm[0] for group in groups)
    # a source that takes the first mention of terms from groups after it, and an edited one
    (root / "corpus" / "southwire-2021-02-27-engineers.md").write_text(MENTIONS, encoding="utf-8")
    letter = root / "corpus" / "undated-letter.md"
    letter.write_text(letter.read_text(encoding="utf-8") + "\nThe Kessa Commission crossing is closed.\n", encoding="utf-8")
    cold_root = tmp_path / "cold"
    shutil.copytree(root, cold_root, ignore=shutil.ignore_patterns("dist"))
    warm_page = build(root, formats=("html",))[0].read_bytes()
    assert warm_page == build(cold_root, formats=("html",), cache=False)[0].read_bytes()
