"""book add: digests in several house styles, saved and hostile pages, URLs, Markdown, encodings, no overwrites."""

from __future__ import annotations

import http.server
import io
import re
import shutil
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from book.cli import main
from tests.factories import pull_quote_of
from book.errors import IngestError
from book.ingest import add_sources, sources
from book.ingest.write import _check, article_text
from book.ingest.markdown_text import body_markdown, plain_text
from book.ingest.records import Source
from book.ingest.text import parse_digest
from book.project import load

FIXTURES = Path(__file__).parent / "ingest"
SEEDS = Path(__file__).resolve().parent / "ingest" / "seeds"  # copies of ../shared/seeds
OUTLETS = """\
# Who publishes what (the editor's notes stay)
Harbour Gazette:
  country: Northland   # a made-up country
  kind: daily newspaper
  perspective: Northland press
"""
BOOK = "title: Test book\nlanguage: en\n"


def project(tmp_path: Path) -> Path:
    """A small real book project with an outlets file and an empty corpus."""
    root = tmp_path / "book"
    (root / "corpus").mkdir(parents=True)
    (root / "book.yaml").write_text(BOOK, encoding="utf-8")
    (root / "corpus" / "outlets.yaml").write_text(OUTLETS, encoding="utf-8")
    return root


def add(root: Path, *names: str | Path, dry_run: bool = False, allow_private: bool = False) -> tuple[list, str]:
    console = Console(file=io.StringIO(), width=200, record=True)
    planned = add_sources(root, tuple(str(name) for name in names), dry_run=dry_run, console=console,
                          allow_private=allow_private)
    return planned, console.export_text()


def articles(root: Path) -> dict[str, tuple[dict, str]]:
    """Every corpus article as (front matter, body) read back through the project loader."""
    loaded = load(root)
    return {article.id: (article.meta.model_dump(), article.body) for article in loaded.articles}


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def by_title(root: Path) -> dict[str, tuple[dict, str]]:
    return {meta["title"]: (meta, body) for meta, body in articles(root).values()}


# --- the seeds --------------------------------------------------------------------------------------

def test_seeds_give_ten_articles_eight_dated_and_readding_changes_nothing(tmp_path):
    root = project(tmp_path)
    seeds = sorted(SEEDS.glob("*.txt"))
    assert len(seeds) == 2
    planned, report = add(root, *seeds)
    found = articles(root)
    assert len(found) == 10
    assert sum(meta["date"] is not None for meta, _ in found.values()) == 8
    every_body = "\n".join(body for _, body in found.values())
    for furniture in ("gtag", "\nSave\n", "\nShare\n", "21:02", "10:41", "05:33", "SOURCE: ARMENIAN", "CIVILNET.AM",
                      "An Armenian serviceman fires a cannon", "YEREVAN, NOVEMBER", "TBILISI (Reuters)"):
        assert furniture not in every_body, furniture
    titles = by_title(root)
    declaration = titles["Declaration on ending war cannot be considered comprehensive settlement of NK conflict – FM"][0]
    assert (declaration["outlet"], str(declaration["date"]), declaration["dateline"]) == ("Armenpress", "2020-11-12", "YEREVAN")
    reuters = titles["Nagorno-Karabakh Says Its Two Largest Cities Under Fierce Attack"][0]
    assert (reuters["outlet"], reuters["author"], reuters["dateline"]) == ("Reuters", "Margarita Antidze", "TBILISI")
    madrid_meta, madrid_body = titles["Madrid Principles are Blueprint—and Carte Blanche—for Baku’s Aggression"]
    assert (madrid_meta["outlet"], madrid_meta["author"], str(madrid_meta["date"])) == (None, "Ara Khachatourian", "2020-10-29")
    assert "Minks" not in madrid_body and "\n- Artsakh was supposed to relinquish" in madrid_body
    turkish = titles["TURKISH press: Turkish business delegation to visit Baku"][0]
    assert (turkish["outlet"], turkish["date"]) == (None, None)
    jns_meta, jns_body = titles["How the Armenian-Azerbaijani conflict could impact Israel’s regional strategic landscape"]
    assert jns_meta["outlet"] == "Jewish News Syndicate" and jns_meta["author"] == "Sean Savage"
    assert jns_meta["standfirst"].startswith("Many Iranian Azeris") and "wh0 estimates" in jns_body
    assert "Reuters" in report and "no outlet" in report
    before = snapshot(root)
    planned, report = add(root, *seeds)
    assert {item.status for item in planned} == {"already in corpus"}
    assert snapshot(root) == before


