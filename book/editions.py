"""Editions: which edition a build is, what changed since the last release, and `book release`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass

from book.models import Edition
from book.project import Article, Project
from book.render.model import EditionInfo


@dataclass(frozen=True)
class Diff:
    """Article ids added, changed and removed since the previous edition (None: there is none)."""

    previous: int | None
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def today() -> dt.date:
    """The release/build date: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


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


def release(project_dir, note: str | None = None) -> None:
    """Record editions/<n>.yaml and build that edition (see issue 8)."""
    raise NotImplementedError("book release is not implemented yet")
