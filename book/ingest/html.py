"""Saved web pages and fetched URLs through trafilatura: main text as plain blocks, metadata from the page."""

from __future__ import annotations

import lxml.html
import trafilatura
from lxml import etree

from book.errors import IngestError
from book.ingest import language
from book.ingest import lines as L
from book.ingest.dates import parse_iso
from book.ingest.bylines import barred_byline, person_names
from book.ingest.outlets import choose_outlet, outlet_name
from book.ingest.page_meta import PageMeta, clean_title, read_meta
from book.ingest.records import Block, Record, Source
from book.ingest.structure import fingerprint, sort_blocks

# Elements whose content is never article text; some (object, embed) also derail extraction of what follows.
_UNSAFE = ("script", "style", "iframe", "frame", "frameset", "object", "applet", "svg", "math",
           "noscript", "template", "canvas", "audio", "video", "button", "select", "textarea", "input")
# Void elements that libxml2 wrongly lets enclose what follows them, and wrappers that may hold a whole page
# (ASP.NET wraps every page in one <form>): removed, their content kept.
_VOID = ("embed", "param", "source", "track", "wbr", "keygen", "form")


def parse_page(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """One article from an HTML page; markup, scripts, links and images are left behind.

    The page's own metadata (JSON-LD, Open Graph, meta tags) is read from the raw page first; trafilatura's
    findings fill what it does not say.
    """
    tree = _parsed(source)
    published = read_meta(tree, source.name if source.name.startswith(("http://", "https://")) else None)
    document = trafilatura.bare_extraction(
        _defused(tree),
        url=source.name if source.name.startswith(("http://", "https://")) else None,
        with_metadata=True, include_links=False, include_images=False, include_comments=False,
        include_tables=True, include_formatting=False, favor_precision=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or document.body is None:
        raise IngestError(f"{source.display}: no article text found in this page; nothing added")
    notes: list[str] = []
    title = _chosen(published, "title", _text(document.title), notes)
    dropped: list[str] = []
    blocks = _blocks(document.body, dropped)
    # trafilatura's author guess is not used: on the 61 saved pages of tests/pages it named someone only where the
    # page's own bylines name no one, and there it was a byline of another story (a teaser's).
    names = _chosen(published, "authors", None, notes)
    if blocks and not blocks[0].is_list and title and L.key(blocks[0].text) == L.key(title):
        blocks.pop(0)  # the page's own headline
    if blocks and not blocks[0].is_list and (L.byline(blocks[0].text) or barred_byline(blocks[0].text)):
        if not names:
            names = person_names(L.byline(blocks[0].text)) or barred_byline(blocks[0].text)
            notes.append("author from the byline")
        blocks.pop(0)
    if not blocks:
        raise IngestError(f"{source.display}: no article text found in this page; nothing added")
    sitename, outlet_notes = choose_outlet(published, _text(document.sitename), title)
    notes.extend(outlet_notes)
    names = [name for name in names or [] if not _names_site(name, sitename, published.site)]
    if title:
        cleaned = clean_title(title, published, sitename, names)
        if cleaned != title:
            notes.append(f"title '{title}' cut to the headline")
            title = cleaned
    day = _chosen(published, "date", parse_iso(document.date), notes)
    record = Record(
        title=title or _untitled(source),
        provenance=source.name,
        outlet=_outlet(sitename, known_outlets),
        date=day,
        author=_joined(names),
        url=_url(document.url) or (source.name if source.name.startswith(("http://", "https://")) else None),
        blocks=blocks,
        fingerprint=fingerprint(source.text.split("\n")),
        notes=notes,
    )
    page_language = language.declared(source.text)
    if page_language:
        record.language = page_language
        record.language_note = f"language {page_language} as the page declares it (<html lang>)"
    if dropped:
        record.notes.append("page furniture dropped: " + "; ".join(f"'{text}'" for text in dropped))
    sort_blocks(record)
    if not title:
        record.notes.append("no title in the page: the title is the file name; edit it")
    return [record]


def _parsed(source: Source):
    """The raw page as a tree (nothing in it is run or fetched)."""
    try:
        return lxml.html.document_fromstring(source.text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as error:
        raise IngestError(f"{source.display}: not an HTML page ({error}); nothing added") from error


def _chosen(published: PageMeta, key: str, extracted, notes: list[str]):
    """The publisher's own value if the page states one, else trafilatura's; the report says which was used."""
    found = getattr(published, key)
    label = {"authors": "author"}.get(key, key)
    if found is not None:
        if extracted and extracted != found.value:
            notes.append(f"{label} from {found.source} (trafilatura read '{_shown(extracted)}')")
        else:
            notes.append(f"{label} from {found.source}")
        return found.value
    if extracted:
        notes.append(f"{label} from trafilatura's reading of the page")
    return extracted


def _shown(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _names_site(name: str, outlet: str | None, site: str) -> bool:
    """An 'author' that is the outlet or its address ('Elmundo Es', 'Ediciones El País')."""
    squashed = L.key(name).replace(" ", "")
    return any(part and len(part) >= 3 and part in squashed for part in (L.key(outlet or "").replace(" ", ""), site))


def _joined(names: list[str] | None) -> str | None:
    """'A', 'A and B', 'A, B and C'."""
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _defused(tree):
    """The page without the elements that can never hold article text."""
    for element in list(tree.iter(*_VOID)):
        if element.getparent() is not None:
            element.drop_tag()
    for element in list(tree.iter(*_UNSAFE)):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the text that follows the element
    _wrap_loose_text(tree)
    for element in list(tree.iter(*_INLINE)):
        # An empty inline element ('<span id="byLine"></span>Some traders found …') is removed by trafilatura
        # with the text that follows it when its name looks like furniture: unwrapped, the text stays.
        if element.getparent() is not None and len(element) == 0 and not (element.text or "").strip():
            element.drop_tag()
    return tree


_BLOCKS = {"p", "div", "ul", "ol", "table", "blockquote", "figure", "section", "article", "aside", "header", "footer",
           "nav", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre", "dl"}
LOOSE_WORDS = 8  # loose text this long beside paragraphs is a paragraph


def _wrap_loose_text(tree) -> None:
    """Text written between an article's blocks rather than in a <p> becomes a paragraph (trafilatura would drop it)."""
    # Yahoo's first paragraph follows a sidebar's </div> as bare text.
    for parent in list(tree.iter(*_BLOCKS - {"p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "pre"})):
        children = list(parent)
        if not any(child.tag == "p" for child in children):
            continue
        if children[0].tag in _BLOCKS and len((parent.text or "").split()) >= LOOSE_WORDS:
            paragraph = parent.makeelement("p", {})
            paragraph.text, parent.text = parent.text, None
            parent.insert(0, paragraph)
        for child in children:
            following = child.getnext()
            if (child.tag in _BLOCKS and len((child.tail or "").split()) >= LOOSE_WORDS
                    and (following is None or following.tag in _BLOCKS)):
                paragraph = child.makeelement("p", {})
                paragraph.text, child.tail = child.tail, None
                child.addnext(paragraph)


_INLINE = ("span", "a", "b", "i", "em", "strong", "font", "small", "abbr", "cite", "u", "s", "sup", "sub")
_BLOCK_TAGS = {"p", "head", "list", "table", "quote", "div", "code"}


def _blocks(body, dropped: list[str]) -> list[Block]:
    """Paragraphs and lists of trafilatura's body tree, as plain text; a layout table gives its cells' paragraphs."""
    blocks: list[Block] = []
    if len(body) == 0:  # trafilatura's fallback for a page of bare text gives the text alone, without paragraphs
        for line in (body.text or "").split("\n"):
            if line.strip():
                _keep(blocks, Block(" ".join(line.split())), dropped)
    for element in body:
        if element.tag == "list":
            items = tuple(" ".join(" ".join(item.itertext()).split()) for item in element.iter("item"))
            items = tuple(item for item in items if item)
            if items:
                blocks.append(Block(items=items))
        elif element.tag == "table":
            for row in element.iterchildren("row"):
                if any(child.tag in _BLOCK_TAGS for cell in row for child in cell):
                    for cell in row:  # a page laid out in a table: the cell holds the article's paragraphs
                        lead = " ".join((cell.text or "").split())
                        if lead:
                            _keep(blocks, Block(lead), dropped)
                        blocks.extend(_blocks(cell, dropped))
                    continue
                text = " ".join(" ".join(row.itertext()).split())
                if text:
                    _keep(blocks, Block(text), dropped)
        else:
            lines = [line for line in _lines(element) if line]
            text = " ".join(lines)
            if text:
                heading = element.tag == "head" and len(text.split()) <= 20
                _keep(blocks, Block(text if heading or len(lines) == 1 else "\n".join(lines), heading=heading), dropped)
    return blocks


def _keep(blocks: list[Block], block: Block, dropped: list[str]) -> None:
    """Add `block` unless it is page furniture ('Read more: …', 'Follow … on Twitter'), which is noted instead."""
    if "\n" in block.text:  # a line of furniture at the end of a paragraph's lines (a reporter's e-mail)
        lines = block.text.split("\n")
        kept = [line for line in lines if not L.is_furniture(line)]
        dropped.extend(_short(line) for line in lines if L.is_furniture(line))
        block = Block("\n".join(kept), heading=block.heading) if len(kept) > 1 else Block(" ".join(kept))
    text = " ".join(block.text.split())
    if not text:
        return
    if L.is_furniture(text):
        dropped.append(_short(text))
    else:
        blocks.append(block)


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _lines(element) -> list[str]:
    """The element's text, split where the page breaks the line (<br>, which trafilatura gives as <lb/>)."""
    lines = [""]
    if element.text:
        lines[-1] += element.text
    for child in element.iterdescendants():
        if child.tag == "lb":
            lines.append("")
        elif child.text:
            lines[-1] += child.text
        if child.tail:
            lines[-1] += child.tail
    return [" ".join(line.split()) for line in lines]


def _text(value) -> str | None:
    text = " ".join(str(value).split()) if value else ""
    return text or None


def _url(value: str | None) -> str | None:
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _outlet(sitename: str | None, known: tuple[str, ...]) -> str | None:
    """The outlet as outlets.yaml spells it, else as a reader writes it."""
    if not sitename:
        return None
    for existing in known:
        if L.key(existing) == L.key(sitename) or L.key(existing).replace(" ", "") == L.key(sitename).replace(" ", ""):
            return existing
    return outlet_name(sitename)


def _untitled(source: Source) -> str:
    return source.name.rsplit("/", 1)[-1] or source.name
