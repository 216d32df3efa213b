"""Balance at a glance: a chapter's passages by perspective as a small bar chart (SVG, drawn by Matplotlib).

The chart repeats the chapter's table ("Whose reporting this chapter quotes"), which stays: the image
has a text alternative that says the same in words. Letters are drawn as outlines with the book's own
font, so the chart looks the same in every reader and needs no font of its own; one colour for every
bar, so that no side is singled out. The same rows give the same bytes (no dates, fixed ids). A
right-to-left book's chart is mirrored: names on the right, bars growing to the left.
"""

from __future__ import annotations

import base64
import functools
import io
from pathlib import Path

from book import i18n
from book.render.model import BalanceRow, perspective_text

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = FONTS / "NotoSerif-Regular.ttf"
# Labels in other scripts fall back, glyph by glyph, to the package's script fonts (Matplotlib shapes Arabic).
FALLBACK_FONTS = tuple(FONTS / f"{stem}-Regular.ttf"
                       for stem in ("NotoSerifArmenian", "NotoSerifGeorgian", "NotoNaskhArabic", "NotoSerifHebrew"))
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"
BAR = "#5b7083"
WIDTH_IN = 4.6
ROW_IN = 0.34
kept = None  # charts kept between builds (partcache.KeptBlobs), set while a build that caches renders


def alt_text(rows: tuple[BalanceRow, ...]) -> str:
    """The chart in words: "Passages by perspective: Northland press 3, Southland government 1."."""
    counts = ", ".join(f"{perspective_text(row.perspective)} {row.passages}" for row in rows)
    return i18n.current().gettext("Passages by perspective: %(counts)s.") % {"counts": counts}


def balance_svg(rows: tuple[BalanceRow, ...]) -> bytes:
    """The rows as horizontal bars, most passages on top, each labelled with its count (in the book's words).

    While `kept` is set, a chart drawn by an earlier build from the same words and counts is read back:
    Matplotlib (its import and drawing) is a large part of a build that reuses the PDF's laid-out parts.
    """
    words = i18n.current()
    if kept is None:
        return _balance_svg(rows, words)
    return kept.made(_key(rows, words), lambda: _balance_svg(rows, words))


def _key(rows: tuple[BalanceRow, ...], words: i18n.Words) -> str:
    """What a chart's bytes depend on: this module, Matplotlib's version, the fonts, the direction, its labels and counts."""
    from book import cache

    return cache.key(_code_version(), words.direction, alt_text(rows),
                     *(part for row in rows for part in (perspective_text(row.perspective), str(row.passages))))


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    from importlib import metadata

    from book import cache

    return cache.key(Path(__file__).read_bytes(), metadata.version("matplotlib"), *(font.read_bytes() for font in (FONT, *FALLBACK_FONTS)))


@functools.lru_cache(maxsize=256)
def _balance_svg(rows: tuple[BalanceRow, ...], words: i18n.Words) -> bytes:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.figure import Figure

    family = []
    for font in (FONT, *FALLBACK_FONTS):
        font_manager.fontManager.addfont(str(font))
        family.append(font_manager.FontProperties(fname=str(font)).get_name())
    settings = {"svg.fonttype": "path", "svg.hashsalt": "balance", "font.family": family, "font.size": 8.5,
                "axes.edgecolor": "#888888", "xtick.color": "#444444", "ytick.color": "#222222"}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(WIDTH_IN, 0.35 + ROW_IN * len(rows)), dpi=72)
        axes = figure.add_subplot()
        names = [perspective_text(row.perspective) for row in rows][::-1]
        counts = [row.passages for row in rows][::-1]
        bars = axes.barh(range(len(rows)), counts, color=BAR, height=0.62)
        axes.set_yticks(range(len(rows)), labels=names)
        limits = (0, max(counts) * 1.15 or 1)
        start = "left"
        if words.direction == "rtl":  # read from the right: names on the right, bars growing leftwards
            limits, start = limits[::-1], "right"
            axes.yaxis.tick_right()
        axes.set_xlim(*limits)
        axes.bar_label(bars, padding=3, fontsize=8.5)  # after the axis is set: Matplotlib places counts by its direction
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom", "left"):
            axes.spines[side].set_visible(side == start)
        axes.tick_params(axis="y", length=0)
        figure.tight_layout(pad=0.3)
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Title": alt_text(rows)})
    return _without_empty_glyphs(out.getvalue())


def _without_empty_glyphs(svg: bytes) -> bytes:
    """The SVG without its XML declaration and DOCTYPE (which names a DTD on the web) and without the empty
    glyph outlines Matplotlib writes for spaces (`<path>` with no `d`, which SVG does not allow), nor their uses."""
    from lxml import etree

    root = etree.fromstring(svg, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    empty = set()
    for path in root.iter(f"{SVG}path"):
        if path.get("d") is None:
            empty.add("#" + path.get("id", ""))
            path.getparent().remove(path)
    for use in list(root.iter(f"{SVG}use")):
        if use.get(f"{XLINK}href") in empty:
            use.getparent().remove(use)
    return etree.tostring(root, encoding="utf-8")


def data_url(rows: tuple[BalanceRow, ...]) -> str:
    """The chart as a `data:` URL (print and web page: nothing outside the page is fetched)."""
    return "data:image/svg+xml;base64," + base64.b64encode(balance_svg(rows)).decode("ascii")
