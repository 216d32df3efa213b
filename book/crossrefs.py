"""Cross-references between a project's files: what one file names must exist in another.

Works on the loader's parsed files (each with `.model`, `.where` and `.line(*loc)`).
"""

from __future__ import annotations

from dataclasses import dataclass

from book.models import PASSAGE_REF_RE


@dataclass(frozen=True)
class Known:
    """What exists even when its file is invalid: a reference to it is not a second error."""

    articles: set[str]
    chapters: set[str]
    terms: set[str] | None  # None: glossary.yaml itself is unreadable, so term references are not checked


def order_chapters(config, chapters: list, known: Known) -> list:
    """The chapters in book.yaml's `chapters:` order, each listed slug checked."""
    order = config.model.chapters
    if order is None:
        return chapters
    by_slug = {parsed.model.slug: parsed for parsed in chapters}
    ordered = []
    for index, slug in enumerate(order):
        if slug not in by_slug and slug in known.chapters:
            continue  # its file is invalid and already reported
        if slug not in by_slug:
            config.where.error(config.line("chapters", index), f"chapters: no chapter '{slug}' in chapters/")
        elif by_slug[slug] in ordered:
            config.where.error(config.line("chapters", index), f"chapters: '{slug}' is listed twice")
        else:
            ordered.append(by_slug[slug])
    for parsed in chapters:
        if parsed not in ordered:
            parsed.where.error(1, f"chapter '{parsed.model.slug}' is not listed in book.yaml 'chapters:'; add it or remove the file")
    return ordered


def check_references(outlets, glossary, articles, chapters, known: Known, timeline=()) -> None:
    """Every id one file names in another exists: outlets, glossary ids, articles and passages."""
    term_ids = known.terms
    for parsed in glossary:
        for index, target in enumerate(parsed.model.see):
            if target not in term_ids:
                parsed.where.error(parsed.line("see", index), f"see: unknown glossary id '{target}'")
    _check_names(glossary)
    passages = {parsed.model.id: len(parsed.model.passages) for parsed in articles}
    for parsed in articles:
        outlet = parsed.model.meta.outlet
        if outlet is not None and outlets is not None and outlet not in outlets:
            parsed.where.error(parsed.line("outlet"), f"outlet '{outlet}' is not in corpus/outlets.yaml")
    for parsed in chapters:
        spec = parsed.model.spec
        for index, term in enumerate(spec.match.terms):
            if term_ids is not None and term not in term_ids:
                parsed.where.error(parsed.line("match", "terms", index), f"match.terms: unknown glossary id '{term}'")
        for key in ("include", "exclude"):
            for index, ref in enumerate(getattr(spec, key)):
                problem = _ref_problem(ref, passages)
                if problem and ref.partition(":")[0] not in known.articles - passages.keys():
                    parsed.where.error(parsed.line(key, index), f"{key}: {problem}")
        notes = [(("teacher_notes",), spec.teacher_notes)]
        notes += [(("questions", index, "note"), q.note) for index, q in enumerate(spec.question_list())]
        for loc, note in notes:
            for match in PASSAGE_REF_RE.finditer(note or ""):
                problem = _ref_problem(match.group(), passages)
                if problem and match.group(1) not in known.articles - passages.keys():
                    named = f"'{match.group()}': " if problem.startswith("no article") else ""
                    parsed.where.error(parsed.line(*loc), f"{'note' if loc[0] == 'questions' else loc[0]}: {named}{problem}")
    for parsed in timeline:
        for index, report in enumerate(parsed.model.report_list()):
            ref = report.passage
            problem = _ref_problem(ref, passages) or (None if ":" in ref else
                                                      f"'{ref}' names an article: give the passage that reports the event, '{ref}:<n>'")
            if problem and ref.partition(":")[0] not in known.articles - passages.keys():
                at = ("reports", index) if isinstance(parsed.model.reports[index], str) else ("reports", index, "passage")
                parsed.where.error(parsed.line(*at), f"reports: {problem}")


def _check_names(glossary) -> None:
    """One name may belong to one entry only, or the matcher could not tell which is meant."""
    owner: dict[str, str] = {}
    for parsed in glossary:
        term = parsed.model
        for name in term.all_names():
            claimed = owner.setdefault(name, term.id)
            if claimed != term.id:
                parsed.where.error(parsed.line(), f"name '{name}' of '{term.id}' is already a name of '{claimed}'")


def _ref_problem(ref: str, passages: dict[str, int]) -> str | None:
    article_id, _, number = ref.partition(":")
    if article_id not in passages:
        return f"no article '{article_id}' in corpus/"
    if not number:
        return None
    if not number.isdigit() or not 1 <= int(number) <= passages[article_id]:
        return f"'{ref}': article '{article_id}' has passages 1 to {passages[article_id]}"
    return None
