"""`book report`: how passages were assigned to chapters, and why (a Rich table, or JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from book.candidates import glossary_candidates, opening
from book.citations import balance
from book.errors import plural
from book.glossary import Matcher
from book.organise import FURTHER, Plan, organise
from book.plaintext import plain_text
from book.project import Project, load
from book.readable import MEASURE, available, reading_ease


def report_data(project: Project, plan: Plan) -> dict:
    """The report as plain data: DESIGN §2's `passages` (with each one's opening words and reading ease), plus
    chapters, fall-through, balance, glossary use and glossary candidates."""
    chapter_of = {decision.ref: decision.chapter for decision in plan.decisions}
    text_of = {passage.ref: plain_text(passage.text) for passage in project.passages}
    language = project.config.language
    return {
        "passages": [
            {"ref": d.ref, "opening": opening(text_of[d.ref]), "chapter": d.chapter, "scores": dict(d.scores),
             "reason": d.reason, "reading_ease": reading_ease(text_of[d.ref], language)}
            for d in plan.decisions
        ],
        "chapters": [
            {"slug": c.slug, "title": c.title, "passages": len(c.refs),
             "articles": list(dict.fromkeys(ref.rpartition(":")[0] for ref in c.refs)), "refs": list(c.refs),
             "reading_ease": reading_ease("\n\n".join(text_of[ref] for ref in c.refs), language)}
            for c in plan.chapters
        ],
        "readability": {"measure": MEASURE, "language": language, "available": available(language)},
        "fell_through": [
            {"ref": d.ref, "chapter": d.chapter, "reason": d.reason}
            for d in plan.decisions if d.rule in ("article", "further")
        ],
        "outlet_balance": {c.slug: {row.perspective: row.passages for row in balance(project, c.refs)}
                           for c in plan.chapters},
        "glossary_use": glossary_use(project, chapter_of),
        "glossary_candidates": [
            {"name": c.name, "mentions": c.mentions, "articles": c.articles, "first": c.first}
            for c in glossary_candidates(project)
        ],
    }


def glossary_use(project: Project, chapter_of: dict[str, str]) -> dict[str, dict[str, int]]:
    """term id → {chapter slug → mentions}, found by the matcher that links the book; unused terms map to {}."""
    matcher = Matcher(project.glossary)
    uses: dict[str, dict[str, int]] = {term.id: {} for term in project.glossary}
    for passage in project.passages:
        slug = chapter_of[passage.ref]
        for match in matcher.find(plain_text(passage.text)):
            uses[match.term_id][slug] = uses[match.term_id].get(slug, 0) + 1
    return uses


def print_report(project_dir: Path, as_json: bool = False, console: Console | None = None) -> None:
    """Load, organise and print; a load error surfaces as the usual ProjectError."""
    project = load(project_dir)
    plan = organise(project)
    data = report_data(project, plan)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_tables(data, console or Console(highlight=False))


def _scores_text(scores: dict[str, int], chapter: str) -> str:
    """Non-zero scores; the chapter the passage sits in is in bold."""
    shown = [f"[bold]{slug} {score}[/bold]" if slug == chapter else f"{slug} {score}"
             for slug, score in scores.items() if score]
    return ", ".join(shown) or "—"


def _print_tables(data: dict, console: Console) -> None:
    decisions = {entry["ref"]: entry for entry in data["passages"]}
    total = len(decisions)
    console.print(f"[bold]{plural(total, 'passage')} in {plural(len(data['chapters']), 'chapter')}[/bold]")
    readability = data["readability"]
    console.print(f"ease: {readability['measure']} (higher is easier; 60–70 is plain language, below 30 very difficult)"
                  if readability["available"] else
                  f"ease: no readability measure for the language '{readability['language']}' (English, German, Dutch only)")
    for number, chapter in enumerate(data["chapters"], 1):
        balance = ", ".join(f"{name} {count}" for name, count in data["outlet_balance"][chapter["slug"]].items())
        ease = f", reading ease {chapter['reading_ease']}" if chapter["reading_ease"] is not None else ""
        table = Table(title=f"{number}. {chapter['title']} ({chapter['slug']}): {plural(chapter['passages'], 'passage')} "
                            f"from {plural(len(chapter['articles']), 'article')}{ease}",
                      caption=f"Outlet balance: {balance or 'none'}", title_justify="left",
                      caption_justify="left", show_lines=False, expand=True)
        table.add_column("passage", overflow="fold", ratio=4)
        table.add_column("scores", ratio=3)
        table.add_column("reason", ratio=4)
        table.add_column("ease", justify="right", ratio=1)
        for ref in chapter["refs"]:
            entry = decisions[ref]
            ease = "—" if entry["reading_ease"] is None else str(entry["reading_ease"])
            table.add_row(f"{ref}\n[dim]{escape(entry['opening'])}[/dim]", _scores_text(entry["scores"], entry["chapter"]),
                          entry["reason"], ease)
        console.print(table)
    _print_fell_through(data, console)
    _print_glossary_use(data, console)
    _print_glossary_candidates(data, console)


def _print_fell_through(data: dict, console: Console) -> None:
    fell = data["fell_through"]
    further = sum(1 for entry in fell if entry["chapter"] == FURTHER)
    console.print(f"\n[bold]Fell through:[/bold] {plural(len(fell), 'passage')} below every min_score "
                  f"({len(fell) - further} stayed with their article, {further} in Further reporting)")
    if not fell:
        return
    table = Table(show_header=True, expand=True)
    table.add_column("passage", overflow="fold", ratio=4)
    table.add_column("now in", overflow="fold", ratio=2)
    table.add_column("reason", ratio=5)
    for entry in fell:
        table.add_row(entry["ref"], entry["chapter"], entry["reason"])
    console.print(table)


def _print_glossary_use(data: dict, console: Console) -> None:
    uses = data["glossary_use"]
    if not uses:
        return
    table = Table(title="Glossary use (mentions per chapter)", title_justify="left", expand=True)
    table.add_column("term", no_wrap=True)
    table.add_column("mentions")
    for term_id, counts in uses.items():
        text = ", ".join(f"{slug} {count}" for slug, count in counts.items()) or "[yellow]not used[/yellow]"
        table.add_row(term_id, text)
    console.print(table)


def _print_glossary_candidates(data: dict, console: Console) -> None:
    candidates = data["glossary_candidates"]
    if not candidates:
        console.print("\n[bold]Glossary candidates:[/bold] none (no name without an entry is mentioned 3 times or more)")
        return
    table = Table(title="Glossary candidates: names mentioned 3 times or more that no entry explains",
                  title_justify="left", expand=True)
    table.add_column("name", overflow="fold")
    table.add_column("mentions", justify="right")
    table.add_column("articles", justify="right")
    table.add_column("first mention", overflow="fold")
    for entry in candidates:
        table.add_row(escape(entry["name"]), str(entry["mentions"]), str(entry["articles"]), entry["first"])
    console.print(table)
