"""Source text as Markdown that renders as exactly the same words (escaping what Markdown would eat)."""

from __future__ import annotations

import html
import re
import unicodedata

from markdown_it import MarkdownIt

from book import plaintext
from book.ingest.records import Block

_RENDER = MarkdownIt("commonmark")
_LINE_START = re.compile(r"^(\d{1,9})([.)])|^([#>+=|~-])|^(\*)")
_INLINE = re.compile(r"([\\`*_<])")
_BRACKETS = re.compile(r"([\[\]])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_ALL_PUNCT = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")


def escape(text: str) -> str:
    """`text` as one Markdown paragraph (or list item) that renders as `text`."""
    text = " ".join(text.split())
    escaped = _ENTITY.sub("&amp;", _INLINE.sub(r"\\\1", text))
    bracketed = _BRACKETS.sub(r"\\\1", escaped)
    # a link or image must not form even where this renderer refuses its address (file:, javascript:)
    for candidate in (bracketed,) if re.search(r"\]\s*[(\[]", text) else (escaped, bracketed):
        candidate = _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3] or m[4]}", candidate)
        if _renders_as(candidate, text):
            return candidate
    return _ALL_PUNCT.sub(r"\\\1", text)  # the careful form, for text that the short forms misread


def _renders_as(markdown: str, text: str) -> bool:
    """True if `markdown` shows exactly `text` as one plain paragraph: no link, image or other markup."""
    rendered = _RENDER.render(markdown)
    inner = rendered.removeprefix("<p>").removesuffix("</p>\n")
    return "<" not in inner and " ".join(html.unescape(inner).split()) == text


def block_markdown(block: Block) -> str:
    """A paragraph, a subhead ('## '), or a list with one '- ' item per source item."""
    if block.heading:
        text = escape(block.text)
        return "## " + (text[:-1] + "\\#" if text.endswith("#") else text)  # a closing '#' would be eaten
    if block.is_list:
        return "\n".join(f"- {escape(item)}" for item in block.items)
    if "\n" in block.text:  # lines the source breaks (a list of dates, a poem, an embedded post): hard breaks
        return "\\\n".join(escape(line) for line in block.text.split("\n") if line.strip())
    return escape(block.text)


def body_markdown(blocks: list[Block]) -> str:
    """The article body: blocks separated by blank lines, ending with a newline."""
    return "\n\n".join(block_markdown(block) for block in blocks) + "\n"


def plain_text(markdown: str) -> str:
    """What a reader sees of `markdown` (book.plaintext's one function), with single spaces."""
    return " ".join(plaintext.plain_text(markdown).split())


def normalised(markdown: str) -> str:
    """The text used to tell whether an article is already in the corpus."""
    return unicodedata.normalize("NFKC", plain_text(markdown)).casefold()
