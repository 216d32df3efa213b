"""The book's own words in the book's language: one gettext catalogue per language (Babel), dates, numbers,
plural forms and quotation marks per locale, and the labels a project overrides in book.yaml.

Catalogues are the `.po` files in `book/locale/<lang>/LC_MESSAGES/book.po`, read with Babel's pofile
(no compile step at install time). `pybabel extract -F babel.cfg` finds every message in the package's
Python modules and templates. The words in use while outputs are rendered are `current()`: `using(words)`
sets them for a block (render.write_outputs does, once per build); outside one, they are English.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import gettext as gettext_module
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "book"
SOURCE_LANGUAGE = "en"  # the msgids are the English text
RTL_SCRIPTS = ("Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translated where it is shown."""
    return message


def _tag(language: str) -> str:
    return language.replace("-", "_")


def candidates(language: str) -> list[str]:
    """BCP 47 tag → catalogue names to try, most specific first: de-AT → de_AT, de."""
    parts = _tag(language).split("_")
    return ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]


def shipped() -> tuple[str, ...]:
    """The languages with a catalogue in the package, English (the source) included."""
    found = {path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE_LANGUAGE}))


def catalogue_path(name: str) -> Path:
    return LOCALE_DIR / name / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalogue_for(language: str) -> str | None:
    """The shipped catalogue that serves `language` (e.g. "de" for de-AT), or None: English is used."""
    for name in candidates(language):
        if name.lower() == SOURCE_LANGUAGE or catalogue_path(name).is_file():
            return name
    return None


@functools.cache
def _translations(name: str) -> gettext_module.NullTranslations:
    """The catalogue `name` as gettext translations (Babel reads the .po and compiles it in memory)."""
    if name == SOURCE_LANGUAGE:
        return gettext_module.NullTranslations()
    with catalogue_path(name).open("rb") as stream:
        catalogue = read_po(stream, locale=name, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=False)
    compiled.seek(0)
    return gettext_module.GNUTranslations(compiled)


@functools.cache
def _locale(language: str) -> Locale:
    for name in candidates(language):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse(SOURCE_LANGUAGE)


def direction(language: str) -> str:
    """"rtl" for a language written right to left (ar, fa, he …), else "ltr"."""
    locale = _locale(language)
    script = locale.script
    if script:
        return "rtl" if script in RTL_SCRIPTS else "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class Words:
    """The book's fixed words in one language, with that language's dates, numbers and plural forms.

    `labels` maps a message (its English text) to the project's own wording (book.yaml `labels:`);
    a message with plural forms is overridden by a list of forms in the language's order.
    """

    language: str = SOURCE_LANGUAGE
    labels: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    _labels: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_labels", dict(self.labels))

    @property
    def catalogue(self) -> str:
        return catalogue_for(self.language) or SOURCE_LANGUAGE

    @property
    def key(self) -> str:
        """What every text these words give depends on (for HTML kept across builds)."""
        return repr((self.catalogue, str(self.locale), self.labels))

    @property
    def locale(self) -> Locale:
        """The language's locale data; English when its words fall back to English (no mixed pages)."""
        return _locale(self.language if catalogue_for(self.language) else SOURCE_LANGUAGE)

    @property
    def direction(self) -> str:
        return direction(self.language)

    def gettext(self, message: str) -> str:
        label = self._labels.get(message)
        if isinstance(label, str):
            return label
        return _translations(self.catalogue).gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        label = self._labels.get(message)
        if isinstance(label, str):
            return label
        return _translations(self.catalogue).pgettext(context, message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        label = self._labels.get(singular)
        if label is not None:
            return self._form(label, count)
        return _translations(self.catalogue).ngettext(singular, plural, count)

    def npgettext(self, context: str, singular: str, plural: str, count: int) -> str:
        label = self._labels.get(singular)
        if label is not None:
            return self._form(label, count)
        return _translations(self.catalogue).npgettext(context, singular, plural, count)

    def _form(self, label: str | tuple[str, ...], count: int) -> str:
        """A label's form for `count`: one text serves every count, a list gives each plural form."""
        return label if isinstance(label, str) else label[min(self.plural_index(count), len(label) - 1)]

    def plural_index(self, count: int) -> int:
        """Which of the catalogue's plural forms `count` takes (gettext's Plural-Forms of the catalogue)."""
        translations = _translations(self.catalogue)
        plural = getattr(translations, "plural", None)
        return int(plural(count)) if plural else int(count != 1)

    def date(self, value: dt.date | None) -> str:
        """A date written out ("11 November 2020", "11. November 2020", "11 ноября 2020 г."); "n.d." when unknown."""
        if value is None:
            return self.pgettext("no date", "n.d.")
        if self.catalogue == SOURCE_LANGUAGE and self.locale.language == SOURCE_LANGUAGE:
            return f"{value.day} {format_date(value, 'MMMM', locale='en_GB')} {value.year}"  # as the book always did
        return format_date(value, "long", locale=self.locale)

    def period(self, first: dt.date, last: dt.date) -> str:
        """A stretch of dates as a heading: "October 2020", "January – March 2020", "2020" (first letter capital)."""
        if (first.year, first.month) == (last.year, last.month):
            text = format_skeleton("yMMMM", first, locale=self.locale)
        elif first.year == last.year and (first.month, last.month) == (1, 12):
            text = format_skeleton("y", first, locale=self.locale)
        else:
            text = format_interval(first, last, "yMMMM", locale=self.locale)
        return text[:1].upper() + text[1:]

    def number(self, value: int) -> str:
        """An integer in the locale's digits and grouping."""
        return format_decimal(value, locale=self.locale)

    def join(self, items: list[str]) -> str:
        """"A, B and C" in the language's way of listing."""
        if self.catalogue == SOURCE_LANGUAGE and self.locale.language == SOURCE_LANGUAGE:
            return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]  # as the book always did
        return format_list(items, locale=self.locale)

    def quote(self, text: str) -> str:
        """`text` between the language's quotation marks."""
        return self.pgettext("quotation marks", "“%(text)s”") % {"text": text}


