"""What does not change between builds, kept in `<project>/dist/.cache/` and keyed by content.

A cache is one pickle file per kind (parsed source files, passage scores, glossary
links), holding `{key: value}` where the key is a SHA-256 of everything the value
depends on: the file's bytes and path, or a passage's text and the chapters' rules.
The whole file is invalidated by the tool's version and by the code that produced it.
A missing, unreadable or corrupt cache is an empty one: the build parses again and
never fails because of it.

Rendering (`rendering`) keeps the compiled templates and one more kind: the print and
web HTML of each article group, keyed by the group itself (its passages, mentions and
citation; its note number is put in afterwards) and the links it was rendered with.

The file is a header (`{"version", "entries"}`) followed by one pickle per later build
that found something new, holding only its new entries: a build that adds one source
appends a few entries instead of rewriting the whole cache. When the file holds too
many entries the last build did not use (or too many appended pickles), it is
rewritten with only the used ones, so it does not grow without bound.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
from markdown_it.common.utils import escapeHtml

import book
from book import files, lock, signing
from book.errors import ProjectError
from book.glossary import MARKDOWN, Linker, Match, Matcher, _Parts, _render, parts_text

LOGGER = logging.getLogger("book.cache")
FOLDER = Path("dist") / ".cache"
_PACKAGE = Path(__file__).parent


def key(*parts: str | bytes) -> str:
    """A SHA-256 over `parts`, each length-prefixed so that no two tuples collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def code_version(modules: Iterable[str]) -> str:
    """The tool's version and a digest of the modules whose output is cached."""
    return key(book.__version__, *(( _PACKAGE / module).read_bytes() for module in sorted(modules)))


class Cache:
    """One kind of cached value for one project: `get` and `put` by key, `save` at the end."""

    STALE = 0.5  # rewrite when the file would hold this share of entries more than the last build used
    APPENDS = 30  # … or more appended pickles than this

    def __init__(self, root: Path, name: str, version: str):
        self.root = Path(root)
        self.path = self.root / FOLDER / f"{name}.pickle"
        self.version = version
        key = signing.user_key(root)
        self._signer = signing.Signer(key, name) if key is not None else None
        self._stored = 0  # entries in the file, counting each appended one (some may be stale)
        self._appends = 0
        self._intact = False  # the file was read to its end without a fault: it can be appended to
        self._old: dict[str, Any] = self._read()
        self._used: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def _read(self) -> dict[str, Any]:
        entries: dict[str, Any] = {}
        if self._signer is None:
            return {}
        try:
            with files.open_regular(self.path, self.root) as stream:
                header = read_frame(stream, self._signer)
                if not (isinstance(header, dict) and header.get("version") == self.version
                        and isinstance(header.get("entries"), dict)):
                    return {}
                entries = header["entries"]
                self._stored = len(entries)
                while stream.peek(1):
                    appended = read_frame(stream, self._signer)
                    if not isinstance(appended, dict):
                        raise ValueError("an appended part is not a mapping")
                    entries.update(appended)
                    self._stored += len(appended)
                    self._appends += 1
        except FileNotFoundError:
            return {}
        except Exception as error:  # a corrupt, foreign or forged file (or a part cut short): rebuild it, never fail the build
            LOGGER.debug("%s: read up to a fault (%s), rewritten after the build", self.path, error)
            return entries
        self._intact = True
        return entries

    def get(self, entry_key: str, make: Callable[[], Any]) -> Any:
        """The value stored under `entry_key`, else `make()` (stored for next time)."""
        if entry_key in self._used:
            return self._used[entry_key]
        if entry_key in self._old:
            self.hits += 1
            value = self._old[entry_key]
        else:
            self.misses += 1
            value = self._new[entry_key] = make()
        self._used[entry_key] = value
        return value

    def replace(self, entry_key: str, value: Any) -> Any:
        """Store `value` under `entry_key` instead of what was read (which was not usable); returns it."""
        self.misses += 1
        self._used[entry_key] = self._new[entry_key] = value
        return value

    def save(self) -> None:
        """Append this build's new entries, or rewrite the file with the used ones; a cache that cannot be written is skipped."""
        if self._signer is None or (not self._used and not self.path.exists()):
            return
        stored = self._stored + len(self._new)
        rewrite = (not self._intact or self._appends >= self.APPENDS
                   or stored > (1 + self.STALE) * len(self._used))
        try:
            lock.dist_folder(self.root, FOLDER.name)  # never a dist/.cache that leads out of the project
            if rewrite:
                _write_atomic(self.path, {"version": self.version, "entries": self._used}, self._signer)
            elif self._new:
                with open(self.path, "r+b") as stream:  # not "ab": the frame's length is written back at its start
                    stream.seek(0, os.SEEK_END)
                    write_frame(stream, self._new, self._signer)
        except (OSError, pickle.PicklingError, ProjectError) as error:
            LOGGER.debug("%s: not written (%s)", self.path, error)


