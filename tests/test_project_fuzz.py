"""Properties over project files: whatever a file holds, `load` gives a project or located problems, never a traceback.

Each example writes real files into a copy of tests/projects/minimal and loads it with the
real loader (as `book check` does): a corpus article, a chapter and book.yaml made of
generated YAML, Markdown and bytes. When the project loads, every passage is the source's
own words.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.errors import ProjectError
from book.plaintext import plain_text as passage_text
from book.project import load

PROJECTS = Path(__file__).parent / "projects"
EXAMPLES = int(os.environ.get("BOOK_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

WORDS = st.text(alphabet=st.sampled_from("abcxyzÇçĞğİıŞşƏəԱաԲբЖжЯя-'.,:;!?*_#<>[]()`&\\ \"\t{}|%@!"), min_size=0, max_size=12)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=True), WORDS,
                    st.sampled_from(["2020-11-10", "2020-13-45", "10 Nov 2020", "null", "~", "&a x", "*a", "!!omap [a: 1]",
                                     "!!python/object/apply:os.system [x]", "[" * 50, "{a: [b, {c: d}]}", "|\n  block", "'"]))
KEYS = st.sampled_from(["title", "outlet", "date", "author", "dateline", "url", "standfirst", "provenance", "match",
                        "questions", "include", "exclude", "language", "editors", "page_size", "chapters", "min_score", "x"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)


def _yaml_line(key: str, value) -> str:
    if isinstance(value, str):
        return f"{key}: {value}"
    import json

    return f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}"


FRONT = st.lists(st.tuples(KEYS, VALUES), max_size=6).map(lambda pairs: "\n".join(_yaml_line(k, v) for k, v in pairs))
BODY = st.lists(st.lists(WORDS, min_size=1, max_size=8).map(" ".join), max_size=5).map("\n\n".join)
FILE = st.one_of(
    st.tuples(FRONT, BODY).map(lambda parts: f"---\n{parts[0]}\n---\n{parts[1]}\n"),
    st.tuples(FRONT, BODY).map(lambda parts: f"---\n{parts[0]}\n{parts[1]}\n"),  # front matter not closed
    st.text(max_size=200),
    st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
)


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(PROJECTS / "minimal", root)
    return root


def _load(root: Path):
    """The project, or None when it has problems: any other exception fails the property."""
    try:
        return load(root)
    except ProjectError as error:
        assert all(d.path and d.line >= 0 and d.message for d in error.diagnostics)
        return None


@SETTINGS
@given(article=FILE)
def test_any_corpus_file_loads_or_is_located_and_keeps_its_words(tmp_path, article):
    root = _project(tmp_path)
    (root / "corpus" / "generated.md").write_text(article, encoding="utf-8", errors="surrogatepass")
    project = _load(root)
    if project is None:
        return
    generated = [a for a in project.articles if a.id == "generated"]
    for passage in generated[0].passages if generated else ():
        for word in passage_text(passage.text).split():
            assert word.strip("\\") in article.replace("\\", "") or not word.strip("\\")


@SETTINGS
@given(chapter=FILE, config=FRONT)
def test_any_chapter_and_book_yaml_load_or_are_located(tmp_path, chapter, config):
    root = _project(tmp_path)
    (root / "chapters" / "03-generated.md").write_text(chapter, encoding="utf-8", errors="surrogatepass")
    (root / "book.yaml").write_text(config + "\n", encoding="utf-8", errors="surrogatepass")
    _load(root)
