"""Articles → passages → chapters: scores (kept in the build cache), pins, excludes, "Further reporting"."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from book.cache import Cache, code_version, key
from book.models import Term
from book.plaintext import plain_text
from book.project import Article, Chapter, Passage, Project
from book.words import FURTHER_INTRO, FURTHER_TITLE  # English here; annotate gives the book its language's words

FURTHER = "further"  # slug of the final "Further reporting" chapter


@dataclass(frozen=True)
class Decision:
    """Why a passage sits where it does."""

    ref: str
    chapter: str  # a chapter slug, or FURTHER
    scores: dict[str, int]  # chapter slug → score (chapters with score 0 may be left out)
    reason: str
    rule: str = "score"  # "include" | "score" | "article" (stayed with its article) | "further"


@dataclass(frozen=True)
class PlannedChapter:
    """A chapter and its passages in book order (articles by date, passages in order)."""

    slug: str
    title: str
    intro: str  # Markdown
    questions: tuple[str, ...]  # Markdown
    refs: tuple[str, ...]
    further: bool = False


@dataclass(frozen=True)
class Plan:
    chapters: tuple[PlannedChapter, ...]
    decisions: tuple[Decision, ...]


# --- matching ---------------------------------------------------------------------------


def keyword_pattern(keyword: str) -> str:
    """A keyword as a regex: whole words, any whitespace inside a phrase, trailing `*` a prefix."""
    return rf"(?<!\w){_keyword_body(keyword)}"


def _keyword_body(keyword: str) -> str:
    """keyword_pattern() without the check before the first letter (shared by a whole matcher)."""
    keyword = keyword.strip()
    prefix = keyword.endswith("*")
    body = r"\s+".join(re.escape(word) for word in keyword.rstrip("*").split())
    return body + (r"\w*" if prefix else r"(?!\w)")


class ChapterMatcher:
    """One compiled pattern for all of a chapter's keywords and its glossary terms' names."""

    def __init__(self, keywords: list[str], names: list[str]):
        patterns = {_keyword_body(keyword): len(keyword) for keyword in keywords}
        for name in names:
            patterns.setdefault(_keyword_body(name.replace("*", r"\*")), len(name))
        # Longest first: "humanitarian truce" is one mention, not also a mention of "truce".
        ordered = sorted(patterns, key=lambda pattern: (-patterns[pattern], pattern))
        alternatives = "|".join(ordered)
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE) if ordered else None

    def score(self, text: str) -> int:
        """How many times the chapter's keywords and names occur in `text` (no overlaps)."""
        if self.pattern is None:
            return 0
        return sum(1 for _ in self.pattern.finditer(text))

    def matches(self, text: str) -> list[str]:
        return [match.group(0) for match in self.pattern.finditer(text)] if self.pattern else []


def chapter_matcher(chapter: Chapter, glossary: dict[str, Term]) -> ChapterMatcher:
    """The matcher for `chapter`: its keywords and every name of its `match.terms`."""
    names = [name for term_id in chapter.spec.match.terms if term_id in glossary
             for name in glossary[term_id].all_names()]
    return ChapterMatcher(chapter.spec.match.keywords, names)


def score_passages(project: Project) -> dict[str, dict[str, int]]:
    """ref → {chapter slug → score}, every chapter in book order."""
    glossary = {term.id: term for term in project.glossary}
    matchers = [(chapter.slug, chapter_matcher(chapter, glossary)) for chapter in project.chapters]
    scores = {}
    for passage in project.passages:
        text = plain_text(passage.text)
        scores[passage.ref] = {slug: matcher.score(text) for slug, matcher in matchers}
    return scores


# --- pins -----------------------------------------------------------------------------


def score_cache(root: Path) -> Cache:
    """Passage scores, kept under the chapters' rules and each passage's text; made by this module's code."""
    return Cache(root, "scores", code_version(("organise.py",)))


def passage_scores(project: Project, cache: Cache | None = None) -> dict[str, dict[str, int]]:
    """score_passages(project), each passage's scores kept in `cache` under its text and the chapters' rules."""
    if cache is None:
        return score_passages(project)
    glossary = {term.id: term for term in project.glossary}
    matchers = [(chapter.slug, chapter_matcher(chapter, glossary)) for chapter in project.chapters]
    rules = key(*(f"{slug}\0{matcher.pattern.pattern if matcher.pattern else ''}" for slug, matcher in matchers))
    scores = {}
    for passage in project.passages:
        def score(text=passage.text):
            plain = plain_text(text)
            return tuple(matcher.score(plain) for _, matcher in matchers)

        entry_key = key(rules, passage.text)
        found = cache.get(entry_key, score)
        if not (isinstance(found, tuple) and len(found) == len(matchers) and all(type(n) is int for n in found)):
            found = cache.replace(entry_key, score())  # a damaged entry: score again
        scores[passage.ref] = dict(zip((slug for slug, _ in matchers), found))
    return scores


def _pin_level(entries: frozenset[str], passage: Passage) -> int:
    """0 if no entry names `passage`; 1 if one names its article; 2 if one names the passage."""
    if passage.ref in entries:
        return 2
    return 1 if passage.article_id in entries else 0


@dataclass(frozen=True)
class _ChapterPins:
    """A chapter's `include` and `exclude` entries, as sets."""

    slug: str
    include: frozenset[str]
    exclude: frozenset[str]

    def of(self, passage: Passage) -> tuple[bool, bool]:
        """(included, excluded) by this chapter; the more specific entry wins, exclude on a tie."""
        include = _pin_level(self.include, passage)
        exclude = _pin_level(self.exclude, passage)
        return include > exclude, exclude > 0 and exclude >= include