# --- digests in house styles written for these tests -------------------------------------------------

def test_newsletter_style_masthead_published_label_caps_byline_and_dash_dateline(tmp_path):
    root = project(tmp_path)
    add(root, FIXTURES / "digest_newsletter.txt")
    titles = by_title(root)
    assert set(titles) == {"Upstream villages count the cost of a dry spring", "Ferry crossing closed as river falls"}
    meta, body = titles["Upstream villages count the cost of a dry spring"]
    assert (str(meta["date"]), meta["author"], meta["dateline"], meta["outlet"]) == ("2025-04-28", "Mira Olsen", "PORT HALE", None)
    assert body.startswith("Farmers in the upper valley") and "Advertisement" not in body and "Share" not in body
    meta, body = titles["Ferry crossing closed as river falls"]
    assert (meta["outlet"], meta["dateline"], meta["author"]) == ("South Wire", "KESSA CITY", "Tomas Reyes")
    passages = load(root).article(next(i for i, (m, _) in articles(root).items() if m["title"] == meta["title"])).passages
    rendered = [plain_text(passage.text) for passage in passages]
    assert rendered[1:3] == ["1. The operator said the closure was temporary.", "# Passengers were told to use the bridge upstream."]


def test_bulletin_style_year_comes_from_the_digest_only_when_it_agrees(tmp_path):
    root = project(tmp_path)
    add(root, FIXTURES / "digest_bulletin.txt", FIXTURES / "digest_conflicting_years.txt")
    titles = by_title(root)
    meta, body = titles["Commission agrees to meet again on river flows"]
    assert (meta["outlet"], str(meta["date"]), meta["dateline"]) == ("Harbourpress", "2025-05-03", "RIVERTON")
    assert body.startswith("The Joint Water Commission agreed") and "09:15" not in body
    assert str(titles["Monitoring stations to be installed along the Qessa"][0]["date"]) == "2025-05-02"
    gazette = titles["Dam operator defends filling schedule"][0]
    assert (gazette["outlet"], gazette["author"], str(gazette["date"])) == ("Harbour Gazette", "Anna Berg", "2025-05-03")
    talks = titles["Talks resume on the river treaty"][0]
    assert talks["date"] is None  # 2024 and 2025 both appear: no guess
    assert len([t for t in titles if "report on the treaty" in t]) == 2


def test_magazine_style_label_confirmed_by_site_caption_credit_list_and_wrapped_lines(tmp_path):
    root = project(tmp_path)
    _, report = add(root, FIXTURES / "digest_magazine.txt")
    (meta, body), = articles(root).values()
    assert meta["title"] == "Who owns a river? Two banks, one treaty"
    assert (meta["outlet"], str(meta["date"]), meta["author"]) == ("Southwire", "2021-03-12", "Jane Roe and Li Wei")
    assert meta["standfirst"] == "A treaty written in 1961 is being read in very different ways on each bank."
    for dropped in ("SOUTHWIRE.EXAMPLE", "old ferry landing", "Photo:", "The old dam, 1970s.", "©"):
        assert dropped not in body, dropped
    assert "runs to eleven pages. Both governments quote it, and each reads it as proof" in body
    assert "\n- each bank may take water for drinking and farming;\n- neither bank" in body
    assert "dropped photo caption" in report


# --- HTML pages and URLs ----------------------------------------------------------------------------

