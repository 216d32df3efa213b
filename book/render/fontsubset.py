"""The EPUB's fonts cut down to the letters the book uses (fontTools.subset), and only the fonts it needs.

The Noto fonts are under the SIL Open Font License, which permits subsetting (a
modified version; Noto reserves no font name); the licence travels with them
(`fonts.xhtml` in the EPUB, out of the reading order, linked from the colophon:
the licence names the fonts embedded) and stays in each font's name table. A font that
adds no letter the first font lacks (Noto Serif Armenian in a book without Armenian)
is left out, with its @font-face rule.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path

import fontTools
from fontTools import subset
from fontTools.ttLib import TTFont

from book import cache

ALWAYS = "".join(chr(code) for code in range(0x20, 0x7F)) + "\u00a0‘’“”–—…·"  # ASCII and the usual punctuation


def subset_fonts(fonts: list[Path], text: str, kept=None) -> dict[str, bytes]:
    """File name → the font cut down to the characters of `text`; the fonts that add nothing left out.

    `fonts` in order of preference: a font after the first is kept only if it has a
    character of `text` that the fonts of the first family lack. With `kept` (blobs kept
    between builds, partcache.KeptBlobs), a font an earlier build cut down to the same
    characters is read back: a new source seldom brings a new letter, and cutting the
    four fonts is most of the time of an EPUB.
    """
    wanted = frozenset(text) | frozenset(ALWAYS)
    wanted = frozenset(character for character in wanted if character.isprintable() or character == "\u00a0")
    covered: set[str] = set()
    out: dict[str, bytes] = {}
    first_family = _family(fonts[0].name) if fonts else ""
    for font in fonts:
        cmap = _cmap(font)
        mine = frozenset(character for character in wanted if ord(character) in cmap)
        if _family(font.name) == first_family:
            covered |= mine
        elif not mine - covered:
            continue
        out[font.name] = _kept_subset(font, mine, kept)
    return out


def family_names(fonts: dict[str, bytes]) -> list[str]:
    """The family names of the fonts (name ID 1), each once, in order."""
    names = []
    for data in fonts.values():
        with TTFont(io.BytesIO(data)) as loaded:
            names.append(loaded["name"].getDebugName(1))
    return list(dict.fromkeys(names))


def without_fonts(css: str, kept: set[str]) -> str:
    """The style sheet without the @font-face rules of fonts that were left out."""
    def keep(match: re.Match) -> str:
        url = re.search(r"url\(\s*['\"]?[^)'\"]*?([^/)'\"]+)['\"]?\s*\)", match.group(0))
        return match.group(0) if url is None or url.group(1) in kept else ""
    return re.sub(r"@font-face\s*\{[^}]*\}\n?", keep, css)


def _family(name: str) -> str:
    """"NotoSerifArmenian-Bold.ttf" → "NotoSerifArmenian"."""
    return name.split("-")[0]


@functools.cache
def _cmap(font: Path) -> frozenset[int]:
    with TTFont(font, lazy=True) as loaded:
        return frozenset(loaded.getBestCmap())


def _kept_subset(font: Path, characters: frozenset[str], kept) -> bytes:
    if kept is None:
        return _subset(font, characters)
    return kept.made(cache.key(_version(font), "".join(sorted(characters))), lambda: _subset(font, characters))


@functools.cache
def _version(font: Path) -> str:
    """What a cut-down font's bytes depend on besides its characters: this code, fontTools and the font."""
    return cache.key(Path(__file__).read_bytes(), fontTools.version, font.name, font.read_bytes())


@functools.cache
def _subset(font: Path, characters: frozenset[str]) -> bytes:
    """The font with the glyphs of `characters` (and what they need: ligatures, kerning, marks)."""
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]  # copyright, licence and its URL stay in the font
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # same bytes in every build
    options.drop_tables += ["DSIG"]
    with TTFont(font, recalcTimestamp=False) as loaded:  # save() would stamp the time of the build into `head`
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(character) for character in sorted(characters)])
        subsetter.subset(loaded)
        out = io.BytesIO()
        loaded.save(out)
    return out.getvalue()
