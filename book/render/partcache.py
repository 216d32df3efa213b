"""Laid-out parts of the print edition kept between builds in `dist/.cache/parts/`, signed, keyed by what they depend on.

A chapter's part is laid out without its folios (they are put in when the parts are
joined), so its bytes do not depend on the page it starts on: an unchanged chapter is
read back instead of being laid out and written again. The key is a SHA-256 over the
part's HTML, the package's style sheets and fonts, the code that writes it and the
versions of WeasyPrint, pydyf, fontTools and the system's Pango, the PDF identifier and SOURCE_DATE_EPOCH.
Files of the project the layout read (images) are listed in the entry with their
SHA-256 and checked when it is read back.

An entry is raw bytes, never a pickle: `PART1`, an HMAC-SHA256 tag (this user's key,
`book.signing`) over the key, the metadata and the PDF, the metadata's length, the
metadata as JSON (page count, each page's anchors and links described in words, the
warnings and refused URLs of its layout, the project files it read) and the PDF as
WeasyPrint wrote it. A missing, damaged, forged or stale entry is a miss: the part is
laid out again; without a usable key nothing is kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import fontTools
import pydyf
import weasyprint
from weasyprint.text.ffi import pango

from book import cache, files, lock, signing
from book.errors import ProjectError
from book.render import pdfjoin

LOGGER = logging.getLogger("book.cache")
FOLDER = cache.FOLDER / "parts"
KIND = "pdf-part"
MAGIC = b"PART1"
MAX_ENTRY = 1 << 30
KEEP = 2.0  # entries this build did not use are removed, oldest first, once the folder holds this many times what it used
_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Laid:
    """One part written: its PDF, each page's anchors, what its layout warned and refused, the project files it read."""

    part: pdfjoin.Part
    anchors: tuple[tuple[str, ...], ...]
    warnings: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    read: tuple[tuple[str, str], ...] = ()  # (path relative to the project, SHA-256 of its bytes)

    @property
    def page_count(self) -> int:
        return len(self.anchors)


@functools.lru_cache(maxsize=1)
def tool_version() -> str:
    """What a part's bytes depend on besides its HTML: this code, the style sheets, fonts and libraries."""
    assets = sorted(path for folder in ("styles", "fonts") for path in (_PACKAGE / folder).rglob("*") if path.is_file())
    modules = ("render/pdf.py", "render/pdfjoin.py", "render/pdftags.py", "render/linebreak.py", "render/partcache.py")
    return cache.key(cache.code_version(modules), weasyprint.__version__, pydyf.__version__, fontTools.version,
                     str(pango.pango_version()),  # the system's Pango shapes and breaks the lines
                     *(part for path in assets for part in (str(path.relative_to(_PACKAGE)), path.read_bytes())))


def part_key(source: str, *context: str) -> str:
    """The key of a part laid out from `source` (its HTML) with `context` (options, identifier, base URL…)."""
    return cache.key(tool_version(), os.environ.get("SOURCE_DATE_EPOCH", ""), source, *context)


class KeptBlobs:
    """Blobs of one kind kept in `dist/.cache/<kind>/` by key: `magic`, an HMAC tag (this user's key, over the
    key and the blob) and the blob. A blob that is missing, too large or not signed by this user is a miss."""

    def __init__(self, root: Path, kind: str, signed_as: str | None = None, suffix: str = ".blob", magic: bytes = b"",
                 limit: int = files.MAX_FILE_BYTES):
        self.root = Path(root)
        self.kind = kind
        self.folder = self.root / cache.FOLDER / kind
        self.suffix, self.magic, self.limit = suffix, magic, limit
        key = signing.user_key(self.root)
        self._signer = signing.Signer(key, signed_as or kind) if key is not None else None
        self.used: set[str] = set()

    def _path(self, entry_key: str) -> Path:
        return self.folder / f"{entry_key}{self.suffix}"

    def get(self, entry_key: str) -> bytes | None:
        if self._signer is None:
            return None
        path = self._path(entry_key)
        try:
            data = files.read_bytes(path, self.root, self.limit)
        except OSError as error:  # missing, unreadable or too large: made again
            LOGGER.debug("%s: not used (%s)", path, error)
            return None
        head = len(self.magic) + signing.TAG_BYTES
        tag, blob = data[len(self.magic):head], data[head:]
        if len(data) < head or not data.startswith(self.magic) or not self._signer.verify(tag, entry_key.encode("ascii") + blob):
            return None
        self.used.add(entry_key)
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by `prune`
        return blob

    def put(self, entry_key: str, blob: bytes) -> None:
        if self._signer is None:
            return
        self.used.add(entry_key)
        try:
            lock.dist_folder(self.root, cache.FOLDER.name, self.kind)  # never one that leads out of the project
            files.write_atomic(self._path(entry_key), self.magic + self._signer.tag(entry_key.encode("ascii") + blob) + blob)
        except (OSError, ProjectError) as error:
            LOGGER.debug("%s: not written (%s)", self._path(entry_key), error)

    def made(self, entry_key: str, make) -> bytes:
        """The blob kept under `entry_key`, else the one `make()` returns, kept for the next build."""
        blob = self.get(entry_key)
        if blob is None:
            blob = make()
            self.put(entry_key, blob)
        return blob

    def prune(self) -> None:
        """Entries this build did not use removed, least recently used first, while they outweigh those it used."""
        prune(self.folder, f"*{self.suffix}", self.used)