UNSAFE = re.compile(r"<script|<iframe|<object|<embed|<svg|onerror|onload|onclick|javascript:|file:|https?://|src=|href=", re.I)


def test_saved_page_keeps_metadata_and_only_text(tmp_path):
    root = project(tmp_path)
    add(root, FIXTURES / "page_article.html")
    (meta, body), = articles(root).values()
    assert meta["title"] == "Dam operator publishes flow figures"
    assert (meta["outlet"], meta["author"], str(meta["date"])) == ("Harbour Gazette", "Anna Berg", "2025-05-06")
    assert meta["url"] == "https://gazette.example/2025/05/06/dam-flow-figures"
    assert meta["provenance"] == "page_article.html"
    assert body.startswith("The company that runs the Upper Kessa Dam")
    assert "- Releases in March: 41 cubic metres a second." in body
    assert "Home" not in body and "Share this article" not in body


def test_hostile_page_leaves_no_markup_or_references(tmp_path):
    root = project(tmp_path)
    _, report = add(root, FIXTURES / "page_hostile.html")
    (article_id, (meta, body)), = articles(root).items()
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(body)
    assert not UNSAFE.search(body) and not UNSAFE.search(rendered), body
    assert "<" not in rendered.replace("<p>", "").replace("</p>", "")
    text = plain_text(body)
    assert "detailed table and a map of the gauges" in text
    assert "every morning at eight until the rains return" in text  # text after <object>/<embed>/<svg> survives
    assert "lowest reading since it was installed" in text
    assert meta["outlet"] == "South Wire" and meta["date"] is None and meta["url"] is None
    assert "new outlet 'South Wire'" in report


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/missing":
            self.send_error(404)
            return
        body = b"x" * 5000 if self.path == "/big" else (FIXTURES / "page_article.html").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client hung up on /slow and /big on purpose


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_url_is_fetched_and_stored_with_its_canonical_address(tmp_path, server):
    root = project(tmp_path)
    add(root, f"{server}/news/dam", allow_private=True)  # the test server is on 127.0.0.1
    (meta, body), = articles(root).values()
    assert meta["url"] == "https://gazette.example/2025/05/06/dam-flow-figures"
    assert meta["provenance"] == f"{server}/news/dam"
    assert "published its daily flow figures" in body


def test_url_timeout_size_limit_and_errors_write_nothing(tmp_path, server, monkeypatch):
    root = project(tmp_path)
    before = snapshot(root)
    monkeypatch.setattr(sources, "TIMEOUT", 0.3)
    monkeypatch.setattr(sources, "MAX_BYTES", 1000)
    for path, message in (("/slow", "cannot fetch"), ("/big", "more than"), ("/missing", "404")):
        with pytest.raises(IngestError, match=message):
            add(root, f"{server}{path}", allow_private=True)
    with pytest.raises(IngestError, match="only http"):
        add(root, "file:///etc/passwd")
    assert snapshot(root) == before


# --- Markdown, encodings, bad files -------------------------------------------------------------------

