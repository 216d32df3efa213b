"""What rendering keeps across builds: the print and web HTML of article groups and Jinja's compiled templates.

An article group's HTML is kept under the group itself (its passages, mentions and
citation; its note number is put in afterwards) and the links it was rendered with; it is
invalidated by the renderer's code, its templates and Jinja's version.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import pickle
from pathlib import Path
from typing import Any, Callable

import jinja2

from book.cache import Cache, bytecode_cache, code_version, key
from book.render import html

_PACKAGE = Path(__file__).resolve().parent.parent


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


@contextlib.contextmanager
def rendering(root: Path):
    """Inside the block, templates are compiled once across builds (Jinja's bytecode, signed and
    checked against each template's source) and the print and web HTML of article groups is kept."""
    groups = group_cache(root)
    environment = html.environment()
    environment.bytecode_cache = bytecode_cache(root)
    html.kept_groups = _Groups(groups)
    try:
        yield
    finally:
        html.kept_groups = None
        environment.bytecode_cache = None
    groups.save()
