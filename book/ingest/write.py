"""Article records → corpus files: ids, front matter, never overwriting, no duplicates, new outlets."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from book.errors import IngestError
from book.files import Located, load_yaml, read_text, split_front_matter, write_atomic
from book.ingest.markdown_text import body_markdown, normalised
from book.ingest.records import Record
from book.models import ArticleMeta

STOPWORDS = {
    "a", "an", "the", "of", "on", "in", "to", "for", "and", "or", "at", "by", "with", "from", "as", "is",
    "are", "be", "its", "it", "that", "this", "into", "over", "after", "about", "s",
}
TITLE_WORDS = 4
_NOT_YAML = re.compile("[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Planned:
    """What `book add` does with one record: its id, its file text, and whether it is new."""

    record: Record
    article_id: str
    text: str
    status: str          # added | already in corpus (<id>) | would add (dry run) | duplicate in this run


def slug(text: str) -> str:
    """Lower-case a-z0-9 words joined by hyphens ('Türk TSO' → 'turk-tso')."""
    spaced = re.sub(r"[^\w]+", " ", text)  # 'Blueprint—and' is two words
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


def article_id(record: Record) -> str:
    """`<outlet>-<date>-<title words>`; parts the source does not give are left out."""
    words = [word for word in slug(record.title).split("-") if word and word not in STOPWORDS]
    parts = [slug(record.outlet or ""), record.date.isoformat() if record.date else "", "-".join(words[:TITLE_WORDS])]
    return "-".join(part for part in parts if part) or "article"


def front_matter(record: Record) -> str:
    """The YAML front matter, keys in DESIGN order, `null` for what the source does not say."""
    lines = ["---"]
    for key, value in record.meta().items():
        lines.append(f"{key}: {_scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = re.sub("[\ud800-\udfff]", "\ufffd", " ".join(str(value).split()))  # a lone surrogate is no text YAML can hold
    try:
        plain = YAML(typ="safe").load(f"k: {text}")
    except Exception:  # noqa: BLE001 - any YAML trouble means: quote it
        plain = None
    if isinstance(plain, dict) and plain.get("k") == text and "#" not in text:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar
    return _NOT_YAML.sub(lambda match: f"\\u{ord(match[0]):04x}", quoted)  # characters YAML may not hold raw


def article_text(record: Record) -> str:
    """The whole corpus file for a record."""
    body = record.markdown_body if record.markdown_body is not None else body_markdown(record.blocks)
    return front_matter(record) + body


@dataclass(frozen=True)
class InCorpus:
    """What identifies the articles already in the corpus: their bodies, and where each came from."""

    bodies: dict[str, str]                      # normalised body → article id
    origins: dict[tuple[str, str], str]         # (provenance, source fingerprint) → article id


def existing_articles(corpus: Path) -> InCorpus:
    """The bodies and origins (provenance and fingerprint) of every article already in the corpus."""
    found = InCorpus({}, {})
    for path in sorted(corpus.glob("*.md")):
        where = Located(path.name, corpus.parent)
        text = read_text(path, where)
        split = split_front_matter(text, where) if text is not None else None
        if split is None:
            continue
        found.bodies.setdefault(normalised(split[1]), path.stem)
        data = load_yaml(split[0], where)
        if isinstance(data, dict) and data.get("provenance") and data.get("fingerprint"):
            found.origins.setdefault((str(data["provenance"]), str(data["fingerprint"])), path.stem)
    return found


def plan(records: list[Record], corpus: Path, dry_run: bool) -> list[Planned]:
    """An id and a status for every record: new, already in the corpus (maybe edited since), or repeated in this run."""
    in_corpus = existing_articles(corpus)
    this_run: dict[str, str] = {}
    taken = {path.stem for path in corpus.glob("*.md")}
    planned = []
    for record in records:
        text = article_text(record)
        _check(record, text)
        key = normalised(text.split("\n---\n", 1)[1])
        if key in in_corpus.bodies:
            planned.append(Planned(record, in_corpus.bodies[key], text, "already in corpus"))
            continue
        origin = in_corpus.origins.get((record.provenance, record.fingerprint or ""))
        if origin is not None:
            planned.append(Planned(record, origin, text, "already in corpus (edited since)"))
            continue
        if key in this_run:
            planned.append(Planned(record, this_run[key], text, "repeated in this run"))
            continue
        base = article_id(record)
        chosen, n = base, 2
        while chosen in taken:
            chosen, n = f"{base}-{n}", n + 1
        taken.add(chosen)
        this_run[key] = chosen
        planned.append(Planned(record, chosen, text, "would add (dry run)" if dry_run else "added"))
    return planned


def _check(record: Record, text: str) -> None:
    """The file we are about to write must be a valid corpus file."""
    where = Located(record.provenance)
    split = split_front_matter(text, where)
    data = load_yaml(split[0], where) if split else None
    try:
        ArticleMeta.model_validate(data)
    except Exception as error:  # a bug in ingest, shown with the source it came from
        raise IngestError(f"{record.provenance}:{record.line}: cannot write a valid article: {error}") from error


def write_articles(planned: list[Planned], corpus: Path) -> None:
    """Write every new article; an existing file is never touched."""
    for item in planned:
        if item.status != "added":
            continue
        try:
            write_atomic(corpus / f"{item.article_id}.md", item.text, overwrite=False)
        except FileExistsError as error:
            raise IngestError(f"corpus/{item.article_id}.md appeared while adding; nothing overwritten") from error


def add_outlets(path: Path, names: list[str], dry_run: bool) -> list[str]:
    """Append outlets that outlets.yaml does not list yet (empty fields), keeping its comments."""
    yaml = YAML(typ="rt")
    where = Located("corpus/outlets.yaml", path.parent.parent)
    text = read_text(path, where) if path.exists() else ""
    if text is None:
        raise IngestError("corpus/outlets.yaml cannot be read; fix it before adding sources", tuple(where.diagnostics))
    data = load_yaml(text, where) if text.strip() else None
    if where.diagnostics:
        raise IngestError("corpus/outlets.yaml is not valid YAML; fix it before adding sources", tuple(where.diagnostics))
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise IngestError("corpus/outlets.yaml must map outlet names to {country, kind, perspective}")
    new = [name for name in dict.fromkeys(names) if name not in data]
    if not new or dry_run:
        return new
    if text.strip() and all(line.lstrip().startswith("#") or not line.strip() for line in text.splitlines()):
        # a file of comments only: ruamel would drop them, so append the entries as text
        out = io.StringIO()
        yaml.dump({name: {"country": None, "kind": None, "perspective": None} for name in new}, out)
        write_atomic(path, text.rstrip("\n") + "\n" + out.getvalue())
        return new
    for name in new:
        data[name] = CommentedMap([("country", None), ("kind", None), ("perspective", None)])
    out = io.StringIO()
    yaml.dump(data, out)
    write_atomic(path, out.getvalue())
    return new