def test_markdown_with_front_matter_is_validated_and_stored_as_written(tmp_path):
    root = project(tmp_path)
    add(root, FIXTURES / "article_written.md")
    (article_id, (meta, body)), = articles(root).items()
    assert article_id == "2025-05-07-letter-ferry-captain"
    assert (meta["author"], meta["dateline"], meta["provenance"]) == ("Piet Lund", "PORT HALE", "article_written.md")
    written = (FIXTURES / "article_written.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    assert body.strip() == written.strip()


def test_invalid_markdown_is_refused_with_lines(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    with pytest.raises(IngestError) as caught:
        add(root, FIXTURES / "article_broken.md")
    messages = [str(d) for d in caught.value.diagnostics]
    assert any(":3: error: date:" in m for m in messages) and any(":4: error: unknown key 'colour'" in m for m in messages)
    assert snapshot(root) == before


def test_cp1252_is_read_with_a_warning_and_keeps_accents(tmp_path):
    root = project(tmp_path)
    _, report = add(root, FIXTURES / "digest_cp1252.txt")
    (meta, body), = articles(root).values()
    assert meta["title"] == "Café owners on the river front fear a dry summer" and meta["author"] == "Zoë Varga"
    assert "The café by the old landing" in body and "stopped, its owner said – and" in body
    assert "digest_cp1252.txt:1: warning: not UTF-8: read as Windows-1252" in report


@pytest.mark.parametrize("name, message", [("empty.txt", "empty"), ("blank.txt", "empty"),
                                           ("image.png", "binary"), ("binary.txt", "binary"), ("nothing-here.txt", "no such file")])
def test_empty_binary_and_missing_files_are_refused_and_nothing_is_written(tmp_path, name, message):
    root = project(tmp_path)
    before = snapshot(root)
    with pytest.raises(IngestError, match=message):
        add(root, FIXTURES / "digest_newsletter.txt", FIXTURES / name)  # the good file is not written either
    assert snapshot(root) == before


def test_cli_reports_a_bad_file_without_traceback(tmp_path):
    root = project(tmp_path)
    result = CliRunner().invoke(main, ["add", "--project", str(root), str(FIXTURES / "image.png")])
    assert result.exit_code == 1
    assert "cannot add: " in result.output and "binary" in result.output and "Traceback" not in result.output


# --- never lose an editor's work --------------------------------------------------------------------

def test_edited_files_survive_and_ids_stay_unique(tmp_path):
    root = project(tmp_path)
    planned, _ = add(root, FIXTURES / "digest_bulletin.txt")
    first = root / "corpus" / f"{planned[0].article_id}.md"
    edited = first.read_text(encoding="utf-8").replace("author: null", "author: Lena Ward")
    first.write_text(edited, encoding="utf-8")
    planned, report = add(root, FIXTURES / "digest_bulletin.txt")
    assert [item.status for item in planned] == ["already in corpus"] * 3
    assert first.read_text(encoding="utf-8") == edited
    assert "0 articles" in report and "3 already in the corpus" in report
    # same id, different text: a new id, the old file untouched
    twin = (FIXTURES / "digest_bulletin.txt").read_text(encoding="utf-8").replace("every hour", "every half hour")
    (tmp_path / "twin.txt").write_text(twin, encoding="utf-8")
    planned, _ = add(root, tmp_path / "twin.txt")
    new = [item for item in planned if item.status == "added"]
    assert len(new) == 1 and new[0].article_id.endswith("-2")
    assert first.read_text(encoding="utf-8") == edited
    ids = [path.stem for path in (root / "corpus").glob("*.md")]
    assert len(ids) == len(set(ids)) == 4 and all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_dry_run_writes_nothing(tmp_path):
    root = project(tmp_path)
    before = snapshot(root)
    planned, report = add(root, FIXTURES / "digest_bulletin.txt", FIXTURES / "page_hostile.html", dry_run=True)
    assert len(planned) == 4 and {item.status for item in planned} == {"would add (dry run)"}
    assert snapshot(root) == before
    assert "dry run" in report


def test_new_outlets_are_appended_keeping_entries_and_comments(tmp_path):
    root = project(tmp_path)
    _, report = add(root, FIXTURES / "digest_bulletin.txt")
    text = (root / "corpus" / "outlets.yaml").read_text(encoding="utf-8")
    assert text.startswith(OUTLETS)  # the editor's entries and comments, byte for byte
    assert "Harbourpress:" in text and text.count("Harbour Gazette:") == 1
    loaded = load(root)
    assert loaded.outlets["Harbourpress"].country is None
    assert loaded.outlets["Harbour Gazette"].kind == "daily newspaper"
    assert "new outlet 'Harbourpress'" in report and "fill them in" in report
    assert any("outlet 'Harbourpress' has no country" in str(w) for w in loaded.warnings)


def test_repository_corpus_is_valid(tmp_path):
    """The committed corpus (ten seed articles) loads without errors in a project of its own."""
    root = project(tmp_path)
    shutil.rmtree(root / "corpus")
    shutil.copytree(Path(__file__).resolve().parents[1] / "corpus", root / "corpus")
    loaded = load(root)
    assert len(loaded.articles) == 10
    assert sum(article.meta.date is not None for article in loaded.articles) == 8
    assert all(outlet.country and outlet.kind and outlet.perspective for outlet in loaded.outlets.values())


# --- properties -------------------------------------------------------------------------------------

LINES = st.one_of(
    st.text(st.characters(blacklist_characters="\x00"), max_size=80),  # files with NUL bytes are refused as binary
    st.sampled_from(["Save", "Share", " 21:02,", "Advertisement", "!-- Google tag (gtag.js) -->", "Nov 6 2020",
                     "3 May 2025", "Published: 28 April 2025", "By Jane Roe", "BY ANA LI", "SOURCE: PRESS SERVICE",
                     "KYIV — The city woke up.", "YEREVAN, NOVEMBER 12, ARMENPRESS. Text here.", "  • an item",
                     "- a dash", "1. one", "# hash", "[a](file:///x)", "<script>x</script>", "Label: A Headline Here",
                     "example.org", "Short headline line", "", "", ""]),
)


BULLETS = {"•", "-", "*", "+", "●", "▪", "◦", "‣", "∙"}


def _words(text: str) -> Counter:
    return Counter(word for word in text.split() if word not in BULLETS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=40).map("\n".join))
def test_ingest_never_crashes_and_only_keeps_source_words(text):
    source = Source("arbitrary.txt", text, "text", "arbitrary.txt")
    records = parse_digest(source)
    stored = Counter()
    for record in records:
        markdown = body_markdown(record.blocks)
        stored += _words(plain_text(markdown))
        if record.blocks:
            _check(record, article_text(record))  # a valid corpus file every time
    assert not stored - _words(text)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_*#[]<>&`\\1", min_size=1, max_size=8)
PARAGRAPH = st.lists(WORD, min_size=4, max_size=25).map(lambda words: " ".join(words) + ".")
TITLE = st.lists(st.sampled_from(["River", "Dam", "Talks", "Ferry", "Treaty", "Farmers", "Stall", "Resume", "Again"]),
                 min_size=3, max_size=8).map(" ".join)
HEADER = st.lists(st.sampled_from(["Save", "Share", " 10:41,", "Advertisement", "Nov 6 2020", "By Jane Roe",
                                   "Published: 28 April 2025", "SOURCE: PRESS SERVICE"]), min_size=1, max_size=3, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TITLE, HEADER, st.lists(PARAGRAPH, min_size=1, max_size=5)), min_size=1, max_size=4))