class PartCache:
    """The parts kept for one project; `get` and `put` by key, `prune` once the build is done."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.blobs = KeptBlobs(root, FOLDER.name, KIND, ".part", MAGIC, MAX_ENTRY)
        self.hits = 0

    def get(self, entry_key: str) -> Laid | None:
        """The part kept under `entry_key`, if it is intact, signed by this user and its project files unchanged."""
        body = self.blobs.get(entry_key)
        try:
            laid = _decode(body) if body is not None else None
        except (ValueError, KeyError, TypeError) as error:  # signed but not a part of this version: lay it out again
            LOGGER.debug("%s: not used (%s)", entry_key, error)
            return None
        if laid is None or not all(_digest(self.root / path, self.root) == digest for path, digest in laid.read):
            return None
        self.hits += 1
        return laid

    def put(self, entry_key: str, laid: Laid) -> None:
        """Keep `laid` under `entry_key` (nothing is kept without a key, or if it cannot be written)."""
        meta = json.dumps({"anchors": laid.anchors, "links": laid.part.link_descriptions, "warnings": laid.warnings,
                           "refused": laid.refused, "read": laid.read}, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self.blobs.put(entry_key, len(meta).to_bytes(8, "big") + meta + laid.part.pdf)

    def prune(self) -> None:
        self.blobs.prune()


def _decode(body: bytes) -> Laid | None:
    if len(body) < 8:
        return None
    size = int.from_bytes(body[:8], "big")
    meta = json.loads(body[8:8 + size].decode("utf-8"))
    links = tuple(tuple(page) for page in meta["links"])
    return Laid(pdfjoin.Part(body[8 + size:], links), tuple(tuple(page) for page in meta["anchors"]),
                tuple(meta["warnings"]), tuple(meta["refused"]), tuple((path, digest) for path, digest in meta["read"]))


def prune(folder: Path, pattern: str, used: set[str]) -> None:
    """Files of `folder` whose stem is not in `used` removed, least recently used first, while they outweigh the used ones KEEP times."""
    try:
        entries = [(path.stat().st_mtime, path.stat().st_size, path) for path in folder.glob(pattern)]
    except OSError:
        return
    kept = sum(size for _, size, path in entries if path.stem in used)
    total = sum(size for _, size, _ in entries)
    for _, size, path in sorted(entry for entry in entries if entry[2].stem not in used):
        if total <= KEEP * kept:
            break
        with contextlib.suppress(OSError):
            path.unlink()
            total -= size


def read_files(paths: list[Path], root: Path, assets: Path) -> tuple[tuple[str, str], ...]:
    """The project files among `paths` (outside the package's `assets`), each with the SHA-256 of its bytes."""
    root = root.resolve()
    found = {}
    for path in paths:
        if path.is_relative_to(root) and not path.is_relative_to(assets):
            found[str(path.relative_to(root))] = _digest(path, root)
    return tuple(sorted(found.items()))


def _digest(path: Path, root: Path) -> str:
    """The SHA-256 of a regular file inside the project ("" if it is not one: a kept part that read it is not used)."""
    try:
        return hashlib.sha256(files.read_bytes(path, root)).hexdigest()
    except OSError:
        return ""

