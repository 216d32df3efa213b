"""Reduce a saved news page for tests/pages/: scripts (but JSON-LD), styles, comments, SVG, frames and inline styles go.

What stays is what an extractor reads: the document's text and markup, meta tags and JSON-LD.
Usage: python bench/pages.py SOURCE.html DEST.html
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import lxml.html
from lxml import etree

DROP = ("style", "noscript", "svg", "iframe", "link", "template", "canvas", "video", "audio", "picture", "source")


def reduce(html: bytes) -> bytes:
    """The page (UTF-8 out) without what no extractor needs; JSON-LD scripts are kept."""
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:  # the charset the page declares, else Windows-1252
        declared = re.search(rb"charset=[\"']?([\w-]+)", html[:5000])
        html = html.decode(declared[1].decode() if declared else "cp1252", "replace").encode("utf-8")
    tree = lxml.html.document_fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
    for element in list(tree.iter(etree.Comment)):
        element.drop_tree() if element.getparent() is not None else None
    for element in list(tree.iter("script")):
        if (element.get("type") or "").strip().lower() != "application/ld+json" and element.getparent() is not None:
            element.drop_tree()
    for element in list(tree.iter(*DROP)):
        if element.getparent() is not None:
            element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str):
            for attribute in [name for name in element.attrib if name in ("style", "srcset", "sizes") or name.startswith("data-")]:
                del element.attrib[attribute]
    return lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")


if __name__ == "__main__":
    Path(sys.argv[2]).write_bytes(reduce(Path(sys.argv[1]).read_bytes()))
