"""Plain-text digests: split into articles; find title, standfirst, outlet, date, author, dateline; drop furniture."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from book.ingest import lines as L
from book.ingest.dates import PartialDate, infer_year
from book.ingest.records import Block, Record, Source
from book.ingest.structure import fingerprint, sort_blocks, take_damaged_dateline

HEADER_WINDOW = 7      # non-blank lines after a title that may still be its header
SIGNAL_WINDOW = 4      # non-blank lines after a headline in which a header must show
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙]|[-*+])\s+(?=\S)")


@dataclass
class _Line:
    number: int   # 1-based line in the source
    text: str     # without surrounding whitespace


@dataclass
class _Header:
    """What the lines under a headline said, and where the body starts."""

    end: int                      # index (into the non-blank lines) of the first body line
    date: PartialDate | None = None
    author: str | None = None
    outlet_line: str | None = None
    domain: str | None = None
    standfirst: str | None = None
    lead: list[_Line] = field(default_factory=list)   # sentences in the header that belong to the body
    notes: list[str] = field(default_factory=list)


def parse_digest(source: Source, known_outlets: tuple[str, ...] = ()) -> list[Record]:
    """Every article of a plain-text digest, in source order."""
    raw = source.text.split("\n")
    content = [_Line(n, line.strip()) for n, line in enumerate(raw, 1) if not L.is_blank(line)]
    blank_before = {line.number for line in content if line.number == 1 or L.is_blank(raw[line.number - 2])}
    starts = _article_starts(content, blank_before)
    if not starts:
        return []
    found: list[tuple[Record, _Header, PartialDate | None]] = []
    for position, (start, header) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else len(content)
        body_lines = header.lead + content[header.end:stop]
        title = content[start] if start >= 0 else _Line(content[0].number, source.name.rsplit("/", 1)[-1])
        record, partial = _article(source, title, header, body_lines, raw, known_outlets)
        own = content[max(start, 0):stop]
        record.fingerprint = fingerprint([line.text for line in own if not L.is_furniture(line.text)])
        found.append((record, header, partial))
    year = infer_year([header.date for _, header, _ in found if header.date])
    for record, header, partial in found:
        if record.date is None and partial is not None:
            record.date = partial.complete(year)
            if record.date is None:
                record.notes.append(f"the date '{partial.month:02d}-{partial.day:02d}' has no year and the digest's other dates do not settle one")
    return [record for record, _, _ in found]


def _article_starts(content: list[_Line], blank_before: set[int]) -> list[tuple[int, _Header]]:
    """(index of each headline, its header), reading the digest top to bottom."""
    index = 0
    while index < len(content) and (L.is_furniture(content[index].text) or L.is_credit(content[index].text)):
        index += 1
    if index >= len(content):
        return []
    first = _first_headline(content, index, blank_before)
    if first is None:
        note = "no headline recognised: the title is the file name; edit it"
        starts = [(-1, _Header(end=index, notes=[note]))]
    else:
        starts = [(first, _header(content, first, blank_before))]
        for line in content[index:first]:
            if not L.is_furniture(line.text):
                starts[0][1].notes.append(f"line {line.number}: '{_short(line.text)}' above the first headline left out")
    index = starts[-1][1].end
    while index < len(content):
        line = content[index]
        if line.number in blank_before and _opens_article(content, index, blank_before):
            starts.append((index, _header(content, index, blank_before)))
            index = max(starts[-1][1].end, index + 1)
        else:
            index += 1
    return starts


def _first_headline(content: list[_Line], index: int, blank_before: set[int]) -> int | None:
    """The first headline; a masthead line or two above it ('The Morning Brief') is passed over."""
    candidates = [i for i in range(index, min(index + 4, len(content))) if not L.is_furniture(content[i].text)][:3]
    for i in candidates:
        if not L.could_be_title(content[i].text):
            break
        if content[i].number in blank_before and _opens_article(content, i, blank_before):
            return i
    return index if L.could_be_title(content[index].text) else None


def _opens_article(content: list[_Line], index: int, blank_before: set[int], after_text: bool = False) -> bool:
    """A headline followed by a header (date, byline, share buttons …), or an 'Outlet: Headline' line.

    `after_text`: the line follows an article's text, so it cannot be a masthead above a headline further down.
    """
    text = content[index].text
    if not L.could_be_title(text) or _beside_date(content, index):
        return False
    if L.labelled_title(text):
        return True
    following = content[index + 1 : index + 1 + SIGNAL_WINDOW]
    nearest = next((i for i in range(index + 1, len(content)) if not L.is_furniture(content[i].text)), None)
    if not after_text and nearest is not None and nearest <= index + 2 and content[nearest].number in blank_before \
            and _opens_article(content, nearest, blank_before):
        return False  # the headline is further down; this line ends the previous article or is a masthead
    if following and L.dateline(following[0].text):
        return True
    return any(_signal(line.text) for line in following)


def _beside_date(content: list[_Line], index: int) -> bool:
    """A short line directly above or below a date line names the outlet; it is no headline."""
    if len(content[index].text.split()) > 5:
        return False
    number = content[index].number
    return any(0 <= j < len(content) and abs(content[j].number - number) == 1 and L.date_of(content[j].text)
               for j in (index - 1, index + 1))


def _signal(text: str) -> bool:
    return bool(L.is_furniture(text) or L.date_of(text) or L.byline(text) or L.is_domain(text) or L.is_credit(text))


def _header(content: list[_Line], start: int, blank_before: set[int]) -> _Header:
    """Classify the lines under the headline at `start` until the body begins."""
    title_key = L.key(content[start].text)
    window = content[start + 1 : start + 1 + HEADER_WINDOW]
    kinds: list[str] = []
    for offset, line in enumerate(window, start + 1):
        if L.dateline(line.text) and len(line.text.split()) > 12:
            break  # a paragraph that opens with a dateline is the body
        text_before = next((i for i in range(len(kinds) - 1, -1, -1) if kinds[i] != "furniture"), None)
        if text_before is not None and kinds[text_before] == "other" and L.ends_sentence(window[text_before].text) \
                and line.number in blank_before and _opens_article(content, offset, blank_before, after_text=True):
            break  # text (then maybe share buttons), then the next article's headline
        kind = _kind(line.text, title_key)
        kinds.append("other" if kind == "repeated title" and "other" in kinds else kind)  # a repeat comes first
    window = window[: len(kinds)]
    _mark_outlet_lines(window, kinds)
    last = max((i for i, kind in enumerate(kinds) if kind != "other"), default=-1)
    header = _Header(end=start + 2 + last)
    seen_meta = False
    for i in range(last + 1):
        line, kind = window[i], kinds[i]
        if kind == "date" and header.date is None:
            header.date = L.date_of(line.text)
        elif kind == "byline" and header.author is None:
            header.author = L.byline(line.text)
        elif kind == "outlet" and header.outlet_line is None:
            header.outlet_line = line.text
        elif kind == "domain" and header.domain is None:
            header.domain = line.text
        elif kind == "credit":
            if i > 0 and kinds[i - 1] == "other" and window[i - 1].number == line.number - 1:
                kinds[i - 1] = "caption"
                _drop_caption(header, window[i - 1])
            header.notes.append(f"line {line.number}: dropped photo credit")
        elif kind == "other":
            _header_text(header, line, seen_meta, i + 1 < len(kinds) and kinds[i + 1] == "credit")
        seen_meta = seen_meta or kind in ("date", "byline", "outlet")
    return header


def _header_text(header: _Header, line: _Line, after_meta: bool, before_credit: bool) -> None:
    """A header line that is no metadata: the standfirst, a photo caption, or the start of the body."""
    if before_credit:
        return  # handled as the caption of the credit that follows
    if header.standfirst is None and (not after_meta or L.ends_sentence(line.text)):
        header.standfirst = line.text
    elif not L.ends_sentence(line.text):
        _drop_caption(header, line)
    else:
        header.lead.append(line)


def _drop_caption(header: _Header, line: _Line) -> None:
    header.notes.append(f"line {line.number}: dropped photo caption '{_short(line.text)}'")


def _kind(text: str, title_key: str) -> str:
    if L.is_furniture(text):
        return "furniture"
    if L.key(text) == title_key:
        return "repeated title"
    if L.date_of(text):
        return "date"
    if L.byline(text):
        return "byline"
    if L.is_credit(text):
        return "credit"
    if L.is_domain(text):
        return "domain"
    return "other"


def _mark_outlet_lines(window: list[_Line], kinds: list[str]) -> None:
    """A short line right next to a date line names the outlet ('Politico' / 'Oct 17 2020')."""
    for i, kind in enumerate(kinds):
        if kind != "other" or len(window[i].text.split()) > 5 or L.ends_sentence(window[i].text):
            continue
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(kinds) and kinds[j] == "date"]
        if any(abs(window[j].number - window[i].number) == 1 for j in neighbours):
            kinds[i] = "outlet"


def _article(source: Source, title_line: _Line, header: _Header, body: list[_Line], raw: list[str],
             known_outlets: tuple[str, ...]) -> tuple[Record, PartialDate | None]:
    """One record from its headline, header and body lines."""
    record = Record(title=title_line.text, provenance=source.name, line=title_line.number,
                    author=header.author, standfirst=header.standfirst, notes=list(header.notes))
    record.blocks = _blocks(body, raw, record.notes)
    if not record.blocks and record.standfirst:
        record.blocks, record.standfirst = [Block(record.standfirst)], None  # the only text under the headline
    partial = None
    agency = None
    found = L.dateline(record.blocks[0].text) if record.blocks and not record.blocks[0].is_list else None
    if found:
        record.dateline = found.city
        agency, partial = found.agency, found.date
        rest = record.blocks[0].text[found.length:].strip()
        record.blocks[0] = Block(rest)
        if not rest:
            record.blocks.pop(0)
    else:
        agency = take_damaged_dateline(record)
    sort_blocks(record)
    record.outlet = _outlet(record, header, agency, known_outlets)
    if header.date is not None:
        record.date = header.date.complete()
        partial = None
    return record, partial


def _outlet(record: Record, header: _Header, agency: str | None, known: tuple[str, ...]) -> str | None:
    """The outlet the source names: a title label it confirms, an outlet line, a dateline agency, a site."""
    labelled = L.labelled_title(record.title)
    if labelled:
        label, headline = labelled
        confirmed = L.key(label) in {L.key(name) for name in known} or (
            header.domain and L.key(header.domain.split(".")[0]) == L.key(label).replace(" ", ""))
        if confirmed:
            record.title = headline
            return _known(label, known)
        record.notes.append(f"title label '{label}:' kept: the source does not confirm it names an outlet")
    line = header.outlet_line
    if agency and line and not _same_outlet(agency, line):
        record.notes.append(f"outlet from the dateline '({agency})'; the digest says it was carried by '{line}'")
        return _known(agency, known)
    if line:
        return _known(line, known)
    if agency:
        return _known(agency, known)
    if header.domain:
        return _known(header.domain, known)
    return None


def _same_outlet(agency: str, line: str) -> bool:
    """'JNS' and 'Jewish News Syndicate' name the same outlet; 'Reuters' and 'U.S. News' do not."""
    initials = "".join(word[0] for word in L.key(line).split())
    return L.key(agency) in (L.key(line), initials) or L.key(agency).replace(" ", "") == initials


def _known(name: str, known: tuple[str, ...]) -> str:
    """The outlet's spelling in outlets.yaml if it is there, else the name (an all-caps name in name case)."""
    for existing in known:
        if L.key(existing) == L.key(name) or L.key(existing).replace(" ", "") == L.key(name).replace(" ", ""):
            return existing
    name = " ".join(name.split())
    return L.name_case(name) if name.isupper() and len(name.replace(" ", "")) > 4 else name


