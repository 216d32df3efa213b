"""A saved page's metadata as its publisher wrote it: JSON-LD, Open Graph and meta tags, read from the raw page.

Read before the page is sanitised (which removes every <script>, JSON-LD included). Nothing here runs or
fetches anything: JSON-LD is parsed as data, and only strings are kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from book.ingest import lines as L
from book.ingest.dates import parse_iso

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "backgroundnewsarticle", "webpage", "report", "liveblogposting"}
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
_SMALL = {"the", "of", "and", "a", "an", "for", "on", "in", "de", "la", "le", "el", "der", "die", "das"}


@dataclass
class Found:
    """One value and where it was read (for the report)."""

    value: object
    source: str


@dataclass
class PageMeta:
    """What the page says of itself; each field with where it was read."""

    title: Found | None = None
    outlet: Found | None = None
    date: Found | None = None
    authors: Found | None = None
    title_tag: str = ""                                  # the <title> as the page has it
    headings: list[str] = field(default_factory=list)    # the page's <h1>s
    site: str = ""                                       # the site's own name in its address: 'usatoday', 'elmundo'


def read_meta(tree) -> PageMeta:
    """Title, outlet, date and authors from the raw page `tree`: JSON-LD first, then Open Graph and meta tags."""
    found = PageMeta()
    for data in _json_ld(tree):
        _from_json_ld(data, found)
    metas = _metas(tree)
    _first(found, "title", metas, ("og:title", "twitter:title"), "Open Graph")
    _first(found, "outlet", metas, ("og:site_name",), "Open Graph")
    found.title_tag = " ".join((tree.findtext(".//title") or "").split())
    found.headings = [" ".join(h.text_content().split()) for h in tree.iter("h1")][:5]
    address = metas.get("og:url") or next((link.get("href") or "" for link in tree.iter("link")
                                           if (link.get("rel") or "").lower() == "canonical"), "")
    host = re.match(r"^https?://(?:www\.)?([^/:]+)", address.strip())
    found.site = _site_label(host[1]) if host else ""
    if found.date is None:
        for name in ("article:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
                     "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date", "og:published_time"):
            day = parse_iso(metas.get(name))
            if day:
                found.date = Found(day, f"meta {name}")
                break
    if found.authors is None:
        for name in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
            names = person_names(metas.get(name))
            if names:
                found.authors = Found(names, f"meta {name}")
                break
    if found.authors is None:
        for element in tree.xpath('//*[@rel="author" or @itemprop="author" or contains(@class, "byline")'
                                  ' or contains(@class, "author")]')[:20]:
            names = person_names(" ".join(element.text_content().split())[:200])
            if names:
                found.authors = Found(names, "the page's byline")
                break
    return found


def _first(found: PageMeta, key: str, metas: dict[str, str], names: tuple[str, ...], source: str) -> None:
    if getattr(found, key) is not None:
        return
    for name in names:
        value = " ".join((metas.get(name) or "").split())
        if value and not value.lower().startswith(("http://", "https://")):
            setattr(found, key, Found(value, f"{source} {name}" if source != "Open Graph" or name.startswith("og:")
                                      else f"meta {name}"))
            return


def _metas(tree) -> dict[str, str]:
    """meta name/property → content (the first of each), names lower-case."""
    metas: dict[str, str] = {}
    for element in tree.iter("meta"):
        name = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = element.get("content")
        if name and content and name not in metas:
            metas[name] = content
    return metas


def _json_ld(tree) -> list[dict]:
    """Every JSON-LD object of the page, @graph and lists flattened; a block that is not JSON is passed over."""
    objects: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except ValueError:
            continue
        stack = [data]
        while stack and len(objects) < 200:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
    return objects


def _types(data: dict) -> set[str]:
    kind = data.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if isinstance(k, str)}


def _from_json_ld(data: dict, found: PageMeta) -> None:
    """The article object's headline, date, authors and publisher, where nothing more certain was read."""
    kinds = _types(data)
    if not kinds & ARTICLE_TYPES:
        if found.outlet is None and kinds & {"newsmediaorganization", "organization"} and _text(data.get("name")):
            found.outlet = Found(_text(data.get("name")), "JSON-LD Organization")
        return
    article = "webpage" not in kinds
    if found.title is None and _text(data.get("headline")) and article:
        found.title = Found(_text(data.get("headline")), "JSON-LD headline")
    if found.date is None and article:
        day = parse_iso(_text(data.get("datePublished")) or _text(data.get("dateCreated")))
        if day:
            found.date = Found(day, "JSON-LD datePublished")
    publisher = data.get("publisher")
    publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
    if found.outlet is None and isinstance(publisher, dict) and _text(publisher.get("name")):
        found.outlet = Found(_text(publisher.get("name")), "JSON-LD publisher")
    if found.authors is None and article:
        names = [name for author in _list(data.get("author")) for name in _author_names(author)]
        names = [name for name in dict.fromkeys(names)
                 if not (isinstance(publisher, dict) and L.key(name) == L.key(_text(publisher.get("name")) or ""))]
        if names:
            found.authors = Found(names, "JSON-LD author")


def _list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _author_names(author) -> list[str]:
    """A JSON-LD author: a Person's name (an Organization is no author), or a plain string of names."""
    if isinstance(author, dict):
        if _types(author) & {"organization", "newsmediaorganization", "corporation"}:
            return []
        return person_names(_text(author.get("name")))
    return person_names(author if isinstance(author, str) else None)