ENGLISH = Words()
_current: contextvars.ContextVar[Words] = contextvars.ContextVar("words", default=ENGLISH)


def current() -> Words:
    """The words of the book being rendered (English outside `using`)."""
    return _current.get()


@contextlib.contextmanager
def using(words: Words):
    """Inside the block, `current()` is `words`."""
    token = _current.set(words)
    try:
        yield words
    finally:
        _current.reset(token)


@functools.cache
def messages() -> dict[str, tuple[str, ...]]:
    """Every message of the English template (`book/locale/book.pot`): msgid → its forms (1, or 2 with a plural)."""
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as stream:
        template = read_po(stream)
    found = {}
    for message in template:
        if message.id:
            found[message.id if isinstance(message.id, str) else message.id[0]] = (
                (message.id,) if isinstance(message.id, str) else tuple(message.id))
    return found


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def plural_count(language: str) -> int:
    """How many plural forms the catalogue serving `language` has (2 for English)."""
    name = catalogue_for(language) or SOURCE_LANGUAGE
    return 2 if name == SOURCE_LANGUAGE else len({_translations(name).plural(n) for n in range(1000)})


def label_problems(language: str, labels: dict) -> list[tuple[str, str]]:
    """(label, what is wrong with it) for book.yaml's `labels:`: unknown messages, missing placeholders, wrong forms."""
    known = messages()
    problems = []
    for key, value in labels.items():
        forms = known.get(key)
        if forms is None:
            problems.append((key, f"labels: unknown label '{key}': a label is the English text of one of the book's "
                                  f"own words, as listed in book/locale/book.pot"))
            continue
        texts = [value] if isinstance(value, str) else list(value)
        if not isinstance(value, str) and len(forms) == 1:
            problems.append((key, f"labels: '{key}' takes one text, not a list"))
            continue
        if not isinstance(value, str) and len(texts) != plural_count(language):
            problems.append((key, f"labels: '{key}' needs {plural_count(language)} plural forms for '{language}' "
                                  f"(or one text for every count), found {len(texts)}"))
            continue
        wanted = placeholders(forms[0]) | placeholders(forms[-1])
        for text in texts:
            found = placeholders(text)
            if found - wanted:
                problems.append((key, f"labels: '{key}': unknown placeholder(s) "
                                      f"{', '.join(f'%({name})s' for name in sorted(found - wanted))}"))
            elif wanted - found - {"num"}:
                problems.append((key, f"labels: '{key}' must keep "
                                      f"{', '.join(f'%({name})s' for name in sorted(wanted - found - {'num'}))}"))
            else:
                try:
                    text % {name: "" for name in wanted}
                except (ValueError, TypeError, KeyError):
                    problems.append((key, f"labels: '{key}': a lone % must be written %%"))
                    continue
                continue
            break
    return problems


def catalogue_warning(language: str) -> str | None:
    """Why the book's words will be English although its language is not, or None."""
    if catalogue_for(language):
        return None
    return (f"no catalogue of the book's words for language '{language}': they are printed in English "
            f"(shipped: {', '.join(shipped())}; see README, 'Adding a language')")