def _blocks(body: list[_Line], raw: list[str], notes: list[str]) -> list[Block]:
    """The body's paragraphs and lists, furniture and photo credits (with their captions) dropped."""
    groups: list[list[_Line]] = []
    for line in body:
        if L.is_furniture(line.text):
            continue
        if groups and line.number - 1 == groups[-1][-1].number and not L.is_blank(raw[line.number - 2]):
            groups[-1].append(line)
        else:
            groups.append([line])
    blocks: list[Block] = []
    for group in groups:
        kept = []
        for line in group:
            if L.is_credit(line.text):
                notes.append(f"line {line.number}: dropped photo credit")
                if kept and len(kept[-1].text.split()) <= 40 and kept[-1].number == line.number - 1:
                    notes.append(f"line {kept[-1].number}: dropped photo caption '{_short(kept[-1].text)}'")
                    kept.pop()
            else:
                kept.append(line)
        blocks.extend(_group_blocks([raw[line.number - 1] for line in kept]))
    return blocks


def _group_blocks(group: list[str]) -> list[Block]:
    """Consecutive lines: a list, a hard-wrapped paragraph, or one paragraph per line."""
    if not group:
        return []
    blocks: list[Block] = []
    items: list[str] = []
    plain: list[str] = []
    for line in group:
        if _BULLET.match(line):
            if plain:
                blocks.extend(_paragraphs(plain))
                plain = []
            items.append(_BULLET.sub("", line, count=1))
        elif items and line[:1].isspace():
            items[-1] += " " + line.strip()
        else:
            if items:
                blocks.append(Block(items=tuple(" ".join(item.split()) for item in items)))
                items = []
            plain.append(line)
    if items:
        blocks.append(Block(items=tuple(" ".join(item.split()) for item in items)))
    blocks.extend(_paragraphs(plain))
    return [block for block in blocks if block.words()]


def _paragraphs(lines: list[str]) -> list[Block]:
    stripped = [line.strip() for line in lines]
    wrapped = len(stripped) > 1 and all(30 <= len(line) <= 100 for line in stripped[:-1])
    if wrapped:
        return [Block(" ".join(" ".join(stripped).split()))]
    return [Block(" ".join(line.split())) for line in stripped if line]


def _short(text: str, limit: int = 50) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
