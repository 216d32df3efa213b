"""The joined print edition's structure tree made PDF/UA-1: what WeasyPrint 70 does not tag itself (pikepdf).

WeasyPrint 70 writes a structure tree, but (weasyprint/pdf/tags.py):
- margin boxes (running heads, folios) are marked content mapped to elements that are
  not in the tree, where PDF/UA-1 wants artifacts: their marked content becomes
  `/Artifact` (pagination) and leaves the parent tree;
- a footnote area is a `NonStruct` at document level holding the footnotes, away
  from their call: each footnote becomes a `Note` (its marker a `Lbl`, an `/ID`), moved
  next to the link that calls it (the print templates write the call as a link);
- pseudo-elements and anonymous boxes are `NonStruct`: replaced by their children;
- table header cells carry no `/Scope`: `Column` in a table head, `Row` elsewhere;
- link annotations are described by their anchor id: `describe_links` writes words.
Page labels (the printed folios) are written here too.
"""

from __future__ import annotations

import logging
import re

import pikepdf
from pikepdf import Array, Dictionary, Name, String

LOGGER = logging.getLogger("book.render")
HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
NOTE_PREFIX = "note-"  # the id of a footnote in the print templates (parts/group.html)


def describe_links(page: pikepdf.Page, descriptions: tuple[str, ...]) -> None:
    """The page's link annotations get `descriptions` as `/Contents`, in order (WeasyPrint writes them in link order)."""
    links = [annotation for annotation in page.obj.get("/Annots", ()) if annotation.get("/Subtype") == Name.Link]
    for annotation, description in zip(links, descriptions):
        annotation.Contents = String(description)


def page_labels(pdf: pikepdf.Pdf, front_pages: int) -> None:
    """Page labels equal to the printed folios: lower-case roman for the front matter, arabic from 1 after it."""
    nums = Array([0, Dictionary(S=Name.r)]) if front_pages else Array()
    if front_pages < len(pdf.pages):
        nums.extend([front_pages, Dictionary(S=Name.D, St=1)])
    pdf.Root.PageLabels = Dictionary(Nums=nums)


def repair(pdf: pikepdf.Pdf) -> None:
    """Artifacts, notes, no `NonStruct`, header scopes: the structure tree of `pdf` (one part, as WeasyPrint wrote it) made PDF/UA-1.

    The id tree is left to the join, which names every part's ids (pdfjoin).
    """
    root = pdf.Root.StructTreeRoot
    document = root.K[0]
    parent_tree = _parent_tree(root)
    elements = list(_walk(document))  # one walk: the tree's elements before notes move and `NonStruct` goes
    _artifacts(pdf, parent_tree, {element.objgen for element in elements})
    _notes(document, [element for element in elements if element.S == Name.Link and _note_target(element)])
    _flatten(document)
    for element in elements:
        if element.S == Name.TH:
            _scope(element)
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([item for key in sorted(parent_tree) for item in (key, parent_tree[key])])))


def _parent_tree(root) -> dict[int, pikepdf.Object]:
    nums = list(root.ParentTree.Nums)
    return {int(key): value for key, value in zip(nums[::2], nums[1::2])}


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(node) -> bool:
    return isinstance(node, Dictionary) and "/S" in node and node.get("/Type", Name.StructElem) == Name.StructElem


def _walk(element):
    """Every structure element under `element` (itself included), in document order."""
    yield element
    for kid in _kids(element):
        if _is_element(kid):
            yield from _walk(kid)


# Marked content as WeasyPrint 70 writes it in a content stream (`/Span <</MCID 3>> BDC`); its strings are hex
# glyph strings, so neither `<<` nor `/` occurs in them.
_MARKED = re.compile(rb"/[^\s/<>\[\]()%]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")
_PAGINATION = b"/Artifact <</Type /Pagination>> BDC"


def _artifacts(pdf: pikepdf.Pdf, parent_tree: dict, reachable: set) -> None:
    """Marked content whose element is outside the tree (margin boxes) becomes a pagination artifact."""
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in parent_tree:
            continue
        mapping = parent_tree[int(key)]
        orphans = {index for index, element in enumerate(mapping)
                   if isinstance(element, Dictionary) and element.objgen not in reachable}
        if not orphans:
            continue
        contents = page.obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream):  # WeasyPrint's one stream: its marked content rewritten in place
            data = _MARKED.sub(lambda found: _PAGINATION if int(found.group(1)) in orphans else found.group(0), contents.read_bytes())
        else:
            data = _artifacts_parsed(page, orphans)
        page.obj.Contents = pdf.make_stream(data)
        for index in orphans:
            mapping[index] = pikepdf.Object.parse(b"null")


