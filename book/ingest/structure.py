"""An article's blocks sorted by what they are: subheads, pull-quotes, production credits, damaged datelines."""

from __future__ import annotations

import hashlib

from book.ingest import lines as L
from book.ingest.furniture import damaged_dateline, is_related_heading, production_credits
from book.ingest.records import Block, Record

SUBHEAD_WORDS = 12      # a subhead is a short line
PULL_QUOTE_WORDS = 8    # a shorter repeat (a phrase, a name) is too common to be a pull-quote


def sort_blocks(record: Record) -> None:
    """Credits into `credits`, pull-quotes dropped, subheads marked as headings; each change noted for the report."""
    kept: list[Block] = []
    credits: list[str] = []
    for block in _without_related_lists(record.blocks, record.notes):
        found = None if block.is_list else production_credits(block.text)
        if found:
            credits.append(found)
            record.notes.append(f"credits moved to the front matter: '{_short(found)}'")
        else:
            kept.append(block)
    if credits:
        record.credits = "; ".join(credits)
    for index, block in enumerate(kept):
        if _is_subhead(kept, index):
            kept[index] = Block(block.text, heading=True)
            record.notes.append(f"subhead kept as a heading inside the article: '{_short(block.text)}'")
    record.blocks = _without_pull_quotes(kept, record.notes)


def _without_related_lists(blocks: list[Block], notes: list[str]) -> list[Block]:
    """Drop a list of other articles with its heading ('More Must-Reads From TIME' and the headlines under it)."""
    kept: list[Block] = []
    skip = False
    for index, block in enumerate(blocks):
        if skip:
            skip = False
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if not block.is_list and following is not None and following.is_list and is_related_heading(block.text):
            notes.append(f"links to other articles dropped: '{_short(block.text)}' and {len(following.items)} headlines")
            skip = True
            continue
        lines = [] if block.is_list else block.text.split("\n")
        if len(lines) >= 3 and is_related_heading(lines[0].rstrip("\\ ")):  # the list written with line breaks
            notes.append(f"links to other articles dropped: '{_short(lines[0])}' and {len(lines) - 1} headlines")
            continue
        kept.append(block)
    return kept


def _is_subhead(blocks: list[Block], index: int) -> bool:
    """A short line between paragraphs that does not end a sentence: 'BROKEN CEASEFIRES', '‘A challenge for Tehran’'."""
    block = blocks[index]
    if block.is_list or index == 0 or index + 1 >= len(blocks) or blocks[index + 1].is_list:
        return False
    text = block.text
    words = text.split()
    first = text.lstrip("‘'“\"«„([")[:1]
    if not 1 <= len(words) <= SUBHEAD_WORDS or L.ends_sentence(text) or text.endswith(("?", ",")) or not first.isupper():
        return False
    if L.byline(text) or L.date_of(text) or L.is_credit(text) or L.is_furniture(text):
        return False
    before = blocks[index - 1]
    return (before.is_list or before.heading is False and L.ends_sentence(before.text)) and \
        len(blocks[index + 1].text.split()) > len(words)


def _without_pull_quotes(blocks: list[Block], notes: list[str]) -> list[Block]:
    """Drop each paragraph whose words repeat inside a longer paragraph of the same article (a pull-quote).

    Two identical paragraphs are both kept: a source may repeat itself, and nothing says which is the copy.
    """
    keys = [None if block.is_list or block.heading else f" {L.key(block.text)} " for block in blocks]
    kept = []
    for index, block in enumerate(blocks):
        mine = keys[index]
        repeats = mine is not None and len(mine.split()) >= PULL_QUOTE_WORDS and any(
            other is not None and mine in other and len(other) > len(mine) for other in keys)
        if repeats:
            notes.append(f"pull-quote dropped (it repeats the article's own text): '{_short(block.text)}'")
        else:
            kept.append(block)
    return kept


def take_damaged_dateline(record: Record) -> str | None:
    """The agency of a damaged dateline ('( / JNS)') at the start of the first paragraph, which loses it."""
    if not record.blocks or record.blocks[0].is_list or record.blocks[0].heading:
        return None
    found = damaged_dateline(record.blocks[0].text)
    if found is None:
        return None
    city, agency, length = found
    text = record.blocks[0].text
    record.notes.append(f"dateline '{text[:length].strip()}' taken out of the first paragraph"
                        + ("" if city else " (its place is missing in the source)"))
    record.dateline = record.dateline or city
    record.blocks[0] = Block(text[length:].strip())
    return agency


def fingerprint(lines: list[str]) -> str:
    """sha256 of an article's own text in its source, spacing folded: recognises the same source added again."""
    text = "\n".join(" ".join(line.split()) for line in lines if line.strip())
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
