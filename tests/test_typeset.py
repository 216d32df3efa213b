"""book/render/typeset.py: spans for hyphenation a copy editor accepts, the words unchanged."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

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
    assert "<title>Armenia-Azerbaijan</title>" in out and "p { color: red }" in out
    assert '<span class="cite-url">https://example.org/Some-Long-Path/Article</span>' in out
    assert "&amp;" in typeset("<p>Tom &amp; Jerry</p>")  # entities are left alone


@given(st.text(alphabet=st.characters(blacklist_characters="<>&"), max_size=80))
def test_text_is_never_changed(text):
    source = f"<body><p>{text}</p></body>"
    assert text_of(typeset(source)) == text_of(source)
