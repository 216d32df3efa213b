"""A saved page's metadata as its publisher wrote it: JSON-LD, Open Graph and meta tags, read from the raw page.

Read before the page is sanitised (which removes every <script>, JSON-LD included). Nothing here runs or
fetches anything: JSON-LD is parsed as data, and only strings are kept.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from book.ingest import bylines
from book.ingest import lines as L
from book.ingest.bylines import person_names
from book.ingest.dates import date_line, offset_kind, parse_iso

ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "backgroundnewsarticle", "webpage", "report", "liveblogposting"}
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
    date: Found | None = None
    authors: Found | None = None
    title_tag: str = ""                                  # the <title> as the page has it
    headings: list[str] = field(default_factory=list)    # the page's <h1>s
    site: str = ""                                       # the site's own name in its address: 'usatoday', 'elmundo'
    host: str = ""                                       # the page's host name: 'www.usatoday.com'
    outlets: list[Found] = field(default_factory=list)   # every name the publisher's data gives the site
    handles: set[str] = field(default_factory=set)       # the site's social-media handles, folded: no names
    phrases: list[str] = field(default_factory=list)     # the page's short texts ('Doug Stanglin, USA TODAY' → both)
    stamp: str = ""                                      # the date's timestamp as written ('2014-06-30')


def read_meta(tree, url: str | None = None) -> PageMeta:
    """Title, outlet, date and authors from the raw page (fetched from `url`, if known): JSON-LD, meta tags, bylines."""
    found = PageMeta()
    for data in _json_ld(tree):
        _from_json_ld(data, found)
    metas = _metas(tree)
    _first(found, "title", metas, ("og:title", "twitter:title"), "Open Graph")
    for name in ("og:site_name", "application-name"):
        if " ".join((metas.get(name) or "").split()):
            found.outlets.append(Found(" ".join(metas[name].split()), f"{'Open Graph' if ':' in name else 'meta'} {name}"))
    found.handles = {re.sub(r"[\W_]+", "", value.casefold()) for name in ("twitter:site", "twitter:creator")
                     if (value := metas.get(name) or "").strip()}
    found.title_tag = " ".join((tree.findtext(".//title") or "").split())
    found.headings = [" ".join(h.text_content().split()) for h in tree.iter("h1")][:5]
    address = metas.get("og:url") or next((link.get("href") or "" for link in tree.iter("link")
                                           if (link.get("rel") or "").lower() == "canonical"), "")
    host = re.match(r"^https?://([^/:?#]+)", address.strip()) or re.match(r"^https?://([^/:?#]+)", url or "")
    found.host = host[1].lower() if host else _linked_host(tree)
    found.site = _site_label(re.sub(r"^www\.", "", found.host)) if found.host else ""
    found.phrases = _phrases(tree)
    _read_date(tree, metas, found)
    if found.authors is None:
        names, source = bylines.page_authors(tree, metas)
        found.authors = Found(names, source) if names else None
    return found


_PUBLISHED = ("article:published_time", "datepublished", "pubdate", "publishdate", "publish-date", "date", "dc.date",
              "dc.date.issued", "sailthru.date", "parsely-pub-date", "og:published_time", "og:article:published_time")


def _read_date(tree, metas: dict[str, str], found: PageMeta) -> None:
    """The publication day as the page declares it, in the page's own time zone where it gives one."""
    # A day read in UTC ('…Z', or a bare date some sites derive from it) is one day off the day the page prints
    # when the article appeared late or early in its local day; a timestamp that keeps its offset
    # ('2014-06-29 20:08:00-0400', a <time datetime> of the article) gives the page's own day.
    if found.date is None:
        for name in _PUBLISHED:
            day = parse_iso(metas.get(name))
            if day:
                found.date, found.stamp = Found(day, f"meta {name}"), metas[name]
                break
    local = [parse_iso(element.get("datetime")) for element in tree.iter("time")
             if (element.get("itemprop") or "").lower() != "datemodified" and offset_kind(element.get("datetime")) == "local"]
    local = [day for day in local if day]
    if found.date is None:
        published = next((element.get("datetime") for element in tree.iter("time")
                          if (element.get("itemprop") or "").lower() == "datepublished"
                          or element.get("pubdate") is not None), None)
        printed = _printed_date(tree)
        if parse_iso(published):
            found.date, found.stamp = Found(parse_iso(published), "the page's <time datetime>"), published
        elif printed:
            found.date = Found(printed, "the date printed under the headline")
    elif offset_kind(found.stamp) != "local" and local and abs((local[0] - found.date.value).days) == 1:
        found.date = Found(local[0], f"the page's <time datetime>, in the page's own time zone ({found.date.source} "
                                     f"gives {found.date.value.isoformat()}, the day in UTC)")


_SECOND_LEVEL = {"co", "com", "org", "net", "ac", "gov", "or", "ne", "go", "edu"}


def _linked_host(tree) -> str:
    """The site most of a saved page's links and images come from ('prachatai.com'); '' if none clearly leads."""
    sites: dict[str, int] = {}
    for address in tree.xpath("//a/@href | //img/@src | //link/@href")[:3000]:
        host = re.match(r"^(?:https?:)?//([^/:?#]+)", str(address).strip())
        if host:
            labels = host[1].lower().split(".")
            keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
            site = ".".join(labels[-keep:])
            sites[site] = sites.get(site, 0) + 1
    ranked = sorted(sites.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < 5 or (len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]):
        return ""
    return ranked[0][0]