def test_stored_words_are_the_source_words_minus_furniture_and_metadata(articles_spec):
    parts = []
    for title, header, paragraphs in articles_spec:
        parts.append("\n\n".join([title, *header, *paragraphs]))
    source = Source("generated.txt", "\n\n".join(parts) + "\n", "text", "generated.txt")
    records = parse_digest(source)
    assert len(records) == len(articles_spec)
    for record, (title, _, paragraphs) in zip(records, articles_spec):
        assert record.title == title
        # a line starting "* " or "- " is a list item in plain text: only its marker goes;
        # a paragraph whose words recur inside a longer one of the same article is a pull-quote, dropped
        kept = [p for p in paragraphs if not any(pull_quote_of(p, other) for other in paragraphs)]
        assert list(_words(plain_text(body_markdown(record.blocks))).elements()) == list(_words(" ".join(kept)).elements())


# --- markup at the start of a digest paragraph -------------------------------------------------------

MARKUP_DIGEST = """\
River talks resume after the dry spring

Nov 6 2020

By Jane Roe

The commission met on Tuesday in the old customs house.

<script>The army said it had taken the hill overnight.

<div>Farmers in the upper valley said the decision came too late.

<span>The ferry operator said the crossing would reopen</span> next week.

<!-- a note --> Officials will meet again in May.

<!-- Google tag (gtag.js) -->

!-- gtag('config', 'G-XXXX');

<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXX"></script>

<script>window.dataLayer = window.dataLayer || [];</script>

<div class="advert">

The talks will resume on Friday.
"""


