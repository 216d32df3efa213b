"""Saved web pages and fetched URLs through trafilatura: main text as plain blocks, metadata from the page."""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from book.errors import IngestError
from book.ingest import language
from book.ingest import lines as L
from book.ingest.dates import parse_iso
from book.ingest.records import Block, Record, Source

# Elements whose content is never article text; some (object, embed) also derail extraction of what follows.
_UNSAFE = ("script", "style", "iframe", "frame", "frameset", "object", "applet", "svg", "math",
           "noscript", "template", "canvas", "audio", "video", "form", "button", "select", "textarea")
# Void elements that libxml2 wrongly lets enclose what follows them: removed, their "content" kept.
_VOID = ("embed", "param", "source", "track", "wbr", "keygen")


def parse_page(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """One article from an HTML page; markup, scripts, links and images are left behind."""
    document = trafilatura.bare_extraction(
        _defused(source),
        url=source.name if source.name.startswith(("http://", "https://")) else None,
        with_metadata=True, include_links=False, include_images=False, include_comments=False,
        include_tables=True, include_formatting=False, favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        raise IngestError(f"{source.display}: no article text found in this page; nothing added")
    title = _text(document.title)
    blocks = _blocks(document.body)
    author = _text(document.author)
    if blocks and not blocks[0].is_list and title and L.key(blocks[0].text) == L.key(title):
        blocks.pop(0)  # the page's own headline
    if blocks and not blocks[0].is_list and L.byline(blocks[0].text):
        author = author or L.byline(blocks[0].text)
        blocks.pop(0)
    if not blocks:
        raise IngestError(f"{source.display}: no article text found in this page; nothing added")
    record = Record(
        title=title or _untitled(source),
        provenance=source.name,
        outlet=_outlet(_text(document.sitename), known_outlets),
        date=parse_iso(document.date),
        author=author,
        url=_url(document.url) or (source.name if source.name.startswith(("http://", "https://")) else None),
        blocks=blocks,
    )
    page_language = language.declared(source.text)
    if page_language:
        record.language = page_language
        record.language_note = f"language {page_language} as the page declares it (<html lang>)"
    if not title:
        record.notes.append("no title in the page: the title is the file name; edit it")
    return [record]


def _defused(source: Source):
    """The page without the elements that can never hold article text."""
    try:
        tree = lxml.html.document_fromstring(source.text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as error:
        raise IngestError(f"{source.display}: not an HTML page ({error}); nothing added") from error
    for element in list(tree.iter(*_VOID)):
        if element.getparent() is not None:
            element.drop_tag()
    for element in list(tree.iter(*_UNSAFE)):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element
    return tree


def _blocks(body) -> list[Block]:
    """Paragraphs and lists of trafilatura's body tree, as plain text."""
    blocks: list[Block] = []
    for element in body:
        if element.tag == "list":
            items = tuple(" ".join(" ".join(item.itertext()).split()) for item in element.iter("item"))
            items = tuple(item for item in items if item)
            if items:
                blocks.append(Block(items=items))
        elif element.tag == "table":
            for row in element.iter("row"):
                text = " ".join(" ".join(row.itertext()).split())
                if text:
                    blocks.append(Block(text))
        else:
            text = " ".join(" ".join(element.itertext()).split())
            if text and not L.is_furniture(text):
                blocks.append(Block(text))
    return blocks


def _text(value) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _url(value: str | None) -> str | None:
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _outlet(sitename: str | None, known: tuple[str, ...]) -> str | None:
    if not sitename:
        return None
    for existing in known:
        if L.key(existing) == L.key(sitename):
            return existing
    return sitename


def _untitled(source: Source) -> str:
    return source.name.rsplit("/", 1)[-1] or source.name
