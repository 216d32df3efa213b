"""Which name a saved page gives its outlet: the publisher's, as a reader writes it ('USA Today', 'BBC', 'Libération').

A page may name itself several ways: JSON-LD's publisher (sometimes a legal or platform name: 'British Broadcasting
Corporation', 'Blogger'), og:site_name, application-name (sometimes an app's code name), the end of its <title>,
its address, its Twitter handle. The name that spells the page's own host name is the one readers know; failing
that, the publisher's structured data; failing that, the <title>'s suffix. A handle ('@ChinaDailyApp') is no name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from book.ingest.page_meta import SEPARATOR, PageMeta, title_suffix

_SMALL = {"the", "of", "and", "a", "an", "for", "on", "in", "de", "la", "le", "el", "der", "die", "das"}
# Host labels that name no outlet: the web's own, and generic sub-domains.
_GENERIC = {"www", "m", "mobile", "amp", "news", "com", "org", "net", "co", "gov", "edu", "ac", "go", "info", "biz"}
_ADDRESS = re.compile(r"^(?:www\.)?([\w-]+)(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)
_TRAFILATURA = "trafilatura's reading of the page"
# Words that describe an outlet rather than name it: 'AFPBB News' is the name, not 'AFPBB'.
_DESCRIPTIVE = {"news", "online", "digital", "tv", "radio", "daily", "magazine", "net", "web", "com", "noticias",
                "nachrichten", "actualités", "новости"}
_TLD = re.compile(r"(?:\.(?:com|org|net|info|co|[a-z]{2}))+$", re.I)


@dataclass
class Candidate:
    """One name the page gives itself, where it was read, and whether the publisher's structured data says it."""

    name: str
    source: str
    structured: bool


def fold(text: str | None) -> str:
    """Compared without case, accents, spaces or punctuation: 'Libération' and 'liberation' fold alike."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return re.sub(r"[\W_]+", "", "".join(char for char in decomposed if not unicodedata.combining(char)))


def host_labels(host: str) -> list[str]:
    """The labels of a host name that can name its outlet: 'newsfeed.time.com' → ['newsfeed', 'time']."""
    labels = [label for label in host.lower().split(".") if label]
    labels = labels[:-1] if len(labels) > 1 else labels  # the top-level domain
    if len(labels) > 1 and len(labels[-1]) == 2:  # 'co' of co.uk, 'com' of com.cn
        labels = labels[:-1]
    return [fold(label) for label in labels if label not in _GENERIC and len(label) >= 3]


def spells_host(name: str, labels: list[str]) -> bool:
    """The name contains, or is, one of the host's labels ('USA TODAY' and usatoday.com; 'CBS New York' and newyork.…)."""
    folded = fold(_TLD.sub("", name.strip()))
    return bool(folded) and any(label in folded or (len(folded) >= 3 and folded in label) for label in labels)


def _host_words(name: str, label: str) -> str | None:
    """The words of `name` that spell the address `label`, with those describing it: 'Ultima Hora Mallorca' → 'Ultima Hora'."""
    words = name.split()
    for length in range(len(words), 0, -1):
        for start in range(len(words) - length + 1):
            if fold(_TLD.sub("", " ".join(words[start:start + length]))) == label:
                end = start + length
                while end < len(words) and fold(words[end]) in _DESCRIPTIVE:
                    end += 1
                return " ".join(words[start:end])
    return None


def is_address(name: str) -> bool:
    return bool(_ADDRESS.match(name.strip()))


def outlet_name(name: str) -> str:
    """The outlet as a reader writes it: 'USA TODAY' → 'USA Today', 'THE HILL' → 'The Hill', 'CBS NEWS' → 'CBS News'."""
    name = " ".join(name.split())
    name = re.split(r"\s+[|–—]\s+", name)[0] if re.search(r"\s[|–—]\s", name) else name
    if not name.isupper() or len(name.replace(" ", "")) <= 4:
        return name
    words = name.split()
    return " ".join(word if (len(word) <= 3 and word.lower() not in _SMALL) else word.capitalize() for word in words)


def _candidates(page: PageMeta, extracted: str | None, title: str | None) -> list[Candidate]:
    """Every name the page gives itself, most trusted first, without handles, links and repeats of the headline."""
    found = [Candidate(item.value, item.source, True) for item in page.outlets if item.source != "meta application-name"]
    found += [Candidate(item.value, item.source, False) for item in page.outlets if item.source == "meta application-name"]
    suffix = title_suffix(page.title_tag, page.headings)
    labels = host_labels(page.host)
    # A <title>'s end may be a section ('… - Politics'): it names the site if it spells the address, or if the
    # address cannot tell (none, or a name in another script: '… - 中国日报网').
    if suffix and (not labels or spells_host(suffix, labels) or not re.search(r"[A-Za-z]", suffix)):
        found.append(Candidate(suffix, "the end of the page's <title>", False))
    if extracted:
        found.append(Candidate(extracted, _TRAFILATURA, False))  # trafilatura falls back on the Twitter handle
    kept = []
    for candidate in found:
        name = " ".join(re.split(r"\s+[|–—]\s+", " ".join(candidate.name.split()))[0].split())
        handle = candidate.source == _TRAFILATURA and " " not in name and fold(name) in page.handles
        if not name or name.lower().startswith(("http://", "https://", "@")) or handle or (title and fold(name) == fold(title)):
            continue
        kept.append(Candidate(name, candidate.source, candidate.structured))
    return kept


def choose_outlet(page: PageMeta, extracted: str | None, title: str | None) -> tuple[str | None, list[str]]:
    """(the outlet's name, what the report says of where it was read)."""
    candidates = _candidates(page, extracted, title)
    labels = host_labels(page.host)
    chosen = next((c for c in candidates if labels and spells_host(c.name, labels)), None)
    if chosen is not None and not chosen.structured:
        chosen = Candidate(_host_words(chosen.name, labels[-1]) or chosen.name, chosen.source, False)
    chosen = chosen or next((c for c in candidates if c.structured), None)
    chosen = chosen or next((c for c in candidates if c.source == "the end of the page's <title>"), None)
    chosen = chosen or next((c for c in candidates if c.source == _TRAFILATURA), None)
    if chosen is None:
        return None, []
    notes = [f"outlet from {chosen.source}" + _others(candidates, chosen)]
    if not is_address(chosen.name):
        return outlet_name(chosen.name), notes
    readable = _written_out(chosen.name, page)
    if readable:
        return outlet_name(readable), notes + [f"outlet '{chosen.name}' written as the page writes it"]
    label = _ADDRESS.match(chosen.name.strip())[1]
    if label.islower():
        return chosen.name, notes + [f"outlet '{chosen.name}' is a site address: check it"]
    return label, notes


def _others(candidates: list[Candidate], chosen: Candidate) -> str:
    others = [c for c in candidates if fold(c.name) != fold(chosen.name)]
    return f" (the page also says {', '.join(repr(c.name) for c in others[:3])})" if others else ""


def _written_out(address: str, page: PageMeta) -> str | None:
    """How the page writes the name its address spells: '… - Libération' for liberation.fr, 'USA TODAY' for usatoday.com."""
    label = fold(_ADDRESS.match(address.strip())[1])
    for segment in SEPARATOR.split(page.title_tag)[1:]:
        if fold(segment) == label:
            return segment.strip()
    counts: dict[str, int] = {}
    for phrase in page.phrases:
        if fold(phrase) == label and not is_address(phrase):
            counts[phrase] = counts.get(phrase, 0) + 1
    return max(counts, key=counts.get) if counts else None


