"""Print HTML made ready for hyphenation a copy editor accepts (WeasyPrint 70 has no exception list).

- Capitalised words of six letters or more not opening a sentence (names of people,
  places, outlets) are never hyphenated: `<span class="nohy">`, `hyphens: manual` in
  print.css (shorter words are not hyphenated anyway: `hyphenate-limit-chars: 6`).
- Words joined by a hyphen ("Nagorno-Karabakh") are not broken at their hyphen: a line
  ending in a hyphen is read as a hyphenated word by text extraction (pdftotext joins
  it to the next line), which is what the automatic hyphens (U+002D) rely on.
- A paragraph's last word of four letters or fewer is kept with the word before it
  (no "fer." alone on the last line; WeasyPrint 70 has no `text-wrap: pretty`); a
  longer last word is not hyphenated (no "ers?" alone on it).
Only text between tags changes, never the words: spans are added around them.
"""

from __future__ import annotations

import re

_TAG = re.compile(r"(<[^>]*>)")
_WORD = re.compile(r"(?<![&#\w])([^\W\d_][\w’']*(?:-[\w’']+)+|[^\W\d_][\w’']*)")
_SKIP = ("head", "style", "script", "title")
_BLOCK_END = re.compile(r"</(p|li|dd|blockquote|h[1-6])\s*>")
_LAST_WORDS = re.compile(r"(\S+)\s+(\S+)\s*$")  # the last two words of a paragraph


def typeset(source: str) -> str:
    """`source` (an HTML page) with capitalised and hyphen-joined words wrapped as above."""
    out = []
    skipping = 0  # inside <head>, <style> …: no text to typeset
    url = 0  # inside a URL span: broken where CSS says, not at words
    pieces = _TAG.split(source)
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            name = re.match(r"</?\s*([\w:-]+)", piece)
            tag = name.group(1).lower() if name else ""
            closing = piece.startswith("</")
            if tag in _SKIP:
                skipping += -1 if closing else 1
            elif tag == "span" and url:
                url += -1 if closing else (0 if piece.endswith("/>") else 1)
            elif tag == "span" and not closing and "cite-url" in piece:
                url = 1
            out.append(piece)
        elif skipping > 0 or url or not piece.strip():
            out.append(piece)
        else:
            ends_block = index + 1 < len(pieces) and _BLOCK_END.match(pieces[index + 1])
            last = _LAST_WORDS.search(piece) if ends_block else None
            if last and len(_letters(last.group(2))) <= 4:  # a short last word: kept on the line with the one before
                out.append(_WORD.sub(_wrap, piece[:last.start()]) + f'<span class="nobr">{last.group(0)}</span>')
            elif last:  # a longer last word is not hyphenated: no "ers?" alone on the last line
                out.append(_WORD.sub(_wrap, piece[:last.start(2)]) + _WORD.sub(_unhyphenated, piece[last.start(2):]))
            else:
                out.append(_WORD.sub(_wrap, piece))
    return "".join(out)


def _letters(word: str) -> str:
    return "".join(character for character in word if character.isalnum())


def _unhyphenated(match: re.Match) -> str:
    wrapped = _wrap(match)
    return wrapped if wrapped != match.group(1) else f'<span class="nohy">{wrapped}</span>'


def _wrap(match: re.Match) -> str:
    word = match.group(1)
    if "-" in word:
        return f'<span class="nobr">{word}</span>'
    before = match.string[:match.start()].rstrip()
    if word[0].isupper() and len(word) >= 6 and before and before[-1] not in ".!?:“\"‘(":  # a name, not a sentence's first word
        return f'<span class="nohy">{word}</span>'
    return word
