"""The language of an added source, recorded for the editor to review like any other field.

A page's own `<html lang>` is taken as it is. Otherwise the text is identified with py3langid (Adrien
Barbaresi's maintained fork of langid.py, the detector trafilatura uses; 97 languages, a naive Bayes model
over byte n-grams shipped in the package, no network): the language is recorded only when the text has
enough words and the model is confident, and only when it is not the book's own language.
"""

from __future__ import annotations

import functools
import re

from book.ingest.records import Record

MIN_WORDS = 6
MIN_PROBABILITY = 0.9
HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)", re.IGNORECASE)


def declared(page: str) -> str | None:
    """The language a web page declares on its <html> element, if any."""
    found = HTML_LANG.search(page[:20000])
    return found.group(1) if found else None


@functools.cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detected(text: str) -> tuple[str, float] | None:
    """(language, probability) of `text` when it is long enough and the model confident; else None."""
    if len(text.split()) < MIN_WORDS:
        return None
    try:
        language, probability = _identifier().classify(text)
    except ImportError:  # the tool installed without it: nothing is recorded, nothing guessed
        return None
    return (str(language), float(probability)) if probability >= MIN_PROBABILITY else None


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def mark(records: list[Record], book_language: str) -> None:
    """Each record's language, when it is known and not the book's; a note says where it came from."""
    for record in records:
        if record.markdown_body is not None:  # Markdown gives its own front matter
            continue
        if record.language is None:
            found = detected(" ".join(" ".join(block.words()) for block in record.blocks))
            if found is None:
                continue
            record.language = found[0]
            record.language_note = f"language {found[0]} detected from the text (p={found[1]:.2f}): check it"
        if _primary(record.language) == _primary(book_language):
            record.language, record.language_note = None, None
        elif record.language_note:
            record.notes.append(record.language_note)
