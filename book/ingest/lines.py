"""What a single line of a pasted news page is: furniture, a byline, a date, a credit, a dateline."""

from __future__ import annotations

import re
from dataclasses import dataclass

from book.ingest.dates import PartialDate, date_line, yearless
from book.ingest.furniture import is_furniture_line

# Markup pasted with a page: comments ('<!-- Google tag -->', '!-- gtag …' with its '<' lost, or one left open),
# whole one-line script/style/noscript elements, and tags of the elements pages wrap their furniture in.
_MARKUP = re.compile(
    r"^<?!--.*?(?:-->|$)|<!--.*?(?:-->|$)"
    r"|<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>"
    r"|<\s*/?\s*(?:script|iframe|noscript|style|div|span|img|meta|link|p|br|a|ins|figure|figcaption|picture|source"
    r"|svg|button|input|form|section|header|footer|nav|aside)\b[^<>]*>",
    re.I,
)
_TIMESTAMP = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?\s*,?$", re.I)
_DOMAIN = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,12}/?$", re.I)
_CREDIT = re.compile(
    r"^(?:source|photo|photos|photograph|photo credit|picture|image|credit|credits|illustration)\s*:\s*\S.*$"
    r"|^(?:©|\(c\)|copyright\b).*$|^.*/\s*(?:getty images|afp|reuters|ap|epa|shutterstock)\s*$",
    re.I,
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.\-]*|de|da|van|von|der|del|la|le|bin|al|el))*"
_BYLINE = re.compile(
    r"^(?i:by|written by|words by)\s*:?\s+(?P<names>" + _NAME + r"(?:\s*(?:,|and|&)\s*" + _NAME + r")*)"
    r"(?:\s*[,|–—-]\s*(?P<role>[^.!?]{1,60}))?$"
)
_CITY = r"(?P<city>[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]+(?:\s+[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]+){0,3}(?:,\s+[A-Z][A-Za-z.]+)?)"
_DASH = r"\s*[–—-]{1,2}\s+"
# "TBILISI (Reuters) – ", "KYIV — ", "YEREVAN, NOVEMBER 12, ARMENPRESS. ", "LONDON, 3 May (Agency) - "
_DATELINE = re.compile(
    r"^" + _CITY + r"(?:,\s+(?P<when>[A-Za-z]+\.?\s+\d{1,2}|\d{1,2}\s+[A-Za-z]+\.?))?"
    r"(?:\s*\((?P<agency>[^()]{2,40})\)" + _DASH + r"|,\s+(?P<caps>[A-Z][A-Z0-9&'’\-]{2,}(?:\s+[A-Z][A-Z0-9&'’\-]+)*)\.\s+|" + _DASH[:-3] + r"\s+)"
)
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_LABELLED_TITLE = re.compile(r"^(?P<label>[A-Z][\w.&'’-]*(?:\s+[\w.&'’-]+){0,2})\s*:\s+(?P<title>[A-Z0-9“\"‘'].*)$")


def clean(line: str) -> str:
    """The line without surrounding whitespace (no-break spaces included)."""
    return line.strip()


def is_blank(line: str) -> bool:
    return not line.strip()


def is_furniture(line: str) -> bool:
    """Page furniture that is never part of an article: share buttons, ads, stray markup, clock times."""
    text = clean(line)
    return is_furniture_line(text) or is_markup(text) or bool(_TIMESTAMP.match(text))


def is_markup(line: str) -> bool:
    """A line of stray markup and nothing else; a tag followed by words ('<div>The army said …') is text."""
    text = clean(line)
    return text.startswith(("<", "!--")) and not _MARKUP.sub("", text).strip()


def is_domain(line: str) -> bool:
    """A bare site name such as 'CIVILNET.AM' or 'www.example.org'."""
    return bool(_DOMAIN.match(clean(line)))


def is_credit(line: str) -> bool:
    """A photo credit: 'SOURCE: PRESS SERVICE', 'Photo: Name', '© Agency', 'Name / Getty Images'."""
    text = clean(line)
    if not _CREDIT.match(text) or len(text.split()) > 12:
        return False
    return text.isupper() or not ends_sentence(text)


def byline(line: str) -> str | None:
    """The author named by a byline ('By Name', 'BY NAME', 'By A and B'), in name case."""
    match = _BYLINE.match(clean(line))
    if not match:
        return None
    names = " ".join(match["names"].split())
    return name_case(names)


def name_case(text: str) -> str:
    """'ARA KHACHATOURIAN' → 'Ara Khachatourian'; text already in mixed case is kept."""
    if not text.isupper():
        return text
    return re.sub(r"[^\W\d_]+", lambda word: word[0].capitalize(), text.lower())


def date_of(line: str) -> PartialDate | None:
    return date_line(clean(line))


@dataclass(frozen=True)
class Dateline:
    """What starts an article's first paragraph: city, maybe a date and the agency, then the text."""

    city: str
    agency: str | None
    date: PartialDate | None
    length: int  # characters of the paragraph the dateline takes


def dateline(paragraph: str) -> Dateline | None:
    """The dateline at the start of a paragraph, if there is one."""
    match = _DATELINE.match(paragraph)
    if not match:
        return None
    when = None
    if match["when"]:
        when = yearless(match["when"])
        if when is None:
            return None
    agency = match["agency"] or match["caps"]
    if match["caps"] and not match["when"]:
        return None  # "CITY, WORD. " without a date is too weak to be a dateline
    return Dateline(match["city"].strip(), agency.strip() if agency else None, when, match.end())


def ends_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(clean(line)))


def labelled_title(line: str) -> tuple[str, str] | None:
    """'Outlet: Headline' → (label, headline)."""
    match = _LABELLED_TITLE.match(clean(line))
    if not match or len(match["title"].split()) < 3:
        return None
    return match["label"], match["title"]


def could_be_title(line: str) -> bool:
    """A headline: a short line of several words that does not end a sentence (a question may)."""
    text = clean(line)
    words = text.split()
    if not 2 <= len(words) <= 25 or is_furniture(text) or date_of(text) or byline(text) or is_credit(text):
        return False
    if text.startswith(("•", "-", "*", "(", "[", "–", "—")):
        return False
    return not ends_sentence(text) or text.endswith("?")


def key(text: str) -> str:
    """Text compared without case, punctuation or spacing."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
