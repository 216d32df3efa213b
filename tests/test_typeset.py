"""book/render/typeset.py: spans for hyphenation a copy editor accepts, the words unchanged."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import pytest
import weasyprint

from book.render import typeset as typeset_module
from book.render.linebreak import whole_lines
from book.render.typeset import typeset


def text_of(html: str) -> str:
    return re.sub(r"<[^>]*>", "", html)


def test_names_compounds_and_short_last_words_are_wrapped_urls_and_head_are_not():
    source = ('<html><head><title>Armenia-Azerbaijan</title><style>p { color: red }</style></head><body>'
              '<p>Fighting near Stepanakert in Nagorno-Karabakh. Armenia said so at the end of it.</p>'
              '<span class="cite-url">https://example.org/Some-Long-Path/Article</span></body></html>')
    out = typeset(source)
    assert text_of(out) == text_of(source)
    assert '<span class="nohy">Stepanakert</span>' in out
    assert '<span class="nobr">Nagorno-Karabakh</span>' in out
    assert '<span class="nohy">Armenia</span>' not in out  # opens a sentence: an ordinary word
    assert '<span class="nobr">of it.</span></p>' in out
    assert typeset("<p>Which claims are made by others?</p>") == '<p>Which claims are made by <span class="nohy">others</span>?</p>'
    assert "<title>Armenia-Azerbaijan</title>" in out and "p { color: red }" in out
    assert '<span class="cite-url">https://example.org/Some-Long-Path/Article</span>' in out
    assert "&amp;" in typeset("<p>Tom &amp; Jerry</p>")  # entities are left alone


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=80))
def test_text_is_never_changed(text):
    source = f"<body><p>{text}</p></body>"
    assert text_of(typeset(source)) == text_of(source)


PARAGRAPHS = (
    "This edition quotes 135 passages from 10 sources, each word for word; spelling and wording are the sources’ own.",
    "The perspective given for each outlet is the editors’ description of it. The outlets quoted are based in Armenia "
    "(4 sources), India (1), Turkey (1), United Kingdom (1) and United States (3).",
)


@pytest.mark.parametrize("text", PARAGRAPHS, ids=("short-last-word", "name-at-line-end"))
def test_a_paragraph_never_opens_with_one_word_alone(tmp_path, text):
    """Laid out as the print edition lays out, in the book's serif, at every width around the one that went wrong.

    Without `linebreak.whole_lines`, WeasyPrint 70 set "This" / "The" alone on the first line of these paragraphs (About the sources, edition 3,
    182 mm here) when a span (both last words, or a name) just missed the end of a line the text before it filled.
    """
    font = (Path(typeset_module.__file__).parent / "fonts" / "NotoSerif-Regular.ttf").as_uri()
    for width in range(170, 200):
        css = (f"@font-face {{ font-family: Test; src: url({font}) }} @page {{ size: {width}mm 60mm; margin: 5mm }}"
               "p { text-align: justify; hyphens: auto; font: 10pt Test } .nobr { white-space: nowrap; hyphens: manual }"
               ".nohy { hyphens: manual }")
        pdf = tmp_path / f"{width}.pdf"
        with whole_lines():
            document = weasyprint.HTML(string=typeset(f"<html lang='en'><style>{css}</style><body><p>{text}</p></body></html>"))
            document.write_pdf(pdf)
        lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.strip().splitlines()
        assert " ".join(lines) == text, (width, lines)  # every word once, in order (no hyphenation at these widths)
        assert all(len(line.split()) > 1 for line in lines), (width, lines)  # no word alone on a line: not the first,
        # and not a short last word
