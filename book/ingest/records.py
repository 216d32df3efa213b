"""What ingest finds in a source: article records, before they become corpus files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Block:
    """One passage of an article: a paragraph, or a list of items, as plain source text."""

    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.items)

    def words(self) -> list[str]:
        """The words of the block as the source has them."""
        return [word for part in (self.items or (self.text,)) for word in part.split()]


@dataclass
class Record:
    """One article found in a source, with the metadata the rules recognised."""

    title: str
    provenance: str
    line: int = 1
    outlet: str | None = None
    date: dt.date | None = None
    author: str | None = None
    dateline: str | None = None
    url: str | None = None
    standfirst: str | None = None
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    markdown_body: str | None = None  # Markdown sources keep their body exactly as written
    language: str | None = None  # the source's language when it is not the book's (BCP 47)
    language_note: str | None = None  # how it was found, for the report

    def meta(self) -> dict:
        """The front matter, keys in the order of DESIGN §1."""
        return {
            "title": self.title,
            "outlet": self.outlet,
            "date": self.date,
            "author": self.author,
            "dateline": self.dateline,
            "url": self.url,
            "standfirst": self.standfirst,
            **({"language": self.language} if self.language else {}),
            "provenance": self.provenance,
        }

    def unrecognised(self) -> list[str]:
        """What the source did not say (or the rules could not find), plus notes."""
        missing = [f"no {key}" for key in ("outlet", "date", "author") if getattr(self, key) is None]
        return missing + self.notes


@dataclass(frozen=True)
class Source:
    """A raw source as text: where it came from and how it was decoded."""

    name: str          # the provenance: file name or URL
    text: str
    kind: str          # text | html | markdown
    display: str       # the path or URL as the user gave it, for messages