def _text(value) -> str | None:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str)), None)
    text = " ".join(value.split()) if isinstance(value, str) else ""
    return text or None


def person_names(value: str | None) -> list[str]:
    """The person names in an author field: 'By A and B', 'A, B', without roles, e-mails, links or desks."""
    if not value or value.lower().startswith(("http://", "https://")) or len(value) > 200:
        return []
    text = re.sub(r"^.{0,30}?\b(?:by|von|par|por|автор)\s*:?\s+", "", " ".join(value.split()), flags=re.I)
    names = []
    for part in re.split(r"\s*(?:,|;|\||&|\band\b|\bund\b|\bet\b|\by\b|\bи\b)\s*", text):
        part = _ROLE_OR_MORE.split(part)[0].strip(" .:-–—")  # 'Andrea Stone Senior Washington Correspondent' → the name
        words = part.split()
        if not 2 <= len(words) <= 5 or "@" in part or re.search(r"\d|https?:|www\.|/", part):
            continue
        if NOT_A_PERSON.search(part) or not all(word[:1].isupper() or word.lower() in _SMALL | {"van", "von", "bin", "al", "da"}
                                                for word in words):
            continue
        names.append(L.name_case(part))
    return names


_SEPARATOR = re.compile(r"\s+(?:\||-|--|–|—|«|»|::?|·)\s+")
_DOMAIN = re.compile(r"^(?:www\.)?([\w-]+)(?:\.[\w-]+)*\.[a-z]{2,6}$", re.I)


def _site_label(host: str) -> str:
    """'www.usatoday.com' → 'usatoday', 'news.bbc.co.uk' → 'bbc'."""
    labels = [label for label in host.lower().split(".") if label not in ("www", "m", "news", "co", "com", "org", "net")]
    return labels[-2] if len(labels) >= 2 else (labels[0] if labels else "")


def _squash(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", (text or "").casefold())


def _same_site(segment: str, names: list[str]) -> bool:
    """A title segment that is the site's name ('BusinessWeek', 'CNN.com', 'TIME NewsFeed')."""
    part = _squash(re.sub(r"\.(?:com|org|net|co\.uk|[a-z]{2})$", "", segment.strip(), flags=re.I))
    return bool(part) and any(name and len(name) >= 3 and (name in part or part in name) for name in names)


def clean_title(title: str, page: PageMeta, outlet: str | None, authors: list[str]) -> str:
    """The headline without the site's name, section or authors that pages add to <title> and og:title."""
    if any(_squash(title) == _squash(h) for h in page.headings if h):
        return title
    segments = _SEPARATOR.split(title)
    for end in range(len(segments) - 1, 0, -1):  # the page's own <h1> is the headline
        prefix = " - ".join(segments[:end])
        for heading in page.headings:
            if heading and _squash(heading) == _squash(prefix):
                return heading
    names = [_squash(outlet), page.site, _squash(_title_site(page))] + [_squash(" ".join(authors))]
    while len(segments) > 1 and _same_site(segments[-1], names):
        segments.pop()
    while len(segments) > 1 and _same_site(segments[0], names):
        segments.pop(0)
    if len(segments) == len(_SEPARATOR.split(title)):
        return title
    separators = _SEPARATOR.findall(title)
    kept = segments[0]
    start = _SEPARATOR.split(title).index(segments[0])
    for offset, segment in enumerate(segments[1:]):
        kept += separators[start + offset] + segment
    return kept


def _title_site(page: PageMeta) -> str:
    """The last segment of <title> when it names the site ('… | Tulsa World'), else ''."""
    segments = _SEPARATOR.split(page.title_tag)
    last = segments[-1] if len(segments) > 1 else ""
    return last if 1 <= len(last.split()) <= 4 else ""


def readable_outlet(name: str | None, page: PageMeta, title: str | None) -> tuple[str | None, str | None]:
    """(outlet, note): a site name written as a domain ('usatoday.com') becomes the name the page writes
    ('… | USA TODAY'), else its label ('CNN.com' → 'CNN'); a page without one is named by its <title>'s suffix."""
    if name and title and _squash(name) == _squash(title):
        name = None  # a site name that repeats the headline names nothing
    if not name:
        suffix = _title_site(page)
        if suffix and (not page.site or _same_site(suffix, [page.site])):
            return outlet_name(suffix), "outlet from the end of the page's <title>"
        return None, None
    domain = _DOMAIN.match(name.strip())
    if not domain:
        return outlet_name(name), None
    label = domain[1]
    for segment in _SEPARATOR.split(page.title_tag)[1:]:
        if _squash(segment) == _squash(label):
            return outlet_name(segment), f"outlet '{name}' written as the page's <title> writes it"
    return (label if not label.islower() else name), (f"outlet '{name}' is a site address: check it" if label.islower() else None)


def outlet_name(name: str) -> str:
    """The outlet as a reader writes it: 'USA TODAY' → 'USA Today', 'THE HILL' → 'The Hill', 'CBS NEWS' → 'CBS News'."""
    name = " ".join(name.split())
    name = re.split(r"\s+[|–—]\s+", name)[0] if re.search(r"\s[|–—]\s", name) else name
    if not name.isupper() or len(name.replace(" ", "")) <= 4:
        return name
    words = name.split()
    return " ".join(word if (len(word) <= 3 and word.lower() not in _SMALL) else word.capitalize() for word in words)