def test_a_paragraph_that_opens_with_a_tag_keeps_its_words_and_stray_markup_is_dropped(tmp_path):
    """`<div>Text` used to match the stray-markup rule (a tag, then anything) and vanish; now only markup-only lines go."""
    root = project(tmp_path)
    (tmp_path / "markup.txt").write_text(MARKUP_DIGEST, encoding="utf-8")
    add(root, tmp_path / "markup.txt")
    (article_id, (meta, body)), = articles(root).items()
    assert meta["title"] == "River talks resume after the dry spring"
    rendered = [plain_text(passage.text) for passage in load(root).article(article_id).passages]
    assert rendered == [
        "The commission met on Tuesday in the old customs house.",
        "<script>The army said it had taken the hill overnight.",
        "<div>Farmers in the upper valley said the decision came too late.",
        "<span>The ferry operator said the crossing would reopen</span> next week.",
        "<!-- a note --> Officials will meet again in May.",
        "The talks will resume on Friday.",
    ]
    assert "\\<script>The army said" in body and "\\<div>Farmers" in body  # escaped, so shown as text, never as HTML
    for furniture in ("gtag", "dataLayer", "advert", "Google tag"):
        assert furniture not in body, furniture


# --- the HTML machinery is imported only for HTML ------------------------------------------------------

_WITHOUT = """\
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # importing it now raises ImportError, as if it were not installed
from book.cli import main
try:
    main(["add", "--project", sys.argv[2], sys.argv[3]], standalone_mode=False)
except SystemExit as exit:
    print("exit", exit.code)
print("loaded:", sorted(name for name, module in sys.modules.items()
                        if module is not None and name.split(".")[0] in ("trafilatura", "lxml", "justext", "htmldate", "courlan")))
"""


