"""The web edition (dist/<book>-edition-<n>/), built through `book build` and read back: its files and anchors,
then in headless chromium over HTTP on 127.0.0.1: search, glossary pop-ups, links to mentions, accessibility."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from book.cli import main
from tests.webtools import chromium, in_viewport, serious_violations, static_server

PROJECTS = Path(__file__).parent / "projects"
STEM = "the-orun-lake-quarrel-edition-1"


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def parse(path: Path) -> _Ids:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The glossary test book (a contested name: Port Vell / Vellhaven) built in all formats; its dist/ folder."""
    root = tmp_path_factory.mktemp("web") / "glossary"
    shutil.copytree(PROJECTS / "glossary", root)
    result = CliRunner().invoke(main, ["build", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert f"wrote {root / 'dist' / STEM}" in result.output.splitlines()
    return root / "dist"


@pytest.fixture(scope="module")
def site(built):
    with static_server(built / STEM) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    context.close()
    assert errors == []  # no script error, no missing file


def test_the_site_has_a_page_for_each_chapter_and_section_and_the_same_anchors_as_the_book(built):
    site = built / STEM
    names = sorted(path.name for path in site.iterdir())
    assert names == ["chapter-borders.html", "chapter-water.html", "glossary.html",
                     "index.html", "pagefind", "search.html", "sources.html", "static", f"{STEM}.epub", f"{STEM}.pdf", "timeline.html",
                     "whats-new.html"]
    assert (site / f"{STEM}.pdf").read_bytes() == (built / f"{STEM}.pdf").read_bytes()
    assert (site / f"{STEM}.epub").read_bytes() == (built / f"{STEM}.epub").read_bytes()
    pages = {path.name: parse(path) for path in site.glob("*.html")}
    # Every anchor of the one-page edition (the same as the PDF's and the EPUB's) is on exactly one page of the site.
    single = set(parse(built / f"{STEM}.html").ids)
    placed = [anchor for parsed in pages.values() for anchor in parsed.ids]
    for anchor in single:
        assert placed.count(anchor) == 1, anchor
    assert {"term-port-vell", "chapter-borders", "source-letter-fisher", "east-2022-05-01-border-2",
            "borders--east-2022-05-01-border"} <= single
    # Every link inside the site leads to a page that exists and an anchor on it.
    for name, parsed in pages.items():
        for href in parsed.hrefs:
            if re.match(r"https?:", href):
                continue
            target, _, anchor = href.partition("#")
            target = target or name
            assert (site / target).exists(), (name, href)
            if anchor:
                assert anchor in pages[target].ids, (name, href)
    # Without JavaScript a term is a plain link to its glossary entry; the downloads are offered on the start page.
    chapter = (site / "chapter-borders.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="term" id="[^"]+" href="glossary.html#term-port-vell">Port Vell</a>', chapter)
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{STEM}.pdf" download>Print edition (PDF)</a>' in index
    assert f'<a href="{STEM}.epub" download>E-book (EPUB 3)</a>' in index
    assert "Whose reporting this book quotes" in index
    assert "Whose reporting this chapter quotes" in chapter  # the balance table
    assert re.search(r'<aside class="note" id="note-borders--east-2022-05-01-border">', chapter)  # the citation note
    # The pages load nothing from elsewhere (a source's own links stay links): no script, style or image of another host.
    for path in [*site.glob("*.html"), *site.glob("static/*"), site / "pagefind" / "pagefind.js"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""(?:\bsrc\s*=\s*["']?|<link[^>]+href\s*=\s*["']?)(?:https?:)?//""", text), path
        assert not re.search(r"""import\s*\(\s*["']https?:""", text), path


def test_a_word_of_a_passage_is_found_and_opens_the_passage(page, site):
    page.goto(site + "index.html")
    page.fill("#site-search-q", "Vellhaven")
    page.press("#site-search-q", "Enter")
    results = page.locator(".search-results li a")
    results.first.wait_for()
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert "chapter-water.html#west-2022-05-03-quotas-1" in hrefs, hrefs
    assert page.locator(".search-status").inner_text().endswith("found for “Vellhaven”.")
    page.locator('.search-results a[href="chapter-water.html#west-2022-05-03-quotas-1"]').click()
    page.wait_for_url("**/chapter-water.html#west-2022-05-03-quotas-1")
    passage = "#west-2022-05-03-quotas-1"
    assert "officials in Vellhaven said" in page.inner_text(passage)
    assert in_viewport(page, passage)
    assert page.evaluate("document.querySelector(':target').id") == "west-2022-05-03-quotas-1"


def test_a_glossary_popup_shows_a_contested_name_with_who_uses_it(page, site):
    page.goto(site + "chapter-borders.html")
    term = page.locator('a.term[href="glossary.html#term-port-vell"]').first
    term.click()
    popup = page.get_by_role("dialog", name="Glossary entry: Port Vell")
    popup.wait_for()
    text = popup.inner_text()
    assert "Port Vell (used by Eastland sources)" in text and "Vellhaven (used by Westland sources)" in text
    assert "Harbour town on the eastern shore of Lake Orun." in text
    assert page.url.endswith("chapter-borders.html")  # opened in place: the page did not move to the glossary
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert page.evaluate("document.activeElement.getAttribute('href')") == "glossary.html#term-port-vell"


def test_a_link_from_the_glossary_lands_on_the_mention(page, site):
    page.goto(site + "glossary.html")
    link = page.locator("#term-port-vell + dd .uses a").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"chapter-borders\.html#[\w-]+", href), href
    link.click()
    page.wait_for_url("**/" + href)
    anchor = href.split("#")[1]
    assert page.inner_text(f"#{anchor}") in ("Port Vell", "Vellhaven")
    assert in_viewport(page, f"#{anchor}")


@pytest.mark.parametrize("name", ["index.html", "chapter-borders.html", "chapter-water.html", "glossary.html",
                                  "sources.html", "whats-new.html", "timeline.html", "search.html?q=harbour"])
def test_no_serious_or_critical_accessibility_violation(page, site, name):
    page.goto(site + name)
    if name.startswith("search"):
        page.locator(".search-results li").first.wait_for()
    assert serious_violations(page) == []


def test_phone_width_and_print(browser, site):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    for name in ("index.html", "chapter-borders.html", "glossary.html", "sources.html"):
        page.goto(site + name)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.emulate_media(media="print")
    assert page.locator(".site-header").is_hidden() and page.locator("#chapter-borders").count() == 0
    page.goto(site + "chapter-borders.html")
    assert page.locator(".site-header").is_hidden() and page.locator("#chapter-borders").is_visible()
    context.close()


def test_when_the_search_index_fails_nothing_of_the_build_is_committed(project_copy, monkeypatch):
    import pagefind_bin

    root = project_copy("glossary")
    assert CliRunner().invoke(main, ["build", "--html", "--project", str(root)]).exit_code == 0
    before = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "dist").rglob("*"))
              if p.is_file() and ".cache" not in p.parts}
    (root / "chapters" / "01-borders.md").write_text(
        (root / "chapters" / "01-borders.md").read_text(encoding="utf-8").replace("Where the line runs", "Where it runs"),
        encoding="utf-8")
    monkeypatch.setattr(pagefind_bin, "get_executable", lambda: Path("/bin/false"))
    result = CliRunner().invoke(main, ["build", "--html", "--epub", "--project", str(root)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot build: Pagefind could not index the web edition" in result.output
    after = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "dist").rglob("*"))
             if p.is_file() and ".cache" not in p.parts}
    assert after == before  # the old site, page and no EPUB: as before the build
