"""Editions: which edition a build is, what changed since the edition before it, and recording a release."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML

from book.clock import today
from book.errors import Diagnostic, ReleaseError, plural
from book.files import write_atomic
from book.lock import project_folder
from book.models import SUPPLIABLE, Edition, SourceRecord
from book.project import Article, Project
from book.render.model import EditionInfo

# How a source changed, as "What's new" says it.
TEXT, METADATA, BOTH, UNKNOWN = "text changed", "metadata changed", "text and metadata changed", "changed"


@dataclass(frozen=True)
class Diff:
    """Article ids added, changed and removed since an edition (`previous` None: there is none)."""

    previous: int | None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    how: dict[str, str] = field(default_factory=dict)  # changed id → TEXT | METADATA | BOTH | UNKNOWN
    titles: dict[str, str] = field(default_factory=dict)  # removed id → its title when the edition recorded it

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


def _sha256(payload) -> str:
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()


def _text(article: Article) -> str:
    return re.sub(r"\s+", " ", article.body).strip()


def _meta(article: Article, without_supplied: bool = False) -> dict:
    """The metadata a manifest fingerprints: the front matter but where `book add` found it (`provenance`, `fingerprint`)."""
    meta = article.meta.model_dump(mode="json", exclude={"provenance", "fingerprint"})
    if meta.get("credits") is None:
        meta.pop("credits", None)  # a manifest written before `credits` existed did not hash it
    if without_supplied:  # as it was before the editors supplied values
        for key in meta.pop("supplied", {}):
            if key in SUPPLIABLE:
                meta[key] = None
    elif not meta.get("supplied"):
        meta.pop("supplied", None)  # a manifest written before `supplied` existed did not hash it
    if meta.get("language") is None:
        meta.pop("language", None)  # nor `language`
    return meta


def record_of(article: Article) -> SourceRecord:
    """A source as a manifest records it: its title, and fingerprints of its normalised text and of its metadata."""
    return SourceRecord(title=article.meta.title, text=_sha256(_text(article)), meta=_sha256(_meta(article)))


def legacy_fingerprint(article: Article, without_supplied: bool = False) -> str:
    """The one fingerprint of text and metadata together that manifests held before SourceRecord."""
    return _sha256({"meta": _meta(article, without_supplied), "text": _text(article)})


def how_changed(article: Article, recorded: SourceRecord | str) -> str | None:
    """TEXT, METADATA, BOTH or UNKNOWN (an old manifest cannot tell), or None when unchanged."""
    if isinstance(recorded, SourceRecord):
        now = record_of(article)
        text, meta = now.text != recorded.text, now.meta != recorded.meta
        return BOTH if text and meta else TEXT if text else METADATA if meta else None
    if legacy_fingerprint(article) == recorded:
        return None
    if article.meta.supplied and legacy_fingerprint(article, without_supplied=True) == recorded:
        return METADATA  # the same text and metadata, but for the values the editors have supplied since
    return UNKNOWN


def changes_since(project: Project, edition: Edition | None) -> Diff:
    """What changed in the corpus since `edition` (everything is new when it is None)."""
    if edition is None:
        return Diff(previous=None)
    now = {article.id: article for article in project.articles}
    how = {}
    for article_id, article in now.items():
        if article_id in edition.sources:
            change = how_changed(article, edition.sources[article_id])
            if change is not None:
                how[article_id] = change
    removed = tuple(sorted(set(edition.sources) - set(now)))
    titles = {i: record.title for i in removed if isinstance(record := edition.sources[i], SourceRecord)}
    return Diff(
        previous=edition.edition,
        added=tuple(sorted(set(now) - set(edition.sources))),
        changed=tuple(sorted(how)),
        removed=removed,
        how=how,
        titles=titles,
    )


def latest(project: Project) -> Edition | None:
    return project.editions[-1] if project.editions else None


def before(project: Project, number: int) -> Edition | None:
    """The last edition released before edition `number`."""
    earlier = [edition for edition in project.editions if edition.edition < number]
    return earlier[-1] if earlier else None


def diff(project: Project) -> Diff:
    """What changed in the corpus since the latest released edition."""
    return changes_since(project, latest(project))


def whats_new(project: Project, edition: EditionInfo) -> Diff:
    """What `edition` changes: the corpus against the edition before it (never against itself)."""
    return changes_since(project, before(project, edition.number))


def current_edition(project: Project) -> EditionInfo:
    """The released edition if nothing changed since, else the next one as a draft."""
    last = latest(project)
    if last is not None and not diff(project).any:
        return EditionInfo(number=last.edition, date=last.released, draft=False, note=last.note)
    number = last.edition + 1 if last else 1
    return EditionInfo(number=number, date=today(), draft=True, note=None)


def manifest(project: Project, number: int, note: str | None) -> str:
    """The YAML text of editions/<number>.yaml for the project as it is now."""
    edition = Edition(
        edition=number,
        released=today(),
        note=note,
        sources={article.id: record_of(article) for article in project.articles},
    )
    stream = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # one fingerprint per line, never folded
    yaml.dump(edition.model_dump(), stream)
    return stream.getvalue()


def unattributed(project: Project) -> tuple[Diagnostic, ...]:
    """An error at `outlet:` for each source with neither an outlet nor one the editors supplied."""
    return tuple(
        Diagnostic(article.path, article.line("outlet"),
                   "no outlet: name it, or set 'outlet:' to the one you established and say how under "
                   "'supplied: {outlet: …}' (or release with --allow-unattributed)")
        for article in project.articles if article.meta.outlet is None
    )


@dataclass(frozen=True)
class Recorded:
    """An edition's manifest, written and not yet built: `withdraw` takes it back if the build fails."""

    number: int
    path: Path
    made_folder: bool  # editions/ did not exist before
    sources: int
    change: Diff

    def withdraw(self) -> None:
        self.path.unlink(missing_ok=True)  # an edition is recorded only once it is built
        if self.made_folder:
            self.path.parent.rmdir()


def releasable(project: Project, allow_unattributed: bool = False) -> Diff:
    """What changed since the last edition; refuses when nothing did, or on unattributed sources unless allowed."""
    change = diff(project)
    if change.previous is not None and not change.any:
        raise ReleaseError(f"nothing changed since edition {change.previous}: add or edit sources first")
    missing = unattributed(project)
    if missing and not allow_unattributed:
        raise ReleaseError(f"{plural(len(missing), 'source')} without an outlet: name it or supply it, "
                           "or give --allow-unattributed (the colophon then says how many)", missing)
    return change


def record(project: Project, change: Diff, note: str | None = None) -> Recorded:
    """Write editions/<n>.yaml for the corpus as it is (the caller holds the project's lock and checked `change`)."""
    number = (change.previous or 0) + 1
    path = project.root / "editions" / f"{number}.yaml"
    made_folder = not path.parent.exists()
    project_folder(project.root, "editions")  # never an editions/ that leads out of the project
    try:
        write_atomic(path, manifest(project, number, note), overwrite=False)
    except FileExistsError:
        raise ReleaseError(f"editions/{number}.yaml already exists") from None
    return Recorded(number, path, made_folder, len(project.articles), change)
