"""Real saved news pages (tests/pages/): each is read without refusal, authors are person names; the manifest is complete.

The accuracy figures against bare trafilatura are measured by bench/extraction.py, not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from book.ingest import html
from book.ingest.sources import read_file

PAGES = Path(__file__).parent / "pages"
MANIFEST = json.loads((PAGES / "manifest.json").read_text(encoding="utf-8"))["pages"]


def test_the_manifest_says_where_each_page_came_from_and_what_it_should_give():
    assert len(MANIFEST) >= 40
    assert len({re.sub(r"\W+", "", page["outlet"][0].casefold()) for page in MANIFEST if page["outlet"]}) >= 20
    for page in MANIFEST:
        assert (PAGES / page["page"]).is_file() and (PAGES / page["body"]).is_file(), page["page"]
        assert page["origin"] and page["licence"] and "outlet" in page, page["page"]
    on_disk = {path.name for path in PAGES.glob("*.html")}
    assert on_disk == {page["page"] for page in MANIFEST}


@pytest.mark.parametrize("page", MANIFEST, ids=[page["page"] for page in MANIFEST])
def test_each_real_page_gives_an_article_with_clean_authors(page):
    path = PAGES / page["page"]
    record, = html.parse_page(read_file(path, path.name, []))
    assert record.blocks and record.title
    for name in re.split(r",| and ", record.author or ""):
        assert not re.search(r"@|https?:|www\.|\d", name), (page["page"], record.author)
    assert not any(block.text.startswith(("<script", "{\"@context")) for block in record.blocks)
