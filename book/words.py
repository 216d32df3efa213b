"""The book's own fixed words that code (not a template) puts in the book: English msgids of book/locale's catalogues.

Each is marked with N_ for `pybabel extract` and shown through the book's catalogue
(`i18n.current().gettext`, or `_()` in a template), so the reader sees it in the book's
language; the templates' own words are `_()` messages of the same catalogues. A new word
here needs its translation in every book/locale/<lang>/LC_MESSAGES/book.po
(tests/test_catalogues.py fails until it has one).
"""

from __future__ import annotations

from book.i18n import N_

# The last chapter, of what matched no theme (organise).
FURTHER_TITLE = N_("Further reporting")
FURTHER_INTRO = N_(
    "The sources in this chapter did not match any of the book's themes closely enough "
    "to be placed in a themed chapter. They are printed here in full so that every source "
    "in the collection can be read."
)

# What the book model says where a source or outlets.yaml says nothing (render.model).
NO_OUTLET = N_("outlet not named")
NO_PERSPECTIVE = N_("perspective not stated")

# The heading of a long chapter's sources that give no date (annotate: its periods).
UNDATED = N_("Undated")

# The back matter's titles, by anchor (render.html.BACK_SECTIONS gives their order).
BACK_TITLES = {"whats-new": N_("What’s new in this edition"), "timeline": N_("Timeline"),
               "glossary": N_("Glossary"), "sources": N_("Sources")}

# Values the book model carries, shown in the book's language (render.html).
TERM_KINDS = {"place": N_("place"), "person": N_("person"), "organisation": N_("organisation"),
              "agreement": N_("agreement"), "event": N_("event"), "weapon": N_("weapon"), "concept": N_("concept")}
CHANGES = {"added": N_("added"), "text changed": N_("text changed"), "metadata changed": N_("metadata changed"),
           "text and metadata changed": N_("text and metadata changed"), "changed": N_("changed"),
           "removed": N_("removed")}

# The web edition's navigation and its downloads (render.site).
CONTENTS = N_("Contents")
DOWNLOADS = {".pdf": N_("Print edition (PDF)"), ".epub": N_("E-book (EPUB 3)")}
LARGE_PRINT_DOWNLOAD = N_("Large-print edition (PDF)")
