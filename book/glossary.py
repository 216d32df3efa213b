"""Glossary terms in passages: one matcher over every name, the linking policy, where terms are used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from book.errors import Diagnostic
from book.files import Located, line_of, load_yaml, read_text
from book.models import Term
from book.plaintext import MARKDOWN, plain_text  # one parser: the book's text is the text that is scored
from book.render.model import Part, TermMention

# Raw HTML in a source is shown as text, never passed through to the book (plaintext.MARKDOWN).
# Only to find raw HTML in sources for `book check`; never used to render.
_WITH_HTML = MarkdownIt("commonmark")
# A source's heading is a line of the quoted text, not a heading of the book (outline, PDF/UA order).
SOURCE_HEADING = ('<p class="source-heading">', "</p>\n")
QUOTES_TEXT_ONLY = "the book quotes text only"
_WORD = re.compile(r"\w+")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class Match:
    """One occurrence of a glossary name in a text."""

    term_id: str
    start: int
    end: int
    text: str


class Matcher:
    """Every term, name and alias of a glossary in one index keyed by a name's first word.

    Scanning a text looks each of its words up once and tries only the names that start
    with that word, so the cost per passage does not grow with the size of the glossary.
    At each place the longest name wins. A name with a capital letter matches only as
    written; an all-lower-case name matches in any case. A name starts and ends at a word
    boundary: a hyphen before a name is a boundary ("Azerbaijan-Karabakh" mentions
    Karabakh) unless a longer name spans it ("Nagorno-Karabakh"), and a possessive after a
    name is not part of it ("Kessa's" mentions Kessa).
    """

    def __init__(self, terms: tuple[Term, ...] | list[Term]):
        self._index: dict[str, list[tuple[re.Pattern, int, str]]] = {}
        seen: set[str] = set()
        for term in terms:
            for name in term.all_names():
                name = " ".join(name.split())
                first = _WORD.search(name)
                if first is None or name in seen:
                    continue
                seen.add(name)
                body = r"\s+".join(re.escape(word) for word in name.split(" "))
                pattern = re.compile(body + r"(?!\w)", 0 if _has_capital(name) else re.IGNORECASE)
                self._index.setdefault(first.group().casefold(), []).append((pattern, first.start(), term.id))

    def find(self, text: str) -> list[Match]:
        """The glossary names in `text`, left to right, never overlapping, longest at each place."""
        found: list[Match] = []
        end = 0
        for word in _WORD.finditer(text):
            if word.start() < end:
                continue
            best = None
            for pattern, lead, term_id in self._index.get(word.group().casefold(), ()):
                start = word.start() - lead
                if start < end or (start and _WORD_CHAR.match(text, start - 1)):
                    continue
                match = pattern.match(text, start)
                if match and match.start() == start and (best is None or match.end() > best.end):
                    best = Match(term_id, start, match.end(), match.group())
            if best is not None:
                found.append(best)
                end = best.end
        return found


def _has_capital(name: str) -> bool:
    return any(char.isupper() for char in name)


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


class Linker:
    """Links mentions in one book, chapter by chapter, following each term's `link` policy.

    With `link: first`, an entry with contested names (two or more `names`) has the first
    mention of each of its names linked in every chapter, so that neither side's name is
    linked where the other's came first; other spellings (term, aliases) count as one more name.
    """

    def __init__(self, terms: tuple[Term, ...]):
        self.matcher = Matcher(terms)
        self.policy = {term.id: term.link for term in terms}
        self.contested = {term.id: {_name_key(name.name) for name in term.names}
                          for term in terms if len(term.names) > 1}
        self.counts: dict[tuple[str, str], int] = {}  # (term id, passage anchor) → its mentions linked there
        self.chapter = ""
        self.linked: set[tuple[str, str]] = set()  # (term id, name key) linked in this chapter
        self.linked_in: dict[str, dict[str, str]] = {}  # term id → chapter slug → first linked mention
        self.seen_in: dict[str, dict[str, str]] = {}  # term id → chapter slug → first passage mentioning it

    def start_chapter(self, slug: str) -> None:
        self.chapter = slug
        self.linked = set()

    def start_period(self) -> None:
        """A period of a divided chapter links first mentions again: a source added to one changes no other."""
        self.linked = set()

    def passage(self, markdown: str, anchor: str) -> tuple[tuple[Part, ...], str]:
        """The passage as HTML parts with its term mentions, and its plain text."""
        tokens = MARKDOWN.parse(markdown)
        out = Parts()
        render_tokens(tokens, out, self, anchor)
        parts = out.finish()
        return parts, parts_text(parts)

    def mention(self, match: Match, passage_anchor: str) -> TermMention | None:
        """A link for this occurrence, or None when the policy says plain text; the use is recorded."""
        term_id = match.term_id
        self.seen_in.setdefault(term_id, {}).setdefault(self.chapter, passage_anchor)
        policy = self.policy[term_id]
        once = (term_id, self._name(match))
        if policy == "none" or (policy == "first" and once in self.linked):
            return None
        self.linked.add(once)
        # named after its passage, not numbered through the book: a source added early renames no later mention
        count = self.counts[term_id, passage_anchor] = self.counts.get((term_id, passage_anchor), 0) + 1
        anchor = f"mention-{term_id}-{passage_anchor}" + (f"-{count}" if count > 1 else "")
        self.linked_in.setdefault(term_id, {}).setdefault(self.chapter, anchor)
        return TermMention(term_id=term_id, text=match.text, anchor=anchor)

    def _name(self, match: Match) -> str:
        """Which of its entry's names a mention is, for linking the first of each ("" for an uncontested entry)."""
        names = self.contested.get(match.term_id)
        key = _name_key(match.text)
        return key if names and key in names else ""

    def note_unlinked(self, text: str, passage_anchor: str) -> None:
        """Names inside another link are not linked, but they are still uses of the term."""
        for match in self.matcher.find(text):
            self.seen_in.setdefault(match.term_id, {}).setdefault(self.chapter, passage_anchor)

    def use_anchor(self, term_id: str, chapter_slug: str) -> str | None:
        """Where a chapter uses a term: its linked mention, else the first passage naming it."""
        linked = self.linked_in.get(term_id, {}).get(chapter_slug)
        return linked or self.seen_in.get(term_id, {}).get(chapter_slug)