# A cache file is a sequence of frames, each [8-byte length][pickle][HMAC-SHA256 tag], the tag
# under this user's key (book.signing): a frame is unpickled only once its tag verifies.


class _Signing:
    """A binary stream that passes writes on and feeds them to the frame's MAC."""

    def __init__(self, stream, mac):
        self.stream, self.mac, self.length = stream, mac, 0

    def write(self, data) -> int:
        self.mac.update(data)
        self.length += len(data)
        return self.stream.write(data)


def write_frame(stream, value: Any, signer: signing.Signer) -> None:
    """`value` pickled straight into `stream` (no second copy of a big cache in memory), then its length and tag."""
    start = stream.tell()
    stream.write(bytes(8))
    writer = _Signing(stream, signer.mac())
    pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(writer.mac.digest())
    end = stream.tell()
    stream.seek(start)
    stream.write(writer.length.to_bytes(8, "big"))
    stream.seek(end)


def read_frame(stream, signer: signing.Signer) -> Any:
    """The next frame's value; ValueError if it is cut short or its tag does not verify (nothing unpickled)."""
    length = int.from_bytes(_read_exactly(stream, 8), "big")
    if length > _MAX_FRAME:
        raise ValueError(f"a frame of {length} bytes")
    blob = _read_exactly(stream, length)
    if not signer.verify(_read_exactly(stream, signing.TAG_BYTES), blob):
        raise ValueError("a frame not signed with this user's key")
    return pickle.loads(blob)  # noqa: S301 - signed by this user's own build


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise ValueError("cut short")
    return data


_MAX_FRAME = 1 << 34  # 16 GiB: a length beyond it is damage, not a cache


def _write_atomic(path: Path, stored: dict, signer: signing.Signer) -> None:
    """Framed into a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write_frame(stream, stored, signer)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def source_cache(root: Path) -> Cache:
    """Parsed articles and chapters, keyed by each file's path and bytes."""
    return Cache(root, "sources", code_version(("project.py", "models.py", "files.py")))


def passage_scores(project, cache: Cache | None = None) -> dict[str, dict[str, int]]:
    """organise.score_passages(project), with each passage's scores kept under its text and the rules."""
    from book.organise import chapter_matcher, plain_text, score_passages

    if cache is None:
        return score_passages(project)
    glossary = {term.id: term for term in project.glossary}
    matchers = [(chapter.slug, chapter_matcher(chapter, glossary)) for chapter in project.chapters]
    rules = key(*(f"{slug}\0{matcher.pattern.pattern if matcher.pattern else ''}" for slug, matcher in matchers))
    scores = {}
    for passage in project.passages:
        def score(text=passage.text):
            plain = plain_text(text)
            return tuple(matcher.score(plain) for _, matcher in matchers)

        entry_key = key(rules, passage.text)
        found = cache.get(entry_key, score)
        if not (isinstance(found, tuple) and len(found) == len(matchers) and all(type(n) is int for n in found)):
            found = cache.replace(entry_key, score())  # a damaged entry: score again
        scores[passage.ref] = dict(zip((slug for slug, _ in matchers), found))
    return scores


def score_cache(root: Path) -> Cache:
    """Passage scores, keyed by the chapters' rules and each passage's text."""
    return Cache(root, "scores", code_version(("organise.py",)))


