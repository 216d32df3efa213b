"""Glossary links kept across builds: each passage parsed and scanned for names once, its mentions placed per book."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markdown_it.common.utils import escapeHtml

from book.cache import Cache, code_version, key
from book.glossary import MARKDOWN, Linker, Match, Matcher, Parts, parts_text, render_tokens


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
    """Stands in for a Linker while glossary.render_tokens walks a passage once, recording every possible mention."""

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
        out = Parts()
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
        out = Parts()
        render_tokens(MARKDOWN.parse(markdown), out, _Recorder(self.matcher, out), "")
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
    return Cache(root, "links", code_version(("glossary.py", "linkcache.py")))
