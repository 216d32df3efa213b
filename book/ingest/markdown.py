"""Markdown the editor wrote: front matter validated like any corpus file, body kept as written."""

from __future__ import annotations

from book.errors import IngestError
from book.files import Located, load_yaml, split_front_matter, validate
from book.ingest.records import Record, Source
from book.models import ArticleMeta


def parse_markdown(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """One article from a Markdown file with front matter, or IngestError naming each problem."""
    where = Located(source.display)
    split = split_front_matter(source.text, where)
    meta = None
    if split is not None:
        yaml_text, body, body_line = split
        data = load_yaml(yaml_text, where, first_line=2)
        if not where.diagnostics:
            meta = validate(ArticleMeta, data, where, first_line=2)
        if meta is not None and not body.strip():
            where.error(body_line - 1, "the article has no text after its front matter")
    if where.diagnostics or meta is None:
        raise IngestError(f"{source.display}: not a valid corpus article; nothing added", tuple(where.diagnostics))
    return [Record(
        title=meta.title, provenance=meta.provenance or source.name, line=1, outlet=meta.outlet, date=meta.date,
        author=meta.author, credits=meta.credits, dateline=meta.dateline, url=meta.url, standfirst=meta.standfirst,
        fingerprint=meta.fingerprint, markdown_body=body.strip("\n") + "\n",
    )]