def _printed_date(tree):
    """The first whole date among the texts under the page's <h1> ('Thu, 14 May 2020 17:55 UTC'), not an update time."""
    start = next((h for h in tree.iter("h1") if " ".join(h.text_content().split())), None)
    if start is None:
        return None
    for count, text in enumerate(start.xpath("following::text()[normalize-space()]")):
        line = " ".join(str(text).split())
        if count >= 20:  # the header: a date further down is a table cell or another story's
            break
        if re.match(r"(?i)(?:last\s+)?(?:updated|modified)\b", line):
            continue
        found = date_line(line)
        if found:
            return found.complete()
    return None


def _phrases(tree) -> list[str]:
    """The page's short texts and the parts of its bylines, where its name may be written out ('USA TODAY')."""
    phrases = []
    for text in tree.xpath("//body//text()[normalize-space()]")[:5000]:
        for part in re.split(r"\s*[,|–—·•:]\s*|\s+-\s+", " ".join(str(text).split())):
            if part and len(part.split()) <= 4:
                phrases.append(part)
    return phrases


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
        if kinds & {"newsmediaorganization", "organization"} and _text(data.get("name")):
            found.outlets.append(Found(_text(data.get("name")), "JSON-LD Organization"))
        return
    article = "webpage" not in kinds
    if found.title is None and _text(data.get("headline")) and article:
        found.title = Found(_text(data.get("headline")), "JSON-LD headline")
    if found.date is None and article:
        stamp = _text(data.get("datePublished")) or _text(data.get("dateCreated")) or ""
        if parse_iso(stamp):
            found.date, found.stamp = Found(parse_iso(stamp), "JSON-LD datePublished"), stamp
    publisher = data.get("publisher")
    publisher = publisher[0] if isinstance(publisher, list) and publisher else publisher
    if isinstance(publisher, dict) and _text(publisher.get("name")):
        found.outlets.insert(0, Found(_text(publisher.get("name")), "JSON-LD publisher"))
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


# Between a headline and the site's name or section: ' | ', ' - ', ' « ', ' : ', ' • ', and the full-width '：' and '｜' of
# Chinese and Japanese titles, written without spaces ('…の成否 ：日本経済新聞').
SEPARATOR = re.compile(r"\s+(?:\||-|--|–|—|«|»|::?|·|•)\s+|\s*[：｜]\s*")
# A headline's end glued to the site's name without spaces ('…临床用药需求-新华网'), read only after the page's own <h1>.
_GLUED = re.compile(r"^\s*[-|_–—:：｜·»]\s*(?P<site>\S(?:.{0,28}\S)?)\s*$")
# A photo credit some pages add to the headline: '（写真＝ロイター）', '(Photo: AFP)'.
_PHOTO_CREDIT = re.compile(r"\s*[（(]\s*(?:写真|画像|사진|图|圖|photo|foto|фото)\s*[=＝:：]\s*[^（）()]{1,40}[）)]\s*$", re.I)


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


def _after_heading(title: str, headings: list[str]) -> tuple[str, str] | None:
    """(the <h1>, what follows it) when `title` is the page's <h1> with the site's name glued on ('…需求-新华网')."""
    for heading in headings:
        if len(heading) >= 4 and title.startswith(heading):
            glued = _GLUED.match(title[len(heading):])
            if glued and not SEPARATOR.search(glued["site"]):
                return heading, glued["site"]
    return None


def clean_title(title: str, page: PageMeta, outlet: str | None, authors: list[str]) -> str:
    """The headline without the site's name, section, authors or photo credit that pages add to <title> and og:title."""
    if any(_squash(title) == _squash(h) for h in page.headings if h):
        return title
    glued = _after_heading(title, page.headings)
    if glued:
        return glued[0]
    segments = SEPARATOR.split(title)
    for end in range(len(segments) - 1, 0, -1):  # the page's own <h1> is the headline
        prefix = " - ".join(segments[:end])
        for heading in page.headings:
            if heading and _squash(heading) == _squash(prefix):
                return heading
    names = [_squash(outlet), page.site, _squash(title_suffix(page.title_tag, page.headings))] + [_squash(" ".join(authors))]
    while len(segments) > 1 and _same_site(segments[-1], names):
        segments.pop()
    while len(segments) > 1 and _same_site(segments[0], names):
        segments.pop(0)
    if len(segments) == len(SEPARATOR.split(title)):
        return _PHOTO_CREDIT.sub("", title) or title
    separators = SEPARATOR.findall(title)
    kept = segments[0]
    start = SEPARATOR.split(title).index(segments[0])
    for offset, segment in enumerate(segments[1:]):
        kept += separators[start + offset] + segment
    return _PHOTO_CREDIT.sub("", kept) or kept


def title_suffix(title_tag: str, headings: list[str]) -> str:
    """The end of <title> when it may name the site ('… | Tulsa World', '…需求-新华网'), else ''."""
    glued = _after_heading(title_tag, headings)
    if glued:
        return glued[1]
    segments = SEPARATOR.split(title_tag)
    last = segments[-1].strip() if len(segments) > 1 else ""
    return last if 1 <= len(last.split()) <= 4 else ""
