"""Generate a synthetic book project of N articles from a small template project.

    python bench/generate.py OUT --articles 1000 [--template .] [--terms 50] [--seed 1] [--shape long]

The book settings, chapters, outlets and glossary come from the template (by default
the repository's own book); the chapters' pins and teacher's notes are dropped (they name real articles).
Article bodies are random text that mentions glossary names and chapter keywords, so
that organise and linking have real work to do. `--terms` pads (or trims) the glossary
to that many entries with synthetic ones. `--shape long` keeps only the template's first
four chapters: a book of few, long chapters (about 240 pages each at 1,000 articles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import shutil
from pathlib import Path

from ruamel.yaml import YAML

WORDS = (
    "the a of to and in that for on with as by at from was were said officials reported "
    "according government statement residents city region border forces talks meeting "
    "minister week agreement people water river road village morning evening council "
    "spokesman announced warned called report local international visit plan new two three"
).split()
REPOSITORY = Path(__file__).resolve().parents[1]
SHAPES = {"chapters": None, "long": 4}  # how many of the template's chapters are kept (None: all)


def _sentence(rng: random.Random, mentions: list[str]) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words)), rng.choice(mentions))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, mentions: list[str]) -> str:
    return " ".join(_sentence(rng, mentions) for _ in range(rng.randint(2, 5)))


def _dump(yaml: YAML, data) -> str:
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def _chapters(template: Path, out: Path, yaml: YAML, term_ids: set[str], keep: int | None = None) -> list[str]:
    """Copy the chapters (the first `keep`) without their pins (and terms not kept); returns their keywords (without a trailing *)."""
    (out / "chapters").mkdir()
    keywords = []
    for chapter in sorted((template / "chapters").glob("*.md"))[:keep]:
        _, front_text, intro = chapter.read_text(encoding="utf-8").split("---\n", 2)
        front = yaml.load(front_text)
        front.pop("include", None)
        front.pop("exclude", None)
        for question in front.get("questions", []):
            if hasattr(question, "pop"):
                question.pop("note", None)  # a note for the teacher names real passages too
        front.pop("teacher_notes", None)
        match = front.get("match", {})
        if "terms" in match:
            match["terms"] = [term for term in match["terms"] if str(term) in term_ids]
        keywords += [str(k).rstrip("*") for k in front.get("match", {}).get("keywords", [])]
        (out / "chapters" / chapter.name).write_text(f"---\n{_dump(yaml, front)}---\n{intro}", encoding="utf-8")
    return keywords


def _glossary(template: Path, terms: int, yaml: YAML) -> list:
    glossary = yaml.load((template / "glossary.yaml").read_text(encoding="utf-8")) or []
    if terms and terms < len(glossary):
        keep = {str(term["id"]) for term in glossary[:terms]}
        glossary = [{**term, "see": [s for s in term.get("see", []) if s in keep]} for term in glossary[:terms]]
    for index in range(terms - len(glossary)):
        glossary.append({"id": f"synthetic-{index}", "term": f"Synthterm{index}", "kind": "concept",
                         "definition": f"Synthetic glossary entry number {index}."})
    return glossary


def generate(template: Path, out: Path, articles: int, terms: int = 0, seed: int = 1, start_at: int = 0,
             shape: str = "chapters") -> Path:
    """Write the synthetic project into `out` (replaced if it exists) and return it."""
    rng = random.Random(seed)
    yaml = YAML()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copy(template / "book.yaml", out / "book.yaml")
    (out / "corpus").mkdir()
    shutil.copy(template / "corpus" / "outlets.yaml", out / "corpus" / "outlets.yaml")
    outlets = list(yaml.load((template / "corpus" / "outlets.yaml").read_text(encoding="utf-8")))
    glossary = _glossary(template, terms, yaml)
    (out / "glossary.yaml").write_text(_dump(yaml, glossary), encoding="utf-8")
    mentions = [name for entry in glossary for name in [entry["term"], *entry.get("aliases", [])]]
    mentions += _chapters(template, out, yaml, {str(entry["id"]) for entry in glossary}, SHAPES[shape])
    for number in range(start_at, start_at + articles):
        add_article(out, number, rng, outlets, mentions)
    return out


def add_article(out: Path, number: int, rng: random.Random, outlets: list[str], mentions: list[str]) -> Path:
    """One synthetic article, `corpus/synthetic-<number>.md`."""
    date = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(700))
    paragraphs = [_paragraph(rng, mentions) for _ in range(rng.randint(4, 10))]
    front = (f"---\ntitle: Synthetic report number {number}\noutlet: {rng.choice(outlets)}\n"
             f"date: {date.isoformat()}\nauthor: null\nprovenance: bench/generate.py\n---\n")
    path = out / "corpus" / f"synthetic-{number:05d}.md"
    path.write_text(front + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def add_one(out: Path, seed: int = 99) -> Path:
    """Add one more synthetic article to an existing synthetic project."""
    yaml = YAML()
    outlets = list(yaml.load((out / "corpus" / "outlets.yaml").read_text(encoding="utf-8")))
    glossary = yaml.load((out / "glossary.yaml").read_text(encoding="utf-8")) or []
    mentions = [name for entry in glossary for name in [entry["term"], *entry.get("aliases", [])]]
    number = len(list((out / "corpus").glob("*.md")))
    return add_article(out, 90000 + number, random.Random(seed), outlets, mentions)


def edit_introduction(out: Path) -> Path:
    """One sentence added to the introduction of the project's first chapter."""
    chapter = sorted((out / "chapters").glob("*.md"))[0]
    text = chapter.read_text(encoding="utf-8").rstrip("\n")
    chapter.write_text(text + " This introduction was edited for the benchmark.\n", encoding="utf-8")
    return chapter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--terms", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--template", type=Path, default=REPOSITORY)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="chapters")
    args = parser.parse_args()
    generate(args.template, args.out, args.articles, args.terms, args.seed, shape=args.shape)
    print(f"wrote {args.out} ({args.articles} articles)")


if __name__ == "__main__":
    main()
