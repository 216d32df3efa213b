"""The one Markdown → plain-text function: the words a reader sees in a passage, used by scoring, linking, the report and ingest."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# The book quotes text only: HTML inside a source's Markdown is shown as the characters it is,
# never as markup (glossary.MARKDOWN renders it so), and so it is text here too.
MARKDOWN = MarkdownIt("commonmark", {"html": False})

# Text without these needs no Markdown parser: its plain text is its lines, stripped.
_MARKUP = re.compile(r"[\\`*_\[\]<>&!#|~\x00]|[^\S \n]|^\s*(?:[-+=>]|\d+[.)])|^\s{4}|\n\s*\n", re.MULTILINE)


def plain_text(markdown: str) -> str:
    """The words a reader sees in a passage: Markdown syntax and links' addresses removed, one line per line."""
    if not _MARKUP.search(markdown):
        return "\n".join(line.strip(" ") for line in markdown.strip(" \n").split("\n"))
    return markdown_text(markdown)


def markdown_text(markdown: str) -> str:
    """plain_text() through the Markdown parser, for passages with any markup."""
    words: list[str] = []
    for token in MARKDOWN.parse(markdown):
        if token.type == "inline":
            words.append("".join(_inline_text(child) for child in token.children or ()))
        elif token.type in ("code_block", "fence"):
            words.append(token.content)
    return "\n".join(words)


def _inline_text(token) -> str:
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return "\n"
    if token.type == "image":
        return "".join(_inline_text(child) for child in token.children or ())
    return ""
