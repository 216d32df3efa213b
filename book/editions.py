"""Editions: which edition a build is, what changed since the last release, and `book release`."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from book.clock import today
from book.errors import ReleaseError
from book.files import write_atomic
from book.lock import project_lock
from book.models import Edition
from book.project import Article, Project, load
from book.render.model import EditionInfo


@dataclass(frozen=True)
class Diff:
    """Article ids added, changed and removed since the previous edition (None: there is none)."""

    previous: int | None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def fingerprint(article: Article) -> str:
    """The hash of an article's normalised text and metadata, as stored in a manifest."""
    text = re.sub(r"\s+", " ", article.body).strip()
    meta = article.meta.model_dump(mode="json", exclude={"provenance"})
    payload = json.dumps({"meta": meta, "text": text}, sort_keys=True, ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()


def latest(project: Project) -> Edition | None:
    return project.editions[-1] if project.editions else None


def diff(project: Project) -> Diff:
    """What changed in the corpus since the latest released edition."""
    last = latest(project)
    if last is None:
        return Diff(previous=None)
    now = {article.id: fingerprint(article) for article in project.articles}
    return Diff(
        previous=last.edition,
        added=tuple(sorted(set(now) - set(last.sources))),
        changed=tuple(sorted(i for i in now if i in last.sources and last.sources[i] != now[i])),
        removed=tuple(sorted(set(last.sources) - set(now))),
    )


def current_edition(project: Project) -> EditionInfo:
    """The released edition if nothing changed since, else the next one as a draft."""
    last = latest(project)
    change = diff(project)
    if last is not None and not (change.added or change.changed or change.removed):
        return EditionInfo(number=last.edition, date=last.released, draft=False, note=last.note)
    number = last.edition + 1 if last else 1
    return EditionInfo(number=number, date=today(), draft=True, note=None)


def manifest(project: Project, number: int, note: str | None) -> str:
    """The YAML text of editions/<number>.yaml for the project as it is now."""
    edition = Edition(
        edition=number,
        released=today(),
        note=note,
        sources={article.id: fingerprint(article) for article in project.articles},
    )
    stream = io.StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # one source per line, never folded
    yaml.dump(edition.model_dump(), stream)
    return stream.getvalue()


RELEASE_FORMATS = ("pdf", "epub", "html")


def release(project_dir: Path, note: str | None = None) -> list[Path]:
    """Record editions/<n>.yaml and build that edition; refuses on errors or when nothing changed."""
    from book.pipeline import build

    with project_lock(Path(project_dir)):
        project = load(project_dir)
        change = diff(project)
        if change.previous is not None and not (change.added or change.changed or change.removed):
            raise ReleaseError(f"nothing changed since edition {change.previous}: add or edit sources first")
        number = (change.previous or 0) + 1
        path = project.root / "editions" / f"{number}.yaml"
        made_folder = not path.parent.exists()
        try:
            write_atomic(path, manifest(project, number, note), overwrite=False)
        except FileExistsError:
            raise ReleaseError(f"editions/{number}.yaml already exists") from None
    try:
        outputs = build(project_dir, formats=RELEASE_FORMATS)
    except BaseException:
        path.unlink(missing_ok=True)  # an edition is recorded only once it is built
        if made_folder:
            path.parent.rmdir()
        raise
    print(f"released edition {number}: editions/{number}.yaml ({len(project.articles)} sources)")
    return outputs