class Parts:
    """Collects HTML pieces and mentions, merging neighbouring HTML pieces."""

    def __init__(self):
        self.parts: list[Part] = []
        self.html: list[str] = []

    def add(self, part: Part) -> None:
        if isinstance(part, str):
            self.html.append(part)
            return
        self._flush()
        self.parts.append(part)

    def _flush(self) -> None:
        if self.html:
            self.parts.append("".join(self.html))
            self.html = []

    def finish(self) -> tuple[Part, ...]:
        self._flush()
        return tuple(self.parts)


def render_tokens(tokens: list[Token], out: Parts, linker: Linker | None, anchor: str, depth: int = 0,
                  quoted: bool = True) -> None:
    """markdown-it's own render loop for a passage, with term mentions cut out of the text tokens.

    Departures, because the book is made of text and fetches nothing: an image becomes its
    description, and a link is kept only if it leads out to the web (`http(s):`, `mailto:`);
    any other address (a relative path, `file:`, `#…`) would point into the EPUB or the
    disk, so its text stays and the link goes. In quoted text (`quoted`) a heading also
    becomes a paragraph (`SOURCE_HEADING`). `depth` is how deep inside a kept link the tokens are.
    """
    renderer, options = MARKDOWN.renderer, MARKDOWN.options
    dropped: list[bool] = []  # for each open link: was it left out?
    for index, token in enumerate(tokens):
        if token.type == "inline":
            render_tokens(token.children or [], out, linker, anchor, depth, quoted)
            continue
        if quoted and token.type in ("heading_open", "heading_close"):
            out.add(SOURCE_HEADING[token.nesting == -1])
            continue
        if token.type == "image":
            render_tokens(token.children or [], out, linker, anchor, depth, quoted)
            continue
        if token.type == "link_open":
            dropped.append(not leads_out(str(token.attrGet("href") or "")))
            if dropped[-1]:
                continue
            depth += 1
        elif token.type == "link_close":
            if dropped and dropped.pop():
                continue
            depth -= 1
        if token.type == "text":
            if linker is None:
                out.add(text_html(token.content))
            elif depth:
                linker.note_unlinked(token.content, anchor)
                out.add(text_html(token.content))
            else:
                _link_text(token.content, out, linker, anchor)
            continue
        rule = renderer.rules.get(token.type)
        out.add(rule(tokens, index, options, {}) if rule else renderer.renderToken(tokens, index, options, {}))


