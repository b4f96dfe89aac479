"""The theme's words in each edition's language: gettext catalogues, read with Babel.

Templates say their words in English (``{{ _("Latest news") }}``, Jinja's i18n
extension); a catalogue ``templates/i18n/<code>.po`` gives them in another language.
The default theme ships catalogues (Russian first); a site adds a language, or changes
a word, with a catalogue of its own under its ``templates/i18n/``, which is read over
the theme's entry by entry. Catalogues sit beside the templates because their words
are the templates' words: an ejected template and its catalogue travel together, and
the build follows both as templates.

A word with no translation is shown in English (never as a key), and ``newsgen check``
lists it (see :func:`untranslated`). English needs no catalogue. The ``.po`` files are
compiled in memory when a build starts (a few milliseconds), so there is no compile
step to forget.

Dates and month names come from CLDR through Babel (:func:`long_date`, :func:`month_name`):
"19 December 2025", "19 декабря 2025 г.", "2025年12月19日".
"""
from __future__ import annotations

import gettext
import io
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from babel import Locale

CATALOG_FOLDER = "i18n"  # under a templates folder
ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December")


def catalog_files(template_dirs: Iterable[Path], code: str) -> list[Path]:
    """The catalogues for language ``code``, the theme's first and the site's last (its entries
    win): ``uz-Latn`` reads ``uz-Latn.po``, else ``uz.po``."""
    names = [f"{code}.po"]
    if "-" in code:
        names.append(f"{code.split('-')[0]}.po")
    found = []
    for folder in reversed(list(template_dirs)):  # site templates come first in template_dirs
        for name in names:
            path = folder / CATALOG_FOLDER / name
            if path.is_file():
                found.append(path)
                break
    return found


def is_english(code: str) -> bool:
    return code.split("-")[0].lower() == "en"


def translations(template_dirs: Iterable[Path], code: str) -> gettext.NullTranslations:
    """The words of the templates in language ``code``: English (the words as written) when
    there is no catalogue for it."""
    files = [] if is_english(code) else catalog_files(template_dirs, code)
    if not files:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # here: an English site never loads Babel's catalogue code
    from babel.messages.pofile import read_po
    from babel.support import Translations

    merged = None
    for path in files:
        with open(path, "rb") as file:
            catalog = read_po(file, locale=code.replace("-", "_"))
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.string:
                merged[message.id] = message
    assert merged is not None
    compiled = io.BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return Translations(compiled)


Word = str | tuple[str, str]  # a msgid, or a (singular, plural) pair


def untranslated(template_dirs: Iterable[Path], code: str, words: Iterable[Word]) -> list[str]:
    """Which of ``words`` have no translation into ``code`` (a plural pair by its singular); [] for English."""
    if is_english(code):
        return []
    found = translations(template_dirs, code)
    missing = []
    for word in words:
        if isinstance(word, tuple):
            singular, plural = word
            if found.ngettext(singular, plural, 1) == singular and found.ngettext(singular, plural, 5) == plural:
                missing.append(singular)
        elif found.gettext(word) == word:
            missing.append(word)
    return missing


def template_words(template_dirs: Iterable[Path]) -> list[Word]:
    """Every word the templates ask to translate (``_()``, ``gettext``, ``ngettext``, ``{% trans %}``)."""
    from babel.messages.extract import extract

    words: dict[Word, None] = {}
    for folder in template_dirs:
        for path in sorted(folder.rglob("*.html")):
            with open(path, "rb") as file:
                for _, message, _, _ in extract("jinja2.ext:babel_extract", file):
                    if isinstance(message, tuple):
                        if len(message) >= 2 and message[0] and message[1]:
                            words.setdefault((str(message[0]), str(message[1])), None)
                    elif message:
                        words.setdefault(message, None)
    return list(words)


def babel_locale(code: str) -> Locale:
    """Babel's locale for a language tag ('uz-Latn'); English for a tag CLDR does not know."""
    from babel import Locale, UnknownLocaleError  # here: only a process that formats for a language pays for it

    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def local_number(text: str, code: str) -> str:
    """A number written with a full stop for its decimals ('0.00193', '+0.28%') as readers of
    ``code`` write it ('0,00193', '+0,28%'): CLDR's decimal sign; the digits are left as
    they are, since a rate keeps the precision its source gave."""
    if is_english(code):
        return text
    from babel.numbers import get_decimal_symbol

    return text.replace(".", str(get_decimal_symbol(babel_locale(code))))


def long_date(moment: datetime, code: str) -> str:
    """A date as a reader of ``code`` writes it: '19 December 2025', '19 декабря 2025 г.'."""
    if is_english(code):
        return f"{moment.day} {ENGLISH_MONTHS[moment.month - 1]} {moment.year}"
    from babel.dates import format_date

    return str(format_date(moment.date(), "long", locale=babel_locale(code)))


def month_name(number: int, code: str) -> str:
    """A month's name as a heading shows it ('December', 'Декабрь')."""
    if is_english(code):
        return ENGLISH_MONTHS[number - 1]
    from babel.dates import get_month_names

    name = str(get_month_names("wide", context="stand-alone", locale=babel_locale(code))[number])
    return name[:1].upper() + name[1:]
