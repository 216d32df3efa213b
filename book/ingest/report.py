"""The terminal report of `book add`: one row per article, and what could not be recognised."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from book.ingest.write import Planned


def print_report(planned: list[Planned], new_outlets: list[str], dry_run: bool, console: Console | None = None) -> None:
    """A table of the articles found, then per article what the rules could not find."""
    console = console or Console()
    table = Table(title="book add" + (" (dry run: nothing written)" if dry_run else ""), show_lines=False)
    for column in ("id", "title", "outlet", "date", "author", "paragraphs", "status"):
        table.add_column(column, overflow="fold", max_width=48 if column == "title" else None,
                         no_wrap=column in ("date", "paragraphs"))
    for item in planned:
        record = item.record
        paragraphs = len(record.blocks) if record.markdown_body is None else "-"
        table.add_row(item.article_id, record.title, record.outlet or "—", str(record.date or "—"),
                      record.author or "—", str(paragraphs), item.status)
    console.print(table)
    for item in planned:
        missing = item.record.unrecognised()
        if missing and not item.status.startswith("already in corpus"):
            console.print(f"{item.record.provenance}:{item.record.line}: {item.article_id}: " + "; ".join(missing),
                          markup=False, highlight=False)
    added = sum(item.status in ("added", "would add (dry run)") for item in planned)
    known = sum(item.status.startswith("already in corpus") for item in planned)
    verb = "would add" if dry_run else "added"
    console.print(f"{verb} {added} article{'s' * (added != 1)}; {known} already in the corpus (nothing changed)",
                  markup=False, highlight=False)
    for name in new_outlets:
        console.print(f"corpus/outlets.yaml: warning: new outlet '{name}' {'would be ' if dry_run else ''}added with "
                      "empty country, kind and perspective: fill them in", markup=False, highlight=False)
