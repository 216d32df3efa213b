"""Properties of `book add` over generated digests and raw bytes: never a traceback, never a changed word.

Each example is a real run of the command (`book add --project <tmp> digest.txt`) into a fresh book project,
read back through the project loader; what a reader sees of a passage is `plain_text`, the project's one
Markdown → text function.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.cli import main
from book.errors import IngestError
from book.ingest import lines as L
from book.ingest.markdown_text import plain_text
from book.ingest.sources import decode
from book.project import load
from tests.factories import pull_quote_of

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
TURKISH = "çğıöşüÇĞİÖŞÜəƏ"
CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
ARMENIAN = "ԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖաբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆև"
MARKUP = "*_<>&`\\[]#()!~|-=+:;'\"“”’/"  # what Markdown (or YAML) would read as markup
LETTERS = LATIN + TURKISH + CYRILLIC + ARMENIAN

WORD = st.one_of(
    st.text(LETTERS, min_size=1, max_size=10),
    st.text(LETTERS + MARKUP + "0123456789", min_size=1, max_size=8),
    st.sampled_from(["<div>", "<span>", "<script>", "</p>", "<!--", "-->", "[a](file:///x)", "![i](http://x/i.png)",
                     "&amp;", "&#60;", "`code`", "**bold**", "_it_", "1.", "#", "\\", "http://example.org", "—", "…"]),
)
OPENER = st.sampled_from(["The", "Officials", "Residents", "Жители", "Власти", "Հայաստանի", "Երևանում", "Türkiye'nin",
                          "İstanbul'da", "Şehir", "Ərazidə", "Farmers", "A"])  # starts a sentence, never a byline or a label
PARAGRAPH = st.tuples(OPENER, st.lists(WORD, min_size=3, max_size=20)).map(lambda p: " ".join([p[0], *p[1]]) + ".")
TITLE_WORD = st.sampled_from(["River", "Talks", "Resume", "Ceasefire", "Переговоры", "Возобновились", "Բանակցությունները",
                              "Շարունակվում", "Görüşmeler", "Başladı", "Dam", "Again", "Ferry", "Ərazi"])
TITLE = st.lists(TITLE_WORD, min_size=3, max_size=8).map(" ".join)
HEADER_LINE = st.sampled_from(["Nov 6 2020", "3 May 2025", "Published: 28 April 2025", "October 29,  2020",
                               "By Jane Roe", "BY ANA LI", "Save", "Share", " 21:02,", "Advertisement",
                               "!-- Google tag (gtag.js) -->", "<script>gtag('js', new Date());</script>",
                               "CIVILNET.AM", "SOURCE: PRESS SERVICE", "Harbour Gazette"])
DATELINE = st.sampled_from(["", "", "KYIV — ", "YEREVAN, NOVEMBER 12, ARMENPRESS. ", "TBILISI (Reuters) - "])
ARTICLE = st.tuples(TITLE, st.lists(HEADER_LINE, min_size=1, max_size=3, unique=True), DATELINE,
                    st.lists(PARAGRAPH, min_size=1, max_size=5))
EXAMPLES = int(os.environ.get("BOOK_FUZZ_EXAMPLES", "400"))  # per property; set it higher for a longer hunt
ODD_LINE = st.one_of(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=60),
                     HEADER_LINE, PARAGRAPH, TITLE, st.just(""))


def _run(data: bytes) -> tuple[int, str, list]:
    """`book add` of `data` as a digest into a fresh project: (exit code, output, articles read back)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "book"
        root.mkdir()
        (root / "book.yaml").write_text("title: T\n", encoding="utf-8")
        (Path(tmp) / "digest.txt").write_bytes(data)
        result = CliRunner().invoke(main, ["add", "--project", str(root), str(Path(tmp) / "digest.txt")])
        assert "Traceback" not in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1), result.output
        if result.exit_code == 1:
            assert "cannot add: " in result.output and "nothing added" in result.output, result.output
            assert not (root / "corpus").exists() or not list((root / "corpus").glob("*.md"))  # nothing half-written
            return 1, result.output, []
        project = load(root)  # every corpus file is valid
        return 0, result.output, [(article.meta, [plain_text(p.text) for p in article.passages]) for article in project.articles]


def _words(text: str) -> Counter:
    return Counter(word for word in text.split() if word not in {"•", "-", "*", "+"})


def _stored_words(found: list) -> Counter:
    stored = Counter()
    for meta, passages in found:
        stored += _words(" ".join(passages))
    return stored


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ARTICLE, min_size=1, max_size=4))
def test_every_paragraph_of_a_generated_digest_is_kept_word_for_word(spec):
    parts = []
    for title, header, dateline, paragraphs in spec:
        parts.append("\n\n".join([title, *header, dateline + paragraphs[0], *paragraphs[1:]]))
    text = "\n\n".join(parts) + "\n"
    code, output, found = _run(text.encode("utf-8"))
    assert code == 0, output
    seen = {" ".join(unit.split()) for meta, passages in found for unit in (*passages, meta.title, meta.standfirst or "")}
    for _, _, dateline, paragraphs in spec:
        for number, paragraph in enumerate(paragraphs):
            source = dateline + paragraph if number == 0 else paragraph
            expected = {" ".join(source.split())}
            found_dateline = L.dateline(source)
            if found_dateline:  # moved into the front matter; the rest of the paragraph stays as written
                expected.add(" ".join(source[found_dateline.length:].split()))
            if any(pull_quote_of(text, other) for text in expected for other in (dateline + paragraphs[0], *paragraphs[1:])):
                continue  # repeated inside a longer paragraph of the article: a pull-quote, dropped and reported
            assert expected & seen, (source, seen)
    assert not _stored_words(found) - _words(text)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ODD_LINE, max_size=30).map("\n".join))
def test_any_text_is_added_or_refused_cleanly_and_no_word_is_invented(text):
    code, output, found = _run(text.encode("utf-8"))
    # a text that is an HTML document is read as a page: its words are those between the tags ('<HTML\n>0' holds '0')
    assert not _stored_words(found) - (_words(text) | _words(re.sub(r"<[^>]*>", " ", text)))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400),
                 st.lists(ODD_LINE, max_size=12).map(lambda lines: "\n".join(lines).encode("cp1252", "replace")),
                 st.tuples(st.lists(ODD_LINE, max_size=8).map("\n".join), st.binary(max_size=8)).map(
                     lambda p: p[0].encode("utf-8") + p[1])))
def test_any_bytes_are_added_or_refused_cleanly_and_no_word_is_invented(data):
    code, output, found = _run(data)
    if code == 0:
        try:
            text = decode(data, "digest.txt", [])
        except IngestError as error:  # pragma: no cover - the command read it, so this cannot refuse it
            raise AssertionError(f"decoded by book add, refused here: {error}") from error
        assert not _stored_words(found) - _words(text)