def _link_text(text: str, out: Parts, linker: Linker, anchor: str) -> None:
    position = 0
    for match in linker.matcher.find(text):
        mention = linker.mention(match, anchor)
        if mention is None:
            continue
        out.add(text_html(text[position : match.start]))
        out.add(mention)
        position = match.end
    out.add(text_html(text[position:]))


LONG_WORD = re.compile(r"\S{%d,}" % 101)
BREAK_EVERY = 8  # narrower than any line, in any edition


def text_html(text: str) -> str:
    """Text as HTML; a "word" longer than any real one (over 100 characters) may break every 8 characters.

    Without it, WeasyPrint hyphenates such a word in time that grows with its length
    squared (a 100,000-letter word: minutes). The word is not changed: it is cut by
    `<wbr />` break opportunities inside a span that is not hyphenated.
    """
    if not LONG_WORD.search(text):
        return escapeHtml(text)
    out, position = [], 0
    for match in LONG_WORD.finditer(text):
        word = match.group()
        pieces = (escapeHtml(word[i : i + BREAK_EVERY]) for i in range(0, len(word), BREAK_EVERY))
        out += [escapeHtml(text[position : match.start()]), '<span style="hyphens: manual">', "<wbr />".join(pieces), "</span>"]
        position = match.end()
    out.append(escapeHtml(text[position:]))
    return "".join(out)


def leads_out(href: str) -> bool:
    """A link the book keeps: to the web or an e-mail address, never into the book's files or the disk."""
    return href.lower().startswith(("http://", "https://", "mailto:"))


def render_markdown(markdown: str) -> str:
    """Editor's Markdown as HTML (chapter intros, definitions): raw HTML escaped, images and links as in a passage, no glossary links."""
    out = Parts()
    render_tokens(MARKDOWN.parse(markdown), out, None, "", quoted=False)
    return "".join(out.finish())


def render_inline(markdown: str) -> str:
    """One line of the editor's Markdown as inline HTML (discussion questions), images and links as in a passage."""
    out = Parts()
    render_tokens(MARKDOWN.parseInline(markdown), out, None, "", quoted=False)
    return "".join(out.finish())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def html_text(html: str) -> str:
    """The text a reader sees in an HTML fragment: tags dropped, entities decoded."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.chunks)


def _join(parts: tuple[Part, ...]) -> str:
    return "".join(part if isinstance(part, str) else escapeHtml(part.text) for part in parts)


def parts_text(parts: tuple[Part, ...]) -> str:
    """The plain text of a passage's parts (a mention contributes its own words), ends trimmed."""
    return html_text(_join(parts)).strip()


