"""Reading a built PDF back: its text page by page, where its internal links lead; a build's outputs by digest."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pikepdf

from book import progress
from book.pipeline import build

from tests.epubtools import squash


def page_text(pdf: Path, number: int) -> str:
    """The text of one page (1-based), whitespace squashed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return squash(out)


def destinations_and_links(pdf: Path) -> tuple[dict[str, int], set[tuple[int, str]]]:
    """Named destination → its page (1-based), and (page, destination) of every internal link annotation."""
    with pikepdf.open(pdf) as document:
        names = list(document.Root.Names.Dests.Names)
        index = {page.objgen: i for i, page in enumerate(document.pages)}
        destination = {str(names[i]): index[names[i + 1][0].objgen] + 1 for i in range(0, len(names), 2)}
        links = {(number + 1, str(annot.Dest)) for number, page in enumerate(document.pages)
                 for annot in page.get("/Annots", []) if "/Dest" in annot}
    return destination, links


def build_digests(root: Path, **options) -> tuple[dict[str, str], int]:
    """`root` built (pipeline.build with `options`): each output's SHA-256 by its path under dist/ (the cache
    left out), and how many pages the build laid out."""
    timings = progress.Timings()
    with progress.listening(timings):
        build(root, **options)
    dist = root / "dist"
    digests = {str(path.relative_to(dist)): hashlib.sha256(path.read_bytes()).hexdigest()
               for path in sorted(dist.rglob("*")) if path.is_file() and ".cache" not in path.relative_to(dist).parts}
    return digests, timings.counts.get("PDF layout", 0)