def _artifacts_parsed(page: pikepdf.Page, orphans: set) -> bytes:
    """The page's content with its orphan marked content made artifacts, through pikepdf's parser (several streams)."""
    changed = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, instruction.operator
        if operator == pikepdf.Operator("BDC") and isinstance(operands[1], Dictionary) and int(operands[1].get("/MCID", -1)) in orphans:
            instruction = pikepdf.ContentStreamInstruction([Name.Artifact, Dictionary(Type=Name.Pagination)], operator)
        changed.append(instruction)
    return pikepdf.unparse_content_stream(changed)


def _notes(document, calls: list) -> None:
    """Footnote areas' footnotes as `Note` elements (label, id) placed after the link that calls them (`calls`, in order)."""
    notes = []
    for area in [kid for kid in _kids(document) if _is_element(kid) and kid.S == Name.NonStruct]:
        footnotes = [kid for kid in _kids(area) if _is_element(kid)]
        if not footnotes or any(footnote.S != Name.Span for footnote in footnotes):
            continue  # not a footnote area
        for footnote in footnotes:
            first = next((kid for kid in _kids(footnote) if _is_element(kid)), None)
            if first is not None and first.S == Name.NonStruct:  # the footnote marker: a note begins
                first.S = Name.Lbl
                footnote.S = Name.Note
                notes.append(footnote)
            elif notes:  # the rest of a note continued from the page before
                for kid in _kids(footnote):
                    if _is_element(kid):
                        kid.P = notes[-1]
                    notes[-1].K.append(kid)
                continue
            else:
                footnote.S = Name.Note
                notes.append(footnote)
        _remove(document, area)
    if len(calls) != len(notes):
        LOGGER.debug("%d note calls for %d notes: notes left where the footnote area put them", len(calls), len(notes))
        for number, note in enumerate(notes, 1):
            note.ID = String(f"{NOTE_PREFIX}{number}")
            note.P = document
            document.K.append(note)
        return
    used = set()
    for call, note in zip(calls, notes):
        name = _note_target(call)
        note.ID = String(name if name not in used else f"{name}-{len(used)}")
        used.add(str(note.ID))
        after = call
        while str(after.P.S) in HEADINGS:  # a note is not part of a heading's text: it follows the heading
            after = after.P
        parent = after.P
        kids = _kids(parent)
        index = next(i for i, kid in enumerate(kids) if _is_element(kid) and kid.objgen == after.objgen)
        parent.K = Array(kids[:index + 1] + [note] + kids[index + 1:])
        note.P = parent


def _note_target(link) -> str | None:
    """The footnote id a link calls (its annotation's destination), or None."""
    for kid in _kids(link):
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            dest = kid.Obj.get("/Dest")
            if isinstance(dest, String) and str(dest).startswith(NOTE_PREFIX):
                return str(dest)
    return None


def _remove(parent, element) -> None:
    parent.K = Array([kid for kid in _kids(parent) if not (_is_element(kid) and kid.objgen == element.objgen)])


def _flatten(element) -> None:
    """`NonStruct` elements replaced by their children; elements without content dropped."""
    kept = []
    for kid in _kids(element):
        if not _is_element(kid):
            kept.append(kid)
            continue
        _flatten(kid)
        if not _kids(kid) and kid.S in (Name.Span, Name.NonStruct, Name.Div):
            continue
        if kid.S == Name.NonStruct:
            if any(_is_element(grandchild) for grandchild in _kids(kid)) and all(_is_element(grandchild) for grandchild in _kids(kid)):
                for grandchild in _kids(kid):
                    grandchild.P = element
                    kept.append(grandchild)
                continue
            kid.S = Name.Span  # marked content of its own: an inline span
        kept.append(kid)
    if "/K" in element:
        element.K = Array(kept)


def _scope(header) -> None:
    """A header cell's `/Scope`: its column in a table head, its row elsewhere."""
    row = header.get("/P")
    section = row.get("/P") if row is not None else None
    scope = Name.Column if section is not None and section.get("/S") == Name.THead else Name.Row
    attributes = header.get("/A")
    owners = list(attributes) if isinstance(attributes, Array) else [attributes] if attributes is not None else []
    table = next((owner for owner in owners if isinstance(owner, Dictionary) and owner.get("/O") == Name.Table), None)
    if table is None:
        table = Dictionary(O=Name.Table)
        header.A = Array([*owners, table]) if owners else table
    table.Scope = scope
