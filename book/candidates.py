"""Names the corpus uses often that the glossary does not explain: candidates for new glossary entries."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError

from book.glossary import Matcher
from book.plaintext import plain_text
from book.project import Project

MIN_MENTIONS = 3
OPENING_WORDS = 8

# A word: letters and digits, with inner apostrophes or hyphens ("Nagorno-Karabakh", "O'Brien").
_WORD = re.compile(r"\w+(?:['’\-‐]\w+)*")
# Small words that join the parts of one name ("Ministry of Defence", "Organisation for …" is not joined).
_POSSESSIVE = re.compile(r"(?:['’]s)?$")
_JOINERS = frozenset({"of", "de", "del", "der", "den", "la", "le", "von", "van", "al", "bin", "ibn", "da", "do", "dos"})


@dataclass(frozen=True)
class Candidate:
    """A name mentioned at least MIN_MENTIONS times that no glossary name covers."""

    name: str
    mentions: int
    articles: int
    first: str  # the first passage (in corpus order) that mentions it


def opening(markdown: str, words: int = OPENING_WORDS) -> str:
    """The first words of a passage as a reader sees them, with "…" when there are more."""
    text = plain_text(markdown).split()
    return " ".join(text[:words]) + (" …" if len(text) > words else "")


def glossary_candidates(project: Project, min_mentions: int = MIN_MENTIONS) -> tuple[Candidate, ...]:
    """Capitalised names (runs of capitalised words) mentioned `min_mentions` times or more, most mentioned first.

    A run that overlaps a glossary name or alias, or names an outlet, is explained already and is
    left out; a capitalised word that the corpus also writes in lower case ("The", "However") is an
    ordinary word at the start of a sentence, not a name. Scripts without capital letters (Arabic,
    Georgian, Chinese …) give no candidates.
    """
    texts = [(passage, plain_text(passage.text)) for passage in project.passages]
    lower = {word.group() for _, text in texts for word in _WORD.finditer(text) if word.group().islower()}
    lower |= _calendar_words(project.config.language)
    matcher = Matcher(project.glossary)
    explained = {name.casefold() for name in project.outlets}
    mentions: Counter[str] = Counter()
    articles: dict[str, set[str]] = {}
    first: dict[str, str] = {}
    for passage, text in texts:
        covered = [(match.start, match.end) for match in matcher.find(text)]
        for start, end, name in _names(text, lower):
            if name.casefold() in explained or any(s < end and start < e for s, e in covered):
                continue
            mentions[name] += 1
            articles.setdefault(name, set()).add(passage.article_id)
            first.setdefault(name, passage.ref)
    ranked = sorted((n for n, count in mentions.items() if count >= min_mentions), key=lambda n: (-mentions[n], n))
    return tuple(Candidate(name, mentions[name], len(articles[name]), first[name]) for name in ranked)


def _names(text: str, lower: set[str]):
    """(start, end, name) of each run of capitalised words in `text`, joined only by single spaces."""
    run: list[re.Match] = []
    for word in _WORD.finditer(text):
        joined = bool(run) and text[run[-1].end():word.start()] == " "
        if _capitalised(word.group()):
            if not joined:
                yield from _name_of(run, text, lower)
                run = []
            run.append(word)
        elif joined and word.group() in _JOINERS:
            run.append(word)
        else:
            yield from _name_of(run, text, lower)
            run = []
    yield from _name_of(run, text, lower)


def _name_of(run: list[re.Match], text: str, lower: set[str]):
    if any(not _part_of_name(word.group()) for word in run):
        return  # "Israeli-made", "I": not a name, and neither is a run that holds one
    while run and run[-1].group() in _JOINERS:
        run = run[:-1]
    while run and not _acronym(run[0].group()) and run[0].group().lower() in lower:
        run = run[1:]  # "The", "However", "Friday": an ordinary word that opens a sentence, a day, a month
    if run:
        end = run[-1].end() - len(_POSSESSIVE.search(run[-1].group())[0])  # "Azerbaijan’s" mentions Azerbaijan
        yield run[0].start(), end, text[run[0].start():end]


def _part_of_name(word: str) -> bool:
    """A capitalised word of two letters or more whose hyphenated parts are all capitalised, or a joiner."""
    parts = re.split(r"[-‐]", _POSSESSIVE.sub("", word))
    return word in _JOINERS or (len(parts[0]) > 1 and all(part[:1].isupper() for part in parts))


def _calendar_words(language: str) -> set[str]:
    """The book language's month and day names, lower-cased (Babel's locale data): capitalised, but not names to explain."""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return set()
    names = [*locale.months["format"]["wide"].values(), *locale.days["format"]["wide"].values()]
    return {name.lower() for name in names}


def _acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _capitalised(word: str) -> bool:
    return word[0].isupper()