# --- glossary links ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """Where a glossary name was found in a passage: a link or plain text, decided when it is placed."""

    match: Match

    @property
    def text(self) -> str:
        return self.match.text


@dataclass(frozen=True)
class _Unlinked:
    """Text inside a source's own link: its names are uses of terms, never links."""

    text: str


class _Recorder:
    """Stands in for a Linker while glossary._render walks a passage once, recording every possible mention."""

    def __init__(self, matcher: Matcher, out):
        self.matcher, self.out = matcher, out

    def mention(self, match: Match, passage_anchor: str) -> _Slot:
        return _Slot(match)

    def note_unlinked(self, text: str, passage_anchor: str) -> None:
        self.out.add(_Unlinked(text))


class CachedLinker(Linker):
    """A Linker that parses and scans each passage's text once across builds.

    What depends only on the passage and the glossary's names (the rendered HTML, where
    each name occurs, the plain text) is cached; what depends on the book (which
    mention is the first in its chapter, mention numbers, uses) is decided here, by
    the Linker's own `mention` and `note_unlinked`, in the same order as a parse would.

    A cached passage is `(pieces, text)`: each piece is HTML (a str), a place where a
    name was found (`(term id, start, end, name)`, a Match's fields) or text inside a
    source's own link (`(text,)`). Plain tuples, because reading back a dataclass per
    name costs ten times as much.
    """

    def __init__(self, terms, cache: Cache):
        super().__init__(terms)
        self.cache = cache
        self.names = key(*(f"{term.id}\0" + "\0".join(term.all_names()) for term in terms))

    def passage(self, markdown: str, anchor: str):
        entry_key = key(self.names, markdown)
        entry = self.cache.get(entry_key, lambda: self._skeleton(markdown))
        if not _is_skeleton(entry):  # a damaged entry: parse again
            entry = self.cache.replace(entry_key, self._skeleton(markdown))
        pieces, text = entry
        out = _Parts()
        for piece in pieces:
            if type(piece) is str:
                out.add(piece)
            elif len(piece) == 1:
                self.note_unlinked(piece[0], anchor)
            else:
                match = Match(*piece)
                mention = self.mention(match, anchor)
                out.add(mention if mention is not None else escapeHtml(match.text))  # escaping is per character
        return out.finish(), text

    def _skeleton(self, markdown: str):
        out = _Parts()
        _render(MARKDOWN.parse(markdown), out, _Recorder(self.matcher, out), "")
        pieces = out.finish()
        text = parts_text(tuple(piece for piece in pieces if not isinstance(piece, _Unlinked)))
        return tuple(_stored_piece(piece) for piece in pieces), text


def _stored_piece(piece):
    if isinstance(piece, _Slot):
        match = piece.match
        return (match.term_id, match.start, match.end, match.text)
    if isinstance(piece, _Unlinked):
        return (piece.text,)
    return piece


_SLOT_TYPES = (str, int, int, str)


def _is_skeleton(entry) -> bool:
    if not (type(entry) is tuple and len(entry) == 2 and type(entry[0]) is tuple and type(entry[1]) is str):
        return False
    for piece in entry[0]:
        if type(piece) is str:
            continue
        if type(piece) is not tuple:
            return False
        if len(piece) == 1:
            if type(piece[0]) is not str:
                return False
        elif len(piece) != 4 or tuple(map(type, piece)) != _SLOT_TYPES:
            return False
    return True


def link_cache(root: Path) -> Cache:
    """Passages rendered and scanned for glossary names, keyed by the glossary's names and the passage's text."""
    return Cache(root, "links", code_version(("glossary.py", "cache.py")))


# --- rendered article groups -------------------------------------------------------------


