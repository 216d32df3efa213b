"""Citations in the style a school asks for: book.yaml's citation_style formats the list of sources (and, with
citation_style_notes, each footnote) through pandoc's CSL processor; read back from the EPUB and the PDF and
compared with entries written by hand from the APA and MLA manuals."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from book.cli import main
from tests.epubtools import XHTML, squash

STEM = "the-kessa-valley-dispute-edition-1"
APA = {  # APA 7, newspaper articles: author, (date), title, *outlet*, URL; no author: the title moves first; no date: (n.d.)
    "source-gazette-2021-03-02-dam-filling": "Olsen, M. (2021, March 2). Dam filling begins despite protests downstream. Harbour Gazette.",
    "source-southwire-2021-03-05-talks": "Talks on river flow to resume next week. (2021, March 5). South Wire. https://example.org/south-wire/talks",
    "source-undated-letter": "A letter from a ferry captain. (n.d.).",
}
MLA_GAZETTE = "Olsen, Mira. “Dam Filling Begins Despite Protests Downstream.” Harbour Gazette, 2 Mar. 2021."


def run(project: Path, *args: str):
    result = CliRunner().invoke(main, [*args, "--project", str(project)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def styled(project: Path, style: str, notes: bool = False) -> Path:
    config = project / "book.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"citation_style: {style}\n"
                      + ("citation_style_notes: true\n" if notes else ""), encoding="utf-8")
    result = run(project, "build", "--pdf", "--epub")
    assert result.exit_code == 0 and "warning" not in result.output, result.output
    return project / "dist"


def sources_list(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("sources.xhtml"))
        document = etree.fromstring(archive.read(name))
    return {li.get("id"): li.find(f".//{{{XHTML}}}span[@class='cite-styled']") for li in document.iter(f"{{{XHTML}}}li")}


def test_apa_entries_match_the_manual_including_an_undated_source(project_copy):
    dist = styled(project_copy("minimal"), "apa")
    entries = sources_list(dist / f"{STEM}.epub")
    assert {anchor: squash("".join(span.itertext())) for anchor, span in entries.items()} == APA
    italic = {anchor: [squash("".join(em.itertext())) for em in span.iter(f"{{{XHTML}}}em")] for anchor, span in entries.items()}
    assert italic == {"source-gazette-2021-03-02-dam-filling": ["Harbour Gazette"],
                      "source-southwire-2021-03-05-talks": ["South Wire"],
                      "source-undated-letter": ["A letter from a ferry captain"]}
    text = squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(dist / f"{STEM}.pdf"), "-"], capture_output=True,
                                 text=True, check=True).stdout)
    for entry in APA.values():
        assert entry in text
    assert "perspective: Northland press" in text  # the outlet's perspective stays beside its sources


def test_mla_and_footnotes_in_the_style_keep_the_perspective(project_copy):
    dist = styled(project_copy("minimal"), "mla", notes=True)
    assert squash("".join(sources_list(dist / f"{STEM}.epub")["source-gazette-2021-03-02-dam-filling"].itertext())) == MLA_GAZETTE
    text = squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(dist / f"{STEM}.pdf"), "-"], capture_output=True,
                                 text=True, check=True).stdout)
    assert f"1. {MLA_GAZETTE} (perspective: Northland press)" in text  # the chapter's first footnote


def test_an_unknown_style_is_located(project_copy):
    project = project_copy("minimal")
    config = project / "book.yaml"
    lines = config.read_text(encoding="utf-8").count("\n")
    config.write_text(config.read_text(encoding="utf-8") + "citation_style: house-style-of-nobody\n", encoding="utf-8")
    result = run(project, "check")
    assert result.exit_code == 1
    assert f"book.yaml:{lines + 1}: error: citation_style: no CSL style 'house-style-of-nobody'" in result.output
