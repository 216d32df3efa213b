"""A book with one long chapter, divided into periods (book/annotate.py): the glossary test project with sixteen
more reports on the Orun's water, eight published in June 2022 and eight in July 2022."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

PROJECTS = Path(__file__).parent / "projects"
WORDS = ("the farmers said that water from the lake was shared by quota and that the fishing season began "
         "late this year while officials in the valley met the council to discuss the canals wells and pumps "
         "near the villages along the river where families grow wheat and keep cattle through the dry season").split()
OUTLETS = ("East Courier", "West Radio")


def _paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(3, 5)):
        words = rng.choices(WORDS, k=rng.randint(12, 20))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), "Water Quota")
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def add_report(root: Path, date: dt.date, seed: int) -> Path:
    """One more report on the water of the Orun, dated `date`, in `root`'s corpus."""
    rng = random.Random(seed)
    outlet = OUTLETS[seed % 2]
    path = root / "corpus" / f"report-{date.isoformat()}-{seed}.md"
    body = "\n\n".join(_paragraph(rng) for _ in range(7))
    path.write_text(f"---\ntitle: Farmers and the water of the Orun, report {seed}\noutlet: {outlet}\n"
                    f"date: {date.isoformat()}\nurl: https://example.org/reports/{seed}\n---\n{body}\n", encoding="utf-8")
    return path


def long_project(into: Path, name: str = "periods") -> Path:
    """The project, made in `into`/`name`."""
    root = into / name
    shutil.copytree(PROJECTS / "glossary", root)
    for month in (6, 7):
        for day in range(1, 9):
            add_report(root, dt.date(2022, month, day * 3), seed=month * 100 + day)
    return root
