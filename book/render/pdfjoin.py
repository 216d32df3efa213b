"""Parts of the print edition, each a tagged PDF written by WeasyPrint, joined into one PDF (pikepdf).

The print edition is laid out one part at a time (each chapter, the back matter, the
front matter), so that only one part's laid-out pages are ever in memory. Joining
keeps everything WeasyPrint wrote for each part: pages and their fonts, links, named
destinations, bookmarks and the PDF/UA structure tree. The first part gives the
document its catalog (language, XMP metadata, viewer preferences, document info).

- Links across parts: WeasyPrint drops a link whose anchor is not in the document it
  writes, so `mark_cross_references` turns such links into `book-xref:` URIs before a
  part is written, and `join` turns them back into named destinations, exactly as
  WeasyPrint writes an internal link (`/Dest (anchor)`); every link's `/Contents` is
  the description in words the part came with.
- Each part's structure tree is repaired for PDF/UA-1 on its own, before it is joined
  or kept (`prepare`, book/render/pdftags.py): a kept part is joined as it is.
- Structure tree: one /Document element whose children are every part's children, in
  order (a `Continued` part's outer elements merged into the part's before it); each part's parent-tree keys (pages' /StructParents, annotations'
  /StructParent) are shifted past the keys of the parts before it.
- Named destinations: one sorted name tree; the first part naming an anchor wins.
- Bookmarks: each part's outline, in order, under one outline root (a `Continued` part's under
  the last bookmark of the parts before it).
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from book.render import pdftags

LOGGER = logging.getLogger("book.render")
XREF = "book-xref:"


def mark_cross_references(document) -> None:
    """Links of a WeasyPrint `document` to anchors it does not hold become `book-xref:` links for `join`."""
    anchors = {name for page in document.pages for name in page.anchors}
    for page in document.pages:
        page.links = [("external", XREF + target, rectangle, box) if kind == "internal" and target not in anchors
                      else (kind, target, rectangle, box) for kind, target, rectangle, box in page.links]


@dataclass(frozen=True)
class Part:
    """One part made PDF/UA-1 on its own (`prepare`), and the words describing each page's links (in WeasyPrint's order)."""

    pdf: bytes
    link_descriptions: tuple[tuple[str, ...], ...] = ()


def prepare(pdf: bytes, link_descriptions: tuple[tuple[str, ...], ...] = ()) -> Part:
    """A tagged part as WeasyPrint wrote it, its links described in words and its structure tree repaired
    for PDF/UA-1 (pdftags.repair): work done once per part, so a part kept between builds is joined as it is.

    WeasyPrint writes the part uncompressed and it is saved here with its streams compressed and
    without object streams: `join` makes the object streams of the whole book, compressed once.
    """
    with pikepdf.open(io.BytesIO(pdf)) as part:
        for index, descriptions in enumerate(link_descriptions):
            pdftags.describe_links(part.pages[index], descriptions)
        pdftags.repair(part)
        out = io.BytesIO()
        part.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return Part(out.getvalue(), link_descriptions)


@dataclass(frozen=True)
class Blank:
    """An empty page (no content, no running head, no number), the size of the page before it."""


BLANK = Blank()


@dataclass(frozen=True)
class Continued:
    """A part that goes on with the element the part before it opened (a piece of a chapter laid out on its own):
    its `depth` outer structure elements are the same elements as those of the part before, and its bookmarks are
    under that part's last one."""

    part: Part
    depth: int = 2  # print/part.html's wrapper and the chapter's section


@dataclass(frozen=True)
class Folios:
    """Folios laid out on their own (untagged PDFs, the layers), and where each goes: (page of the joined PDF, layer, page)."""

    layers: tuple[bytes, ...]
    placements: tuple[tuple[int, int, int], ...]


def join(parts: list[Part | Blank | Continued], front_pages: int | None = None, folios: Folios | None = None) -> tuple[bytes, list[str]]:
    """The parts (or BLANK) as one PDF/UA-1 document; returns it and the links whose anchor no part holds.

    `front_pages`: how many pages are numbered in roman (the page labels); None writes no page labels.
    `folios`: page numbers drawn on the pages they belong to, each a pagination artifact.
    """
    if not parts or isinstance(parts[0], Blank):
        raise ValueError("the first part must be a PDF")
    pdf = pikepdf.open(io.BytesIO(parts[0].pdf))
    joined = _Joined(pdf)
    for part in parts[1:]:
        if isinstance(part, Blank):
            joined.blank_page()
        elif isinstance(part, Continued):
            joined.append(pikepdf.open(io.BytesIO(part.part.pdf)), part.depth)
        else:
            joined.append(pikepdf.open(io.BytesIO(part.pdf)))
    missing = joined.finish()
    if front_pages is not None:
        pdftags.page_labels(pdf, front_pages)
    if folios is not None:
        _draw_folios(pdf, folios)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue(), missing


