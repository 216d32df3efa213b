"""The timeline: timeline.yaml checked with path:line, printed in every output with links both ways that resolve
(PDF named destinations, EPUB files and ids, the web page's ids); without it, the sources by publication date."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree, html

from book.cli import main
from tests.epubtools import XHTML, epubcheck, squash
from tests.pdftools import destinations_and_links, page_text

STEM = "the-kessa-valley-dispute-edition-1"
FILLING = "gazette-2021-03-02-dam-filling"
TALKS = "southwire-2021-03-05-talks"
TIMELINE = f"""# Events in the editors' words, each with the passages that report it.
- date: 2021-03-08
  event: The Joint Water Commission meets on releases from the dam
  reports: [{TALKS}:1]
- date: 2021-03-01
  event: Engineers begin filling the *Upper Kessa Dam*
  reports:
    - {FILLING}:1
    - passage: {TALKS}:1
      date: 2021-02-28
      account: Mentions the filling only as background to the talks
"""


def run(project: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("timeline") / "minimal"
    import shutil

    shutil.copytree(Path(__file__).parent / "projects" / "minimal", root)
    (root / "timeline.yaml").write_text(TIMELINE, encoding="utf-8")
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    return root


def test_timeline_references_are_checked_with_their_line(project_copy):
    root = project_copy("minimal")
    (root / "timeline.yaml").write_text(
        f"- date: 2021-03-01\n  event: Filling begins\n  reports:\n    - nowhere:1\n"
        f"    - passage: {TALKS}:9\n      date: 2021-02-28\n"
        f"- date: 1 March\n  event: Something\n  reports: [{FILLING}:1]\n"
        f"- date: 2021-03-02\n  event: Something else\n  reports: [{FILLING}]\n", encoding="utf-8")
    result = run(root, "check")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "timeline.yaml:4: error: reports: no article 'nowhere' in corpus/" in lines
    assert f"timeline.yaml:5: error: reports: '{TALKS}:9': article '{TALKS}' has passages 1 to 2" in lines
    assert "timeline.yaml:7: error: date: '1 March' is not an ISO date (YYYY-MM-DD)" in lines
    assert any(line.startswith(f"timeline.yaml:12: error: reports: '{FILLING}' names an article") for line in lines)
    assert "Traceback" not in result.output


def test_pdf_timeline_links_reach_the_passages_and_back(built):
    pdf = built / "dist" / f"{STEM}.pdf"
    destination, links = destinations_and_links(pdf)
    timeline_page = destination["timeline"]
    timeline = page_text(pdf, timeline_page)
    # in date order, the editor's words, the source that differs with its own date and account
    assert timeline.index("1 March 2021 Engineers begin filling the Upper Kessa Dam") < timeline.index(
        "8 March 2021 The Joint Water Commission meets")
    assert "Gives the date as 28 February 2021. Mentions the filling only as background to the talks" in timeline
    for anchor, words in ((f"{FILLING}-1", "Engineers began filling the Upper Kessa Dam on Monday"),
                          (f"{TALKS}-1", "The Joint Water Commission will meet next week")):
        assert (timeline_page, anchor) in links  # timeline → passage
        assert words in page_text(pdf, destination[anchor])
        assert "Timeline: 1 March 2021" in page_text(pdf, destination[anchor])
    assert (destination[f"{TALKS}-1"], "event-2021-03-01-1") in links  # passage → event
    assert (destination[f"{TALKS}-1"], "event-2021-03-08-1") in links
    assert destination["event-2021-03-01-1"] == timeline_page


def test_epub_timeline_links_resolve_and_epubcheck_passes(built):
    epub = built / "dist" / f"{STEM}.epub"
    with zipfile.ZipFile(epub) as archive:
        documents = {name.rsplit("/", 1)[-1]: etree.fromstring(archive.read(name))
                     for name in archive.namelist() if name.endswith(".xhtml")}
    ids = {name: set(doc.xpath("//@id")) for name, doc in documents.items()}
    timeline = documents["timeline.xhtml"]
    hrefs = timeline.xpath("//x:ol[@class='events']//x:a/@href", namespaces={"x": XHTML})
    assert sorted(hrefs) == sorted([f"chapter-water-rights.xhtml#{FILLING}-1", f"chapter-talks.xhtml#{TALKS}-1",
                                    f"chapter-talks.xhtml#{TALKS}-1"])
    back = [href for doc in documents.values() for href in doc.xpath("//x:p[@class='passage-events']/x:a/@href",
                                                                      namespaces={"x": XHTML})]
    assert set(back) == {"timeline.xhtml#event-2021-03-01-1", "timeline.xhtml#event-2021-03-08-1"}
    for href in hrefs + back:
        name, _, anchor = href.partition("#")
        assert anchor in ids[name], href
    nav = squash("".join(documents["nav.xhtml"].itertext()))
    assert "Timeline" in nav
    result = epubcheck(epub)
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), "\n".join(result.messages)
    assert [m for m in result.messages if " CSS-028 " not in m] == []  # fonts embedded on purpose


def test_web_page_has_the_timeline(built):
    page = html.parse(str(built / "dist" / f"{STEM}.html")).getroot()
    events = page.get_element_by_id("timeline").xpath(".//li[@class='event']")
    assert [event.get("id") for event in events] == ["event-2021-03-01-1", "event-2021-03-08-1"]
    for href in page.get_element_by_id("timeline").xpath(".//ol//a/@href"):
        assert page.get_element_by_id(href[1:]) is not None


def test_without_timeline_yaml_the_timeline_lists_the_sources_by_date(project_copy):
    root = project_copy("minimal")
    assert run(root, "build", "--epub").exit_code == 0
    with zipfile.ZipFile(root / "dist" / f"{STEM}.epub") as archive:
        name = next(n for n in archive.namelist() if n.endswith("timeline.xhtml"))
        text = squash("".join(etree.fromstring(archive.read(name)).itertext()))
    assert "The sources of this book in the order they were published" in text
    assert "1 source gives no date and is not listed." in text
    assert text.index("2 March 2021 Dam filling begins despite protests downstream") < text.index(
        "5 March 2021 Talks on river flow to resume next week")
    assert "A letter from a ferry captain" not in text