def unshown_markup(project) -> tuple[Diagnostic, ...]:
    """A warning for each image in a passage, and for a passage's raw HTML: the book prints text only.

    The editor's own Markdown (chapter introductions and questions, glossary definitions)
    is rendered the same way: each of its images and each link that does not lead to the
    web is named too.
    """
    found = []
    for article in project.articles:
        for passage in article.passages:
            html_seen = False
            for offset, token in _inline_tokens(_WITH_HTML.parse(passage.text)):
                where = (article.path, passage.line + offset)
                if token.type == "image":
                    src = token.attrs.get("src", "")
                    found.append(Diagnostic(*where, f"image '{src}' is not shown: {QUOTES_TEXT_ONLY}", "warning"))
                elif token.type in ("html_inline", "html_block") and not html_seen:
                    html_seen = True  # one warning per passage is enough to send the editor there
                    tag = _shorten(token.content.strip())
                    found.append(Diagnostic(*where, f"HTML '{tag}' is printed as written, not applied: {QUOTES_TEXT_ONLY}",
                                            "warning"))
    for path, line, markdown in _editor_texts(project):
        for offset, token in _inline_tokens(MARKDOWN.parse(markdown)):
            if token.type == "image":
                found.append(Diagnostic(path, line + offset, f"image '{token.attrs.get('src', '')}' is not shown "
                                                             "(the book fetches nothing): its description is printed instead", "warning"))
            elif token.type == "link_open" and not leads_out(str(token.attrGet("href") or "")):
                found.append(Diagnostic(path, line + offset, f"link '{token.attrGet('href')}' is not kept: only http(s) "
                                                             "and mailto links leave the book; its text is printed", "warning"))
    return tuple(found)


def _editor_texts(project):
    """(path, line, Markdown) of every text the editor wrote: chapter introductions and questions, glossary definitions."""
    for chapter in project.chapters:
        where = Located(chapter.path, project.root)
        text = read_text(Path(project.root) / chapter.path, where) or ""
        start = text.find(chapter.intro) if chapter.intro else -1
        yield chapter.path, text.count("\n", 0, start) + 1 if start >= 0 else 1, chapter.intro
        notes = [chapter.spec.teacher_notes or ""]
        for question in chapter.spec.question_list():
            notes.append(question.note or "")
            start = text.find(question.question)
            yield chapter.path, text.count("\n", 0, start) + 1 if start >= 0 else 1, question.question
        for note in filter(None, notes):
            start = text.find(note.strip().split("\n")[0])
            yield chapter.path, text.count("\n", 0, start) + 1 if start >= 0 else 1, note
    lines = entry_lines(project.root)
    for term in project.glossary:
        yield "glossary.yaml", lines.get(term.id, 1), term.definition or ""


def _inline_tokens(tokens: list[Token]):
    """(line offset within the passage, token) for every inline token and raw HTML block."""
    for token in tokens:
        if token.type == "html_block" and token.map:
            yield token.map[0], token
        if token.type != "inline" or token.map is None:
            continue
        offset = token.map[0]
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            else:
                yield offset, child


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unused_terms(project) -> tuple[Diagnostic, ...]:
    """A warning at `glossary.yaml:<line>` for every entry no passage of the corpus mentions."""
    if not project.glossary:
        return ()
    matcher = Matcher(project.glossary)
    used = {match.term_id for passage in project.passages for match in matcher.find(plain_text(passage.text))}
    lines = entry_lines(project.root)
    return tuple(
        Diagnostic("glossary.yaml", lines.get(term.id, 0), f"glossary entry '{term.id}' is never used in the corpus", "warning")
        for term in project.glossary
        if term.id not in used
    )


def entry_lines(root: Path) -> dict[str, int]:
    """Glossary id → the line of glossary.yaml where its entry starts."""
    path = Path(root) / "glossary.yaml"
    where = Located("glossary.yaml", root)
    text = read_text(path, where) if path.is_file() else None
    data = load_yaml(text, where) if text is not None else None
    if not isinstance(data, list):
        return {}
    return {
        str(entry["id"]): line_of(data, (index,))
        for index, entry in enumerate(data)
        if isinstance(entry, dict) and "id" in entry
    }
