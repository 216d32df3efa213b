"""How hard a passage or a chapter is to read: Flesch reading ease, from the `readability` package.

`readability` (surface measures, with syllable rules for English, German and Dutch) works offline;
textstat, the better-known library, downloads NLTK's CMU dictionary at run time for English, which
no command of this tool may do. Text is split into sentences and words by syntok first, as
`readability` asks. Higher is easier: 60–70 is plain English, below 30 is very difficult.
"""

from __future__ import annotations

MEASURE = "Flesch reading ease"
LANGUAGES = ("en", "de", "nl")  # the languages `readability` has syllable rules for


def available(language: str) -> bool:
    return language.split("-")[0].lower() in LANGUAGES


def reading_ease(text: str, language: str) -> float | None:
    """The text's Flesch reading ease, rounded to one decimal; None without words or without rules for the language."""
    if not available(language):
        return None
    import readability
    from syntok import segmenter

    sentences = [" ".join(token.value for token in sentence)
                 for paragraph in segmenter.analyze(text) for sentence in paragraph]
    sentences = [sentence for sentence in sentences if any(char.isalpha() for char in sentence)]
    if not sentences:
        return None
    measures = readability.getmeasures("\n".join(sentences), lang=language.split("-")[0].lower())
    return round(measures["readability grades"]["FleschReadingEase"], 1)
