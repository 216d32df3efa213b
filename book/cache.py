"""What does not change between builds, kept in `<project>/dist/.cache/` and keyed by content.

A cache is one pickle file per kind (parsed source files, passage scores), holding
`{key: value}` where the key is a SHA-256 of everything the value depends on: the
file's bytes and path, or a passage's text and the chapters' rules. The whole file
is invalidated by the tool's version and by the code that produced it. A missing,
unreadable or corrupt cache is an empty one: the build parses again and never fails
because of it. Only entries used by the last build are kept, so it does not grow.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from markdown_it.common.utils import escapeHtml

import book
from book import files
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

    def __init__(self, root: Path, name: str, version: str):
        self.path = Path(root) / FOLDER / f"{name}.pickle"
        self.version = version
        self._old: dict[str, Any] = self._read()
        self._used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0

    def _read(self) -> dict[str, Any]:
        try:
            with open(self.path, "rb") as stream:
                stored = pickle.load(stream)
        except FileNotFoundError:
            return {}
        except Exception as error:  # a corrupt or foreign file: rebuild it, never fail the build
            LOGGER.debug("%s: ignored (%s)", self.path, error)
            return {}
        if not isinstance(stored, dict) or stored.get("version") != self.version or not isinstance(stored.get("entries"), dict):
            return {}
        return stored["entries"]

    def get(self, entry_key: str, make: Callable[[], Any]) -> Any:
        """The value stored under `entry_key`, else `make()` (stored for next time)."""
        if entry_key in self._used:
            return self._used[entry_key]
        if entry_key in self._old:
            self.hits += 1
            value = self._old[entry_key]
        else:
            self.misses += 1
            value = make()
        self._used[entry_key] = value
        return value

    def replace(self, entry_key: str, value: Any) -> Any:
        """Store `value` under `entry_key` instead of what was read (which was not usable); returns it."""
        self.misses += 1
        self._used[entry_key] = value
        return value

    def save(self) -> None:
        """Write the entries this build used (atomically); a cache that cannot be written is skipped."""
        if not self.misses and len(self._used) == len(self._old):
            return
        try:
            data = pickle.dumps({"version": self.version, "entries": self._used}, protocol=pickle.HIGHEST_PROTOCOL)
            files.write_atomic(self.path, data)
        except (OSError, pickle.PicklingError) as error:
            LOGGER.debug("%s: not written (%s)", self.path, error)


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
            if isinstance(piece, str):
                out.add(piece)
            elif isinstance(piece, _Unlinked):
                self.note_unlinked(piece.text, anchor)
            else:
                mention = self.mention(piece.match, anchor)
                out.add(mention if mention is not None else escapeHtml(piece.match.text))  # escaping is per character
        return out.finish(), text

    def _skeleton(self, markdown: str):
        out = _Parts()
        _render(MARKDOWN.parse(markdown), out, _Recorder(self.matcher, out), "")
        pieces = out.finish()
        return pieces, parts_text(tuple(piece for piece in pieces if not isinstance(piece, _Unlinked)))


def _is_skeleton(entry) -> bool:
    return (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], str) and isinstance(entry[0], tuple)
            and all(isinstance(piece, (str, _Slot, _Unlinked)) for piece in entry[0]))


def link_cache(root: Path) -> Cache:
    """Passages rendered and scanned for glossary names, keyed by the glossary's names and the passage's text."""
    return Cache(root, "links", code_version(("glossary.py", "cache.py")))
