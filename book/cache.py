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
from pathlib import Path
from typing import Any, Callable, Iterable

import book
from book import files

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