@pytest.mark.parametrize("missing", ["lxml_html_clean", "trafilatura"])
def test_a_text_digest_is_added_without_the_html_machinery(tmp_path, missing):
    """An install without lxml_html_clean (old pips skip jusText's html_clean extra) still adds text digests."""
    import os
    import subprocess
    import sys

    root = project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = [sys.executable, "-c", _WITHOUT, missing, str(root)]
    result = subprocess.run([*run, str(FIXTURES / "digest_bulletin.txt")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "added 3 articles" in result.stdout and "loaded: []" in result.stdout
    assert len(list((root / "corpus").glob("*.md"))) == 3
    result = subprocess.run([*run, str(FIXTURES / "page_article.html")], capture_output=True, text=True, env=env, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr and "exit 1" in result.stdout
    assert "page_article.html: reading HTML needs trafilatura and lxml_html_clean, which cannot be imported" in result.stderr


def test_share_buttons_after_a_short_article_do_not_swallow_the_next_headline(tmp_path):
    """Found by tests/test_ingest_fuzz.py: the header of the first article ran on through 'Share' into the next one,
    whose headline was dropped as a caption, and a one-paragraph article became a standfirst with no body."""
    root = project(tmp_path)
    (tmp_path / "briefs.txt").write_text(
        "River talks resume again\n\nNov 6 2020\n\nThe commission met on Tuesday and agreed.\n\nShare\n\n"
        "Ferry crossing closed as river falls\n\nNov 7 2020\n\nThe operator said the crossing would stay closed.\n\n"
        "Dam Dam Dam\n\nNov 8 2020\n\nThe first brief.\n\nDam Dam Dam\n\nSave\n\nA later line\n\nThe second brief.\n",
        encoding="utf-8")
    add(root, tmp_path / "briefs.txt")
    found = {meta["title"]: (str(meta["date"]), meta["standfirst"], plain_text(body)) for meta, body in articles(root).values()}
    assert found["River talks resume again"] == ("2020-11-06", None, "The commission met on Tuesday and agreed.")
    assert found["Ferry crossing closed as river falls"] == ("2020-11-07", None, "The operator said the crossing would stay closed.")
    briefs = sorted(plain_text(body) for meta, body in articles(root).values() if meta["title"] == "Dam Dam Dam")
    assert briefs == ["A later line The second brief.", "The first brief."]  # a repeated title opens a new article


# --- saved pages: metadata as published, wrappers, line breaks ------------------------------------

def test_a_page_wrapped_in_a_form_and_a_layout_table_keeps_its_published_metadata_and_line_breaks(tmp_path):
    root = project(tmp_path)
    _, report = add(root, FIXTURES / "page_wrapped.html")
    (meta, body), = articles(root).values()
    # JSON-LD (the publisher's structured data) wins over the meta author "Ap Auto Writer"; organisations are no authors
    assert (meta["title"], meta["outlet"], str(meta["date"]), meta["author"]) == (
        "Ferry service resumes after floods", "USA Today", "2021-04-02", "Jane Roe and Li Wei")
    assert "title from JSON-LD headline" in report and "outlet from JSON-LD publisher" in report
    assert "date from JSON-LD datePublished" in report and "author from JSON-LD author" in report
    assert "Timetable for the first week:\\\nMonday 7:00 to 19:00\\\nTuesday 7:00 to 19:00\\\n" in body
    assert body.startswith("The ferry between the two banks")  # the headline and the 'Home' link row are not text
    for gone in ("Read more", "Follow Jane Roe", "evil", "VIEWSTATE", "Subscribe", "alert"):
        assert gone not in body, gone
    assert "page furniture dropped: 'Home'; 'Read more: Floods close the Kessa cross…'; 'Follow Jane Roe on Twitter @janeroe'" \
        in " ".join(report.split())
    passages = load(root).articles[0].passages
    assert [p.text.split("\n")[0] for p in passages][2] == "Timetable for the first week:\\"


def test_person_names_only_and_outlets_as_readers_write_them():
    from book.ingest.bylines import person_names
    from book.ingest.outlets import outlet_name
    assert person_names("By Jane Roe and Li Wei") == ["Jane Roe", "Li Wei"]
    assert person_names("JANE ROE, LI WEI") == ["Jane Roe", "Li Wei"]
    for junk in ("Ap Auto Writer", "is a reporter", "jane.roe@example.com", "https://www.facebook.com/janeroe",
                 "Associated Press", "Staff", "USA TODAY", "Reuters Staff"):
        assert person_names(junk) == [], junk
    # bylines as pages print them: the name ends where a role, a handle or a date begins
    assert person_names("Andrea Stone Senior Washington Correspondent") == ["Andrea Stone"]
    assert person_names("Par LILIAN ALEMAGNA, LAURE BRETTON Envoyés spéciaux à Toulouse") == [
        "Lilian Alemagna", "Laure Bretton"]
    assert person_names("By Bryan Walsh Tuesday, Aug. 17, 2010") == ["Bryan Walsh"]
    assert person_names("By: Marguerite Reardon") == ["Marguerite Reardon"]
    assert person_names("By JORDAN ROBERTSON and RACHEL METZ - AP Technology Writers") == ["Jordan Robertson", "Rachel Metz"]
    assert person_names("By Griffin McElroy @griffinmcelroy on June 26, 2014") == ["Griffin McElroy"]
    assert person_names("World's Editorial Writers") == []
    assert [outlet_name(name) for name in ("USA TODAY", "THE HILL", "CBS NEWS", "BBC", "The Guardian",
                                           "Le Monde | Actualités")] == [
        "USA Today", "The Hill", "CBS News", "BBC", "The Guardian", "Le Monde"]
