"""WeasyPrint 70's PDF/UA tagging, patched while a part of the print edition is written, and restored after.

WeasyPrint is pinned (pdf.check_weasyprint): each patch wraps a function of that version.
"""

from __future__ import annotations

import contextlib

import pydyf
from weasyprint.pdf import tags as weasyprint_tags


@contextlib.contextmanager
def page_references_once():
    """pydyf's `PDF.page_references`, built once per page count instead of at every call.

    WeasyPrint 70's PDF/UA tagging asks for it for every tagged box, and pydyf rebuilds the
    tuple of all page references each time: time grows with boxes × pages, a quarter of
    the write of a 1,000-page book. Pages are only ever appended, so the tuple is kept
    while the page count stays the same. The same bytes; the property is restored after.
    """
    original = pydyf.PDF.page_references

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        cached = pdf.__dict__.get("_book_page_references")
        if cached is None or cached[0] != len(kids):
            cached = pdf.__dict__["_book_page_references"] = (len(kids), original.fget(pdf))
        return cached[1]

    pydyf.PDF.page_references = property(page_references)
    try:
        yield
    finally:
        pydyf.PDF.page_references = original


@contextlib.contextmanager
def languages_tagged():
    """Each structure element of an HTML element with a `lang` attribute carries it as /Lang (PDF 1.7, 14.9.2).

    WeasyPrint 70 writes the document's language only; a passage quoted in another language than the book's
    must say so to a screen reader. Its tag builder (pinned with WeasyPrint, see `check_weasyprint`) is
    wrapped while a part is written, and restored after.
    """
    original = weasyprint_tags._build_box_tree

    def build_box_tree(box, parent, pdf, *args):
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and getattr(box, "element_tag", None) not in ("html", "body") else None
        for child in original(box, parent, pdf, *args):
            if lang and child.get("P") == parent.reference and "Lang" not in child:
                child["Lang"] = pydyf.String(lang)
            yield child

    weasyprint_tags._build_box_tree = build_box_tree
    try:
        yield
    finally:
        weasyprint_tags._build_box_tree = original