class _Groups:
    """The HTML of article groups, kept under the group's content and the links' fingerprint.

    The note number is left out of the key and kept as `NOTE` in the HTML, put back on
    the way out: a source added early in a chapter renumbers the notes after it, and
    that alone should not render every later group again.
    """

    NOTE = "\x00note\x00"

    def __init__(self, cache: Cache):
        self.cache = cache
        self._digests: dict[int, tuple[Any, str | None]] = {}  # id(group) → (group, digest): a build renders a group twice
        self._links: dict[str, str] = {}  # links' fingerprint → its digest

    def html(self, group, links: str, render: Callable[[Any], str]) -> str:
        """The group's HTML for these links; `render(note_number)` renders it."""
        kept = self._digests.get(id(group))
        if kept is None or kept[0] is not group:
            kept = self._digests[id(group)] = (group, self._digest(group))
        if kept[1] is None:  # the marker is in the source's own text (never, in practice): not kept
            return render(group.note_number)
        links_digest = self._links.get(links) or self._links.setdefault(links, key(links))
        entry_key = links_digest + kept[1]
        value = self.cache.get(entry_key, lambda: render(self.NOTE))
        if type(value) is not str:  # a damaged entry: render again
            value = self.cache.replace(entry_key, render(self.NOTE))
        return value.replace(self.NOTE, str(group.note_number))

    def _digest(self, group) -> str | None:
        """A SHA-256 of every field of the group but its note number (None if the marker occurs in it)."""
        stream = io.BytesIO()
        pickler = pickle.Pickler(stream, protocol=5)
        pickler.fast = True  # no memo: equal groups give equal bytes whether or not equal strings in them are one object
        pickler.dump((type(group).__qualname__, {**vars(group), "note_number": 0}))  # the book model is a tree
        content = stream.getvalue()
        return None if self.NOTE.encode() in content else hashlib.sha256(content).hexdigest()


def group_cache(root: Path) -> Cache:
    """Rendered article groups; invalidated by the renderer's code, its templates and Jinja's version."""
    templates = sorted(str(path.relative_to(_PACKAGE)) for path in (_PACKAGE / "render" / "templates").rglob("*.*ml"))
    return Cache(root, "groups", key(jinja2.__version__, code_version(("render/html.py", "render/model.py", *templates))))


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Jinja's compiled templates in `folder`, each file signed like the caches (never unmarshalled unless this user wrote it).

    A file cut short, forged or from another version of Jinja is a miss: the template is compiled again.
    """

    def __init__(self, root: Path, signer: signing.Signer):
        self.root, self.signer = Path(root), signer
        self.folder = self.root / FOLDER / "templates"

    def _path(self, bucket) -> Path:
        return self.folder / f"{bucket.key}.bytecode"

    def load_bytecode(self, bucket) -> None:
        try:
            with files.open_regular(self._path(bucket), self.root) as stream:
                data = stream.read(_MAX_TEMPLATE + 1)
            if len(data) <= signing.TAG_BYTES or len(data) > _MAX_TEMPLATE:
                return
            tag, blob = data[: signing.TAG_BYTES], data[signing.TAG_BYTES :]
            if self.signer.verify(tag, blob):
                bucket.bytecode_from_string(blob)
        except Exception as error:  # unreadable or damaged: compile again
            LOGGER.debug("%s: not used (%s)", self._path(bucket), error)
            bucket.reset()

    def dump_bytecode(self, bucket) -> None:
        blob = bucket.bytecode_to_string()
        try:
            lock.dist_folder(self.root, FOLDER.name, self.folder.name)  # never one that leads out of the project
            files.write_atomic(self._path(bucket), self.signer.tag(blob) + blob)
        except (OSError, ProjectError) as error:
            LOGGER.debug("%s: not written (%s)", self._path(bucket), error)


_MAX_TEMPLATE = 1 << 24


def _bytecode_cache(root: Path):
    """Jinja's bytecode cache for templates compiled in `root`'s dist/.cache/templates, or None without a key."""
    key = signing.user_key(root)
    if key is None:
        return None
    return SignedBytecodeCache(root, signing.Signer(key, "templates"))


@contextlib.contextmanager
def rendering(root: Path):
    """Inside the block, templates are compiled once across builds (Jinja's bytecode, signed and
    checked against each template's source) and the print and web HTML of article groups is kept."""
    from book.render import html

    groups = group_cache(root)
    environment = html.environment()
    environment.bytecode_cache = _bytecode_cache(root)
    html.kept_groups = _Groups(groups)
    try:
        yield
    finally:
        html.kept_groups = None
        environment.bytecode_cache = None
    groups.save()
