"""The message catalogues: every shipped language translates every message of the book, with its placeholders
and as many plural forms as Babel's plural rules give the language; the template lists every message in the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from book import i18n

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "fr", "es", "ru", "hy", "az", "tr", "ar")


def _keys(catalogue) -> dict:
    return {(message.context, message.id if isinstance(message.id, str) else message.id[0]): message
            for message in catalogue if message.id}


def test_the_shipped_languages_are_the_promised_ones():
    assert set(i18n.shipped()) == {"en", *LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_with_its_placeholders_and_plural_forms(language):
    template = _keys(read_po((i18n.LOCALE_DIR / "book.pot").open("rb")))
    catalogue = read_po(i18n.catalogue_path(language).open("rb"), locale=language)
    found = _keys(catalogue)
    assert set(found) == set(template), "the catalogue's messages are the template's"
    assert catalogue.num_plurals == get_plural(language).num_plurals
    for key, message in found.items():
        assert not message.fuzzy, key
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        wanted = set().union(*(i18n.placeholders(text) for text in ids))
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        assert len(forms) == (1 if isinstance(message.id, str) else get_plural(language).num_plurals), key
        for form in forms:
            assert form.strip(), f"{language}: empty translation of {key}"
            assert i18n.placeholders(form) <= wanted, f"{language}: unknown placeholder in {form!r}"
            assert wanted - {"num"} <= i18n.placeholders(form), f"{language}: {form!r} drops a placeholder of {key}"
            assert form % {name: "x" for name in wanted | {"num"}}  # no stray %


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_not_the_english_text(language):
    """A catalogue that copied the English would pass the test above; the headings at least are translated."""
    words = i18n.Words(language)
    for message in ("Contents", "Glossary", "What’s new in this edition", "Questions for discussion", "Further reporting"):
        assert words.gettext(message) != message, (language, message)


def test_the_template_lists_every_message_of_the_code(tmp_path):
    """`pybabel extract` over the package finds exactly the messages of book/locale/book.pot."""
    out = tmp_path / "book.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_",
                    "--no-location", "-o", str(out), "book"], cwd=ROOT, check=True, capture_output=True)
    assert set(_keys(read_po(out.open("rb")))) == set(_keys(read_po((i18n.LOCALE_DIR / "book.pot").open("rb"))))


def test_a_regional_language_falls_back_to_its_language_and_an_unknown_one_to_english():
    assert i18n.catalogue_for("de-AT") == "de"
    assert i18n.Words("de-AT").gettext("Glossary") == "Glossar"
    assert i18n.catalogue_for("ka") is None
    assert i18n.Words("ka").gettext("Glossary") == "Glossary"
    assert i18n.catalogue_warning("ka").startswith("no catalogue of the book's words for language 'ka'")


def test_dates_plurals_and_quotation_marks_follow_the_language():
    import datetime as dt

    day = dt.date(2020, 11, 10)
    assert i18n.Words("en").date(day) == "10 November 2020"
    assert i18n.Words("de").date(day) == "10. November 2020"
    assert "ноября 2020" in i18n.Words("ru").date(day)
    assert [i18n.Words("ru").ngettext("%(num)s source", "%(num)s sources", n) % {"num": n} for n in (1, 3, 5, 21)] == [
        "1 источник", "3 источника", "5 источников", "21 источник"]
    assert i18n.Words("ar").plural_index(2) == 2 and i18n.Words("ar").plural_index(11) == 4
    assert i18n.Words("de").quote("x") == "„x“" and i18n.Words("ru").quote("x") == "«x»"
    assert i18n.Words("en").date(None) == "n.d." and i18n.Words("ru").date(None) == "б. д."
    assert i18n.direction("ar") == "rtl" and i18n.direction("he") == "rtl" and i18n.direction("hy") == "ltr"


def test_labels_override_one_message_and_are_checked():
    words = i18n.Words("de", (("Glossary", "Begriffe"), ("%(num)s source", ("%(num)s Beleg", "%(num)s Belege"))))
    assert words.gettext("Glossary") == "Begriffe" and words.gettext("Contents") == "Inhalt"
    assert words.ngettext("%(num)s source", "%(num)s sources", 3) == "%(num)s Belege"
    problems = dict(i18n.label_problems("de", {"Glosary": "x", "Chapter %(number)s": "Teil", "Glossary": ["a", "b"],
                                               "%(num)s source": ["a", "b", "c"], "Edition %(number)s": "%(number)s %"}))
    assert problems["Glosary"].startswith("labels: unknown label 'Glosary'")
    assert problems["Chapter %(number)s"] == "labels: 'Chapter %(number)s' must keep %(number)s"
    assert problems["Glossary"] == "labels: 'Glossary' takes one text, not a list"
    assert "needs 2 plural forms" in problems["%(num)s source"]
    assert "lone %" in problems["Edition %(number)s"]


def test_hyphenation_dictionaries_exist_for_the_languages_pyphen_has():
    """WeasyPrint hyphenates with pyphen's dictionary for `lang`; Armenian, Azerbaijani, Turkish and Arabic have none
    (README says so): their text is not hyphenated."""
    import pyphen

    for language in ("en", "de", "fr", "es", "ru"):
        assert pyphen.language_fallback(language), language
    for language in ("hy", "az", "tr", "ar"):
        assert pyphen.language_fallback(language) is None, language
