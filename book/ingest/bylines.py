"""Who wrote a saved page's article: person names from its meta tags, its byline elements or a 'By …' line.

Only person names are kept: roles, desks, outlets, handles, e-mail addresses and dates are left out.
"""

from __future__ import annotations

import re

from book.ingest import lines as L

# Words that show an author field names a role, a desk or an organisation rather than a person.
NOT_A_PERSON = re.compile(
    r"\b(?:staff|writer|reporter|editor|editors|correspondent|desk|team|bureau|news|press|agency|associated|reuters|"
    r"afp|media|online|digital|newsroom|contributor|contributors|is an?|auto|sports|service|wire|redaktion|"
    r"rédaction|redacción|редакция|corresponsal|today|times|post|daily|journal|herald|tribune|gazette|magazine|"
    r"network|channel|tv|radio|group|newspaper|institute|university|ministry|government|writers|ediciones|editorial)\b", re.I)
# Where a name in a byline ends: a role or title, a handle, a date or time, 'posted', 'updated'.
_ROLE_OR_MORE = re.compile(
    r"\s(?=(?:senior|chief|special|political|national|foreign|contributing|associate|managing|deputy|staff|"
    r"washington|white house|correspondents?|reporters?|writers?|editors?|analysts?|columnists?|envoyée?s?|"
    r"spéciaux|on|posted|updated|published|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b)"
    r"|\s+[-–—]\s|\s*[@(]|\s*\d", re.I)
# Lower-case words inside a name: particles ('Lauren del Valle', 'Emilio de Benito', 'Ludwig van Beethoven').
_PARTICLES = {"de", "del", "della", "degli", "di", "da", "das", "do", "dos", "du", "des", "la", "le", "van", "von",
              "der", "den", "ter", "ten", "bin", "bint", "ibn", "al", "el", "y", "zu"}
_SPLIT = re.compile(r"\s*(?:,|;|\||&|\s/\s|\band\b|\bund\b|\bet\b|\by\b|\bи\b)\s*")
# A byline written as a line of text after the headline: 'By Jemele Hill', 'Par Marie Dupont', 'Por Ana García'.
_BY_LINE = re.compile(r"^(?:by|par|por|von|автор)\s*:?\s+\S", re.I)
_AUTHOR_ELEMENTS = ('//*[@rel="author" or @itemprop="author" or contains(@class, "byline")'
                    ' or contains(@class, "author")]')
# Containers of readers' comments: their 'authors' are commenters.
_COMMENTS = re.compile(r"comment|disqus|reply|respon", re.I)


def person_names(value: str | None) -> list[str]:
    """The person names in an author field: 'By A and B', 'A, B', without roles, e-mails, links or desks."""
    if not value or value.lower().startswith(("http://", "https://")) or len(value) > 200:
        return []
    text = re.sub(r"^.{0,30}?\b(?:by|von|par|por|автор)\s*:?\s+", "", " ".join(value.split()), flags=re.I)
    names = []
    for part in _SPLIT.split(text):
        part = _ROLE_OR_MORE.split(part)[0].strip(" .:-–—")  # 'Andrea Stone Senior Washington Correspondent' → the name
        words = part.split()
        if not 2 <= len(words) <= 5 or "@" in part or re.search(r"\d|https?:|www\.|/", part):
            continue
        if NOT_A_PERSON.search(part) or not all(_capitalised(word) or word.lower() in _PARTICLES for word in words):
            continue
        names.append(L.name_case(part))
    return names


def barred_byline(text: str) -> list[str]:
    """The writer of a 'Name | Place | date' byline line (as the Spanish press prints it), else []."""
    fields = [field.strip() for field in text.split("|")]
    if len(fields) != 3 or len(text) > 120 or not re.search(r"\b(?:19|20)\d\d\b", fields[2]):
        return []
    names = person_names(fields[0])
    return names if names and " ".join(fields[0].split()) == " ".join(names) else []


def _capitalised(word: str) -> bool:
    """'Tan', 'O’Neil', and a nickname in quotes: '"Tania', 'Mae"'."""
    return word.lstrip("\"“‘'«")[:1].isupper()


def page_authors(tree, metas: dict[str, str]) -> tuple[list[str], str]:
    """(names, where they were read): meta tags, then the first byline element, then a 'By …' line after the headline."""
    for name in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "search.byline",
                 "twitter:creator"):  # a handle ('@wired') is no name and is passed over
        names = person_names(metas.get(name))
        if names:
            return names, f"meta {name}"
    for element in tree.xpath(_AUTHOR_ELEMENTS)[:40]:
        if _in_comments(element) or _under_a_teaser(element):
            continue
        names = person_names(" ".join(element.text_content().split())[:200])
        if names:
            return _with_co_authors(element, names), "the page's byline"
    names = _by_line_after_headline(tree)
    return (names, "a 'By …' line after the headline") if names else ([], "")


def _in_comments(element) -> bool:
    return any(_COMMENTS.search(" ".join((node.get("class") or "", node.get("id") or "")))
               for node in [element, *element.iterancestors()])


def _under_a_teaser(element) -> bool:
    """A byline under a heading that links to another article (a list of stories) is that article's byline."""
    heading = element.xpath("preceding::*[self::h1 or self::h2 or self::h3 or self::h4][1]")
    return bool(heading) and heading[0].tag != "h1" and bool(heading[0].xpath(".//a[@href]"))


def _with_co_authors(element, names: list[str]) -> list[str]:
    """All writers when each has an element like the first byline's (two <a rel="author">); never the line's tags."""
    parent = element.getparent()
    if parent is None or len(names) > 1:
        return names
    mark = (element.tag, element.get("rel"), element.get("itemprop"), element.get("class"))
    found: list[str] = []
    for sibling in parent:
        if (sibling.tag, sibling.get("rel"), sibling.get("itemprop"), sibling.get("class")) == mark:
            found += person_names(" ".join(sibling.text_content().split())[:200])
    found = list(dict.fromkeys(found))
    return found if len(found) > 1 and names[0] in found else names


def _by_line_after_headline(tree) -> list[str]:
    """A 'By Name' line among the first texts after the page's <h1> (ESPN's '<cite>By Jemele Hill<br>ESPN.com</cite>')."""
    start = next((h for h in tree.iter("h1") if " ".join(h.text_content().split())), None)
    if start is None:
        return []
    for count, text in enumerate(start.xpath("following::text()[normalize-space()]")):
        if count >= 40:
            break
        line = " ".join(str(text).split())
        if _under_a_teaser(text.getparent()):
            continue
        if re.fullmatch(r"(?i)(?:by|par|por|von)\s*:?", line):  # 'By: <a>Patti Domm</a>': the element's whole text
            line = _first_line(text.getparent())
        if len(line) <= 60 and _BY_LINE.match(line):
            names = person_names(line)
            if names:
                return names
    return []


def _first_line(element) -> str:
    """The element's text up to its first <br>: 'By: Patti Domm' of 'By: <a>Patti Domm</a><br>CNBC Editor'."""
    parts: list[str] = []

    def walk(node) -> bool:  # True once a <br> is reached
        if node.tag == "br":
            return True
        parts.append(node.text or "")
        for child in node:
            if walk(child):
                return True
            parts.append(child.tail or "")
        return False

    walk(element)
    return " ".join(" ".join(parts).split())
