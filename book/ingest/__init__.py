"""ingest: raw sources (text digests, saved pages, URLs, Markdown) → article records → corpus files."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from book.errors import Diagnostic, IngestError, not_a_project
from book.files import Located, load_yaml, read_text
from book.ingest import language
from book.ingest.markdown import parse_markdown
from book.ingest.records import Record, Source
from book.ingest.report import print_report
from book.ingest.sources import fetch, is_url, read_file, redacted
from book.ingest.text import parse_digest
from book.ingest.write import Planned, add_outlets, plan, write_articles



def parse_page(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """An HTML page through trafilatura, imported only now: text digests and Markdown never load it."""
    try:
        from book.ingest import html
    except ImportError as error:  # e.g. lxml_html_clean, which old pips leave out
        why = (str(error).splitlines() or [str(error.name)])[0]
        raise IngestError(f"{source.display}: reading HTML needs trafilatura and lxml_html_clean, which cannot be "
                          f"imported ({why}); install them (pip install trafilatura lxml_html_clean); nothing added"
                          ) from error
    return html.parse_page(source, known_outlets)


PARSERS = {"text": parse_digest, "html": parse_page, "markdown": parse_markdown}


def read_source(name: str, warnings: list[Diagnostic], allow_private: bool = False) -> Source:
    """A file path or an http(s) URL as decoded text."""
    if is_url(name):
        return fetch(name, warnings, allow_private=allow_private)
    if "://" in name:
        raise IngestError(f"{redacted(name)}: only http:// and https:// addresses can be fetched; nothing added")
    return read_file(Path(name), name, warnings)


def records_of(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """The articles in one source."""
    records = PARSERS[source.kind](source, known_outlets)
    if not records:
        raise IngestError(f"{source.display}: no article found; nothing added")
    return records


def known_outlets(project_dir: Path) -> tuple[str, ...]:
    """The outlet names corpus/outlets.yaml already lists."""
    path = project_dir / "corpus" / "outlets.yaml"
    where = Located("corpus/outlets.yaml", project_dir)
    text = read_text(path, where) if path.is_file() else None
    data = load_yaml(text, where) if text else None
    return tuple(str(name) for name in data) if isinstance(data, dict) else ()


def book_language(project_dir: Path) -> str:
    """book.yaml's language (English when it names none or cannot be read: book check says why)."""
    where = Located("book.yaml", project_dir)
    text = read_text(project_dir / "book.yaml", where)
    data = load_yaml(text, where) if text else None
    value = data.get("language") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else "en"


def _corpus_folder(root: Path) -> Path:
    """`root`/corpus, after checking that `root` is a book project where corpus/ can be a folder."""
    if not root.is_dir():
        raise IngestError(f"{root}: no such folder")
    if not (root / "book.yaml").is_file():
        raise IngestError(not_a_project(root))
    corpus = root / "corpus"
    if corpus.exists() and not corpus.is_dir():
        raise IngestError(f"{corpus}: not a folder; corpus/ must be a folder that holds the articles")
    return corpus


def _console() -> Console:
    """The terminal; when output is piped, wide enough that rows stay readable."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


def add_sources(project_dir: Path, sources: tuple[str, ...], dry_run: bool = False,
                console: Console | None = None, allow_private: bool = False) -> list[Planned]:
    """Read every source first, then write the new articles and outlets; a bad source stops all writing.

    `allow_private` lets each URL's own host be at a private, loopback or link-local address.
    """
    console = console or _console()
    corpus = _corpus_folder(Path(project_dir))
    outlets = known_outlets(Path(project_dir))
    warnings: list[Diagnostic] = []
    records: list[Record] = []
    for name in sources:
        for record in records_of(read_source(name, warnings, allow_private), outlets):
            if record.blocks or record.markdown_body is not None:
                records.append(record)
            else:
                warnings.append(Diagnostic(name, record.line, f"'{record.title}' has no text under it; skipped", "warning"))
    if not records:
        for warning in warnings:
            console.print(str(warning), markup=False, highlight=False)
        raise IngestError("no article with text found; nothing added")
    language.mark(records, book_language(Path(project_dir)))
    planned = plan(records, corpus, dry_run)
    names = [item.record.outlet for item in planned if item.record.outlet and item.status in ("added", "would add (dry run)")]
    for warning in warnings:
        console.print(str(warning), markup=False, highlight=False)
    if not dry_run:
        corpus.mkdir(parents=True, exist_ok=True)
    new_outlets = add_outlets(corpus / "outlets.yaml", names, dry_run)
    if not dry_run:
        write_articles(planned, corpus)
    print_report(planned, new_outlets, dry_run, console)
    return planned
