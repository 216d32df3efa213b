"""The print edition's page numbers in the EPUB: page-break markers, a page-list nav, and the metadata saying so.

Only a build that also lays out the PDF knows on which printed page each anchor
landed (`pdf.build_pdf(anchors=…)`); the EPUB it wrote is then rewritten here. For
each printed page, the first anchor that starts on it and is also in the EPUB (a
chapter, article group, passage, glossary mention, glossary entry or source) gets a
marker just before it: `<span epub:type="pagebreak" role="doc-pagebreak">`. So the
text after a marker starts on that page of the PDF; a page on which no anchor
starts (one long passage filling it) has no marker. Footnotes are not used: they
sit at the page foot in print and after the article group in the EPUB.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF_NS = "http://www.idpf.org/2007/opf"
INLINE = {"a", "span", "dfn", "em", "strong", "i", "b", "abbr", "cite", "q", "small", "sub", "sup", "code"}
NOT_IN_FLOW = ("note-",)  # footnotes: at the page foot in print, after the group in the EPUB


def page_starts(anchors: dict[str, int]) -> dict[int, list[str]]:
    """Printed page → the anchors whose first page it is, in the order they were laid out."""
    starts: dict[int, list[str]] = {}
    for anchor, page in anchors.items():
        if not anchor.startswith(NOT_IN_FLOW):
            starts.setdefault(page, []).append(anchor)
    return starts


def add_page_list(data: bytes, anchors: dict[str, int], source: str, rezip) -> bytes:
    """The EPUB `data` with page-break markers, a page-list and page metadata; `rezip(entries)` writes the zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    opf_name = _opf_name(entries)
    opf = etree.fromstring(entries[opf_name])
    folder = opf_name.rpartition("/")[0] + "/" if "/" in opf_name else ""
    manifest = {item.get("id"): item for item in opf.iter(f"{{{OPF_NS}}}item")}
    spine = [manifest[ref.get("idref")].get("href") for ref in opf.iter(f"{{{OPF_NS}}}itemref")]
    documents = {href: etree.fromstring(entries[folder + href]) for href in spine}
    where = {element.get("id"): (href, element) for href, root in documents.items() for element in root.iter() if element.get("id")}
    listed: list[tuple[int, str]] = []
    for page, candidates in sorted(page_starts(anchors).items()):
        anchor = next((name for name in candidates if name in where), None)
        if anchor is None:
            continue
        href, element = where[anchor]
        _mark(element, page)
        listed.append((page, f"{href}#page-{page}"))
    if not listed:
        return data
    for href, root in documents.items():
        entries[folder + href] = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
    nav_item = next(item for item in manifest.values() if "nav" in (item.get("properties") or "").split())
    nav = etree.fromstring(entries[folder + nav_item.get("href")])
    _page_list(nav, listed)
    entries[folder + nav_item.get("href")] = etree.tostring(nav.getroottree(), xml_declaration=True, encoding="utf-8")
    _page_metadata(opf, source)
    written = etree.tostring(opf, xml_declaration=True, encoding="utf-8")
    # <metadata> also declares the OPF namespace as opf:, which lxml gives new elements; the default one is the same
    entries[opf_name] = written.replace(b"<opf:meta ", b"<meta ").replace(b"</opf:meta>", b"</meta>")
    return rezip(entries)


def _opf_name(entries: dict[str, bytes]) -> str:
    container = etree.fromstring(entries["META-INF/container.xml"])
    return container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")


def _mark(element, page: int) -> None:
    """A page-break marker at the start of `element` (before it, when it is inline)."""
    marker = etree.Element(f"{{{XHTML}}}span", {f"{{{OPS}}}type": "pagebreak", "role": "doc-pagebreak",
                                                "id": f"page-{page}", "aria-label": str(page)})
    if etree.QName(element).localname in INLINE:
        element.addprevious(marker)
    else:
        marker.tail, element.text = element.text, None
        element.insert(0, marker)


def _page_list(nav, listed: list[tuple[int, str]]) -> None:
    body = nav.find(f"{{{XHTML}}}body")
    page_list = etree.SubElement(body, f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "page-list", "role": "doc-pagelist",
                                                          "id": "page-list", "aria-labelledby": "page-list-title", "hidden": "hidden"})
    heading = etree.SubElement(page_list, f"{{{XHTML}}}h2", {"id": "page-list-title"})
    heading.text = "Pages of the print edition"
    items = etree.SubElement(page_list, f"{{{XHTML}}}ol")
    for page, href in listed:
        link = etree.SubElement(etree.SubElement(items, f"{{{XHTML}}}li"), f"{{{XHTML}}}a", {"href": href})
        link.text = str(page)


def _page_metadata(opf, source: str) -> None:
    """pageBreakSource (unprefixed: the meta property vocabulary's, replacing `source-of`) and the page features."""
    metadata = opf.find(f"{{{OPF_NS}}}metadata")
    anchor = [meta for meta in metadata if meta.get("property") == "schema:accessibilityFeature"][-1]
    for property_, value in (("schema:accessibilityFeature", "pageBreakMarkers"),
                             ("schema:accessibilityFeature", "printPageNumbers"), ("pageBreakSource", source)):
        meta = etree.SubElement(metadata, f"{{{OPF_NS}}}meta")
        meta.set("property", property_)
        meta.text, meta.tail = value, anchor.tail
        anchor.addnext(meta)
        anchor = meta