class _Joined:
    """The PDF being joined: its structure tree, parent-tree numbers, destinations and outline items."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        root = pdf.Root.StructTreeRoot
        self.document = root.K[0]  # WeasyPrint's one /Document element
        self.nums = list(root.ParentTree.Nums)
        self.next_key = _next_key(self.nums)
        self.dests = _dests(pdf)
        self.outline = _outline_items(pdf, pdf, {})
        self.part_number = 0
        self.retagged: set = set()
        self.ids: dict[str, pikepdf.Object] = {}  # structure element ids (table header cells) → element
        for element in _structure_elements(pdf):
            if "/ID" in element:
                self.ids.setdefault(str(element.ID), element)

    def _rename_ids(self, part: pikepdf.Pdf) -> None:
        """Element ids (WeasyPrint's "<object number>-<row>-<column>" of table headers) made unique across parts.

        Ids are unique within a part only; a part's ids and the /Headers naming them get the part's number in front.
        """
        prefix = f"p{self.part_number}-"
        for element in _structure_elements(part):
            copied = self.pdf.copy_foreign(element)  # the copy made with the tree: the same object
            if "/ID" in copied and not str(copied.ID).startswith(pdftags.NOTE_PREFIX):  # a note's id is its anchor's, unique
                copied.ID = String(prefix + str(copied.ID))
            if "/ID" in copied:
                self.ids.setdefault(str(copied.ID), copied)
            attributes = copied.get("/A")
            for owner in (attributes if isinstance(attributes, Array) else [attributes]):
                if isinstance(owner, Dictionary) and "/Headers" in owner:
                    owner.Headers = Array([String(prefix + str(header)) for header in owner.Headers])

    def _retag_fonts(self, page) -> None:
        """Each part's font subsets get their own tag: two subsets in one file must not share one (PDF 1.7, 9.6.4)."""
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            if font.objgen in self.retagged or "/BaseFont" not in font:
                continue
            self.retagged.add(font.objgen)
            for named, key in _font_names(font):
                tag, plus, rest = str(named[key]).lstrip("/").partition("+")
                if plus and len(tag) == 6:
                    named[key] = Name("/" + _tag(tag, self.part_number) + "+" + rest)

    def blank_page(self) -> None:
        last = self.pdf.pages[-1]
        page = self.pdf.add_blank_page(page_size=(float(last.mediabox[2]), float(last.mediabox[3])))
        for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox"):
            if box in last.obj:
                page.obj[box] = Array(list(last.obj[box]))

    def append(self, part: pikepdf.Pdf, depth: int = 0) -> None:
        start = len(self.pdf.pages)
        with warnings.catch_warnings():  # named destinations are carried over below, all of them
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning") else UserWarning)
            self.pdf.pages.extend(part.pages)
        page_index = {page.obj.objgen: start + index for index, page in enumerate(part.pages)}
        # the copies of the part's pages, structure elements and annotations are one graph:
        # pikepdf copies each foreign object once per source file and reuses the copy
        offset = self.next_key
        self.part_number += 1
        for page in self.pdf.pages[start:]:
            self._retag_fonts(page)
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annotation in page.obj.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + offset
        tree = part.Root.StructTreeRoot
        _adopt(self.document, [self.pdf.copy_foreign(kid) for kid in tree.K[0].K], depth)
        self._rename_ids(part)
        nums = list(tree.ParentTree.Nums)
        for key, value in zip(nums[::2], nums[1::2]):
            self.nums += [int(key) + offset, _copy(self.pdf, value)]
        self.next_key = offset + _next_key(nums)
        for name, destination in _dests(part).items():
            self.dests.setdefault(name, _copy(self.pdf, destination))
        items = _outline_items(part, self.pdf, page_index)
        if depth and self.outline:
            self.outline[-1].children.extend(items)
        else:
            self.outline += items

    def finish(self) -> list[str]:
        """Cross-part links resolved, the parent tree, destinations and outline written; the missing anchors."""
        missing = []
        for page in self.pdf.pages:
            for annotation in page.obj.get("/Annots", ()):
                action = annotation.get("/A")
                if action is None or action.get("/S") != Name.URI or not str(action.URI).startswith(XREF):
                    continue
                target = str(action.URI)[len(XREF):]
                if target not in self.dests:
                    missing.append(target)
                del annotation["/A"]
                annotation.Dest = String(target)
        root = self.pdf.Root.StructTreeRoot
        root.ParentTree = self.pdf.make_indirect(Dictionary(Nums=Array(self.nums)))
        root.ParentTreeNextKey = self.next_key
        if self.ids:
            root.IDTree = self.pdf.make_indirect(Dictionary(Names=_name_array(self.ids)))
        if "/Names" not in self.pdf.Root:
            self.pdf.Root.Names = Dictionary()
        self.pdf.Root.Names.Dests = self.pdf.make_indirect(Dictionary(Names=_name_array(self.dests)))
        with self.pdf.open_outline() as outline:
            outline.root[:] = self.outline
        return list(dict.fromkeys(missing))


def _adopt(parent, kids: list, depth: int) -> None:
    """`kids` (structure elements of `parent`'s document) become `parent`'s last children; with `depth`, the first of
    them is the same element as `parent`'s last child (same type, children only elements) and its children join that one's."""
    if not isinstance(parent.get("/K"), Array):
        parent.K = Array(_children(parent))
    elements = parent.K
    last = elements[len(elements) - 1] if len(elements) else None
    if depth and kids and isinstance(last, Dictionary) and last.get("/S") == kids[0].get("/S") \
            and all(isinstance(kid, Dictionary) and "/S" in kid for kid in _children(kids[0])):
        _adopt(last, _children(kids[0]), depth - 1)
        kids = kids[1:]
    for kid in kids:
        kid.P = parent
        elements.append(kid)


def _children(element) -> list:
    kids = element.get("/K")
    return [] if kids is None else list(kids) if isinstance(kids, Array) else [kids]


def _draw_folios(pdf: pikepdf.Pdf, folios: Folios) -> None:
    """Each folio page drawn over its page of `pdf`, as a form XObject marked as a pagination artifact (a footer).

    The page's own content is wrapped in q … Q, so the folio is drawn in the page's
    default coordinates; both extra content streams are one object shared by every page.
    """
    layers = [pikepdf.open(io.BytesIO(layer)) for layer in folios.layers]
    for number, layer in enumerate(layers):
        retagged: set = set()
        for page in layer.pages:
            for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
                if font.objgen not in retagged and "/BaseFont" in font:  # subsets of their own: a tag of their own
                    retagged.add(font.objgen)
                    for named, key in _font_names(font):
                        tag, plus, rest = str(named[key]).lstrip("/").partition("+")
                        if plus and len(tag) == 6:
                            named[key] = Name("/" + _tag(tag, f"folios-{number}") + "+" + rest)
    before = pdf.make_stream(b"q\n")
    after = pdf.make_stream(b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n/BookFolio Do\nEMC\n")
    forms = {}
    for target, layer, source in folios.placements:
        if (layer, source) not in forms:
            forms[layer, source] = pdf.copy_foreign(layers[layer].pages[source].as_form_xobject())
        page = pdf.pages[target].obj
        resources = Dictionary(dict(page.get("/Resources", Dictionary()).items()))
        resources.XObject = Dictionary({**dict(resources.get("/XObject", Dictionary()).items()), "/BookFolio": forms[layer, source]})
        page.Resources = resources
        contents = page.get("/Contents")
        contents = list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
        page.Contents = Array([before, *contents, after])


def _font_names(font):
    """(dictionary, key) of every name of a font that carries its subset tag."""
    yield font, "/BaseFont"
    for descendant in font.get("/DescendantFonts", ()):
        yield descendant, "/BaseFont"
        if "/FontDescriptor" in descendant:
            yield descendant.FontDescriptor, "/FontName"
    if "/FontDescriptor" in font:
        yield font.FontDescriptor, "/FontName"


def _tag(tag: str, part: int | str) -> str:
    """A subset tag of six capital letters, the same for the same font and part in every build."""
    digest = hashlib.sha256(f"{tag}:{part}".encode("ascii")).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def _name_array(named: dict) -> Array:
    """A name tree's one leaf: names sorted by their bytes, each followed by its value."""
    names = Array()
    for name in sorted(named, key=lambda text: text.encode("utf-8")):
        names.append(String(name))
        names.append(named[name])
    return names


def _structure_elements(pdf: pikepdf.Pdf):
    """Every structure element of `pdf` that has an id or attributes (found among its objects)."""
    for candidate in pdf.objects:
        if isinstance(candidate, Dictionary) and candidate.get("/Type") == Name.StructElem and ("/ID" in candidate or "/A" in candidate):
            yield candidate


def _next_key(nums) -> int:
    return max((int(key) for key in nums[::2]), default=-1) + 1


def _dests(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return {}
    flat = list(dests.get("/Names", ()))
    return {str(name): destination for name, destination in zip(flat[::2], flat[1::2])}


def _copy(pdf: pikepdf.Pdf, value):
    """A value of a foreign PDF for `pdf`: indirect objects through pikepdf's copier, direct ones rebuilt."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(pdf, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(pdf, item) for key, item in value.items()})
    return value


def _outline_items(part: pikepdf.Pdf, into: pikepdf.Pdf, page_index: dict) -> list[pikepdf.OutlineItem]:
    """`part`'s bookmarks as outline items of `into` (page_index: the part's page → its index in `into`)."""
    with part.open_outline() as outline:
        return [_item(item, into, page_index) for item in outline.root]


def _item(item: pikepdf.OutlineItem, into: pikepdf.Pdf, page_index: dict) -> pikepdf.OutlineItem:
    destination = item.destination
    if page_index and isinstance(destination, Array) and len(destination) and destination[0].is_indirect:
        destination = Array([into.pages[page_index[destination[0].objgen]].obj, *list(destination)[1:]])
    copy = pikepdf.OutlineItem(item.title, destination)
    copy.is_closed = item.is_closed
    copy.children[:] = [_item(child, into, page_index) for child in item.children]
    return copy