def _chapter_pins(chapters: tuple[Chapter, ...]) -> tuple[_ChapterPins, ...]:
    """The pins of the chapters that have any, in book order (the others pin nothing)."""
    return tuple(_ChapterPins(chapter.slug, frozenset(chapter.spec.include), frozenset(chapter.spec.exclude))
                 for chapter in chapters if chapter.spec.include or chapter.spec.exclude)


# --- assignment -----------------------------------------------------------------------


def organise(project: Project, scores: dict[str, dict[str, int]] | None = None) -> Plan:
    """Every passage of the corpus in exactly one chapter (DESIGN §3 stage 3).

    `scores` are score_passages(project) when the caller already has them (from a cache).
    """
    chapters = project.chapters
    order = {chapter.slug: index for index, chapter in enumerate(chapters)}
    min_scores = {chapter.slug: chapter.spec.match.min_score for chapter in chapters}
    all_scores = score_passages(project) if scores is None else scores
    pinning = _chapter_pins(chapters)
    decisions: dict[str, Decision] = {}
    for article in project.articles:
        settled: dict[str, Decision] = {}
        loose: list[tuple[Passage, set[str]]] = []
        for passage in article.passages:
            scores = all_scores[passage.ref]
            pins = {chapter.slug: chapter.of(passage) for chapter in pinning}
            excluded = {slug for slug, (_, out) in pins.items() if out}
            decision = _pinned(passage, scores, pins) or _scored(passage, scores, excluded, min_scores)
            if decision:
                settled[passage.ref] = decision
            else:
                loose.append((passage, excluded))
        for passage, excluded in loose:
            settled[passage.ref] = _stay_with_article(passage, all_scores[passage.ref], settled, excluded, order)
        decisions.update(settled)
    ordered = tuple(decisions[passage.ref] for passage in project.passages)
    return Plan(_planned_chapters(project, ordered), ordered)


def _pinned(passage: Passage, scores: dict[str, int], pins: dict[str, tuple[bool, bool]]) -> Decision | None:
    included = [slug for slug, (into, _) in pins.items() if into]
    if not included:
        return None
    first, others = included[0], included[1:]
    reason = f"pinned by include in '{first}'"
    if others:
        reason += f" (also included by {_names(others)}: the earlier chapter wins)"
    return Decision(passage.ref, first, scores, reason, "include")


def _scored(passage: Passage, scores: dict[str, int], excluded: set[str], min_scores: dict[str, int]) -> Decision | None:
    candidates = [slug for slug in scores if slug not in excluded and scores[slug] >= min_scores[slug]]
    if not candidates:
        return None
    best = max(scores[slug] for slug in candidates)
    tied = [slug for slug in candidates if scores[slug] == best]  # in book order
    winner = tied[0]
    reason = f"highest score {best} (min_score {min_scores[winner]})"
    if len(tied) > 1:
        reason += f"; tied with {_names(tied[1:])}: the earlier chapter wins"
    passed_over = sorted(slug for slug in excluded if scores[slug] >= min_scores[slug] and scores[slug] >= best)
    if passed_over:
        reason += f"; excluded from {_names(passed_over)}"
    return Decision(passage.ref, winner, scores, reason)


def _stay_with_article(passage: Passage, scores: dict[str, int], settled: dict[str, Decision],
                       excluded: set[str], order: dict[str, int]) -> Decision:
    held = Counter(decision.chapter for decision in settled.values() if decision.rule in ("include", "score"))
    total = sum(held.values())
    if not total:
        return Decision(passage.ref, FURTHER, scores,
                        "no passage of its article reaches any chapter's min_score", "further")
    allowed = [slug for slug in held if slug not in excluded]
    if not allowed:
        return Decision(passage.ref, FURTHER, scores,
                        "below every min_score, and excluded from every chapter holding its article", "further")
    home = min(allowed, key=lambda slug: (-held[slug], order[slug]))
    reason = (f"below every min_score: stays with its article "
              f"({held[home]} of its {total} placed passage{'s' * (total != 1)} are in '{home}')")
    return Decision(passage.ref, home, scores, reason, "article")


def _names(slugs: list[str]) -> str:
    return ", ".join(f"'{slug}'" for slug in slugs)


def article_order(article: Article) -> tuple:
    """Date order, undated last, then by id so that the book is the same every time."""
    return (article.meta.date is None, article.meta.date or dt.date.min, article.id)


def _planned_chapters(project: Project, decisions: tuple[Decision, ...]) -> tuple[PlannedChapter, ...]:
    by_chapter: dict[str, list[str]] = {}
    for decision in decisions:
        by_chapter.setdefault(decision.chapter, []).append(decision.ref)
    planned = [
        PlannedChapter(chapter.slug, chapter.spec.title, chapter.intro, tuple(q.question for q in chapter.spec.question_list()),
                       _book_order(project, by_chapter.get(chapter.slug, [])))
        for chapter in project.chapters
    ]
    if by_chapter.get(FURTHER):
        planned.append(PlannedChapter(FURTHER, FURTHER_TITLE, FURTHER_INTRO, (),
                                      _book_order(project, by_chapter[FURTHER]), further=True))
    return tuple(planned)


def _book_order(project: Project, refs: list[str]) -> tuple[str, ...]:
    """Passages grouped by article, articles in date order, passages in source order."""
    def key(ref: str):
        article_id, _, number = ref.rpartition(":")
        return article_order(project.article(article_id)), int(number)

    return tuple(sorted(refs, key=key))
