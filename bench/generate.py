"""Generate a synthetic book project of N articles from a small template project.

    python bench/generate.py OUT --articles 1000 [--template tests/projects/minimal] [--terms 50] [--seed 1]

The chapters, outlets and glossary come from the template; article bodies are random
text that mentions glossary names and chapter keywords, so that organise and linking
have real work to do. `--terms` pads the glossary with synthetic entries.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def _sentence(rng: random.Random, mentions: list[str]) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 22))
    for _ in range(rng.randint(0, 2)):
        words.insert(rng.randrange(len(words)), rng.choice(mentions))
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, mentions: list[str]) -> str:
    return " ".join(_sentence(rng, mentions) for _ in range(rng.randint(2, 5)))


def generate(template: Path, out: Path, articles: int, terms: int = 0, seed: int = 1) -> Path:
    """Write the synthetic project into `out` (replaced if it exists) and return it."""
    rng = random.Random(seed)
    yaml = YAML()
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(template, out, ignore=shutil.ignore_patterns("corpus", "editions", "dist"))
    (out / "corpus").mkdir()
    shutil.copy(template / "corpus" / "outlets.yaml", out / "corpus" / "outlets.yaml")
    outlets = list(yaml.load((template / "corpus" / "outlets.yaml").read_text(encoding="utf-8")))
    glossary = yaml.load((out / "glossary.yaml").read_text(encoding="utf-8")) or []
    for index in range(terms - len(glossary)):
        glossary.append({"id": f"synthetic-{index}", "term": f"Synthterm{index}", "kind": "concept",
                         "definition": f"Synthetic glossary entry number {index}."})
    with open(out / "glossary.yaml", "w", encoding="utf-8") as stream:
        yaml.dump(glossary, stream)
    mentions = [name for entry in glossary for name in [entry["term"], *entry.get("aliases", [])]]
    for chapter in sorted((out / "chapters").glob("*.md")):
        front = yaml.load(chapter.read_text(encoding="utf-8").split("---")[1])
        mentions += [k.rstrip("*") for k in front.get("match", {}).get("keywords", [])]
    start = dt.date(2020, 1, 1)
    for number in range(articles):
        date = start + dt.timedelta(days=rng.randrange(700))
        paragraphs = [_paragraph(rng, mentions) for _ in range(rng.randint(4, 10))]
        front = (f"---\ntitle: Synthetic report number {number}\noutlet: {rng.choice(outlets)}\n"
                 f"date: {date.isoformat()}\nauthor: null\nprovenance: bench/generate.py\n---\n")
        body = "\n\n".join(paragraphs) + "\n"
        (out / "corpus" / f"synthetic-{number:05d}.md").write_text(front + body, encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--terms", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--template", type=Path, default=Path(__file__).parents[1] / "tests/projects/minimal")
    args = parser.parse_args()
    generate(args.template, args.out, args.articles, args.terms, args.seed)
    print(f"wrote {args.out} ({args.articles} articles)")


if __name__ == "__main__":
    main()
