"""Normalisation of text that people type: digits, Arabic letters, ZWNJ, separators.

Every input a person types goes through here before it is parsed, so that
``۱۴۰۳/۰۲/۱۵``, ``١٤٠٣/٠٢/١٥`` and ``1403/02/15`` are the same date, ``10,000,000`` and
``۱۰٬۰۰۰٬۰۰۰`` are the same amount, and ``كرمانشاه`` finds ``کرمانشاه``.
"""

from __future__ import annotations

import re
import unicodedata

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS, PERSIAN_DIGITS)

# Arabic letter forms that Persian keyboards (and old systems) produce for Persian letters.
_LETTERS = str.maketrans(
    {
        "ي": "ی",  # ARABIC LETTER YEH
        "ى": "ی",  # ARABIC LETTER ALEF MAKSURA
        "ك": "ک",  # ARABIC LETTER KAF
        "ة": "ه",  # TEH MARBUTA
        "ۀ": "ه",  # HEH WITH YEH ABOVE
        "ؤ": "و",
        "إ": "ا",
        "أ": "ا",
        "ٱ": "ا",
    }
)

# Characters that separate thousands in numbers people type. Not "_": a Python literal such as
# "1_000_000" is not how people write amounts, and accepting it hides typing mistakes.
_THOUSANDS = {",", "٬", "،", " ", "\u00a0", "\u202f", "'"}
# Control characters (NUL and the rest of C0, DEL, C1) never belong in text a person typed;
# some databases cannot even store NUL. Tab, line feed and carriage return are allowed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Stands in for a digit of another script (full-width, Devanagari, ...): no parser accepts it.
_FOREIGN_DIGIT = "\ufffd"
# Zero-width and directional marks that are invisible but break comparisons.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_TATWEEL = "\u0640"
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_SPACES = re.compile(r"\s+")


def to_latin_digits(text: str) -> str:
    """Replace Persian and Arabic-Indic digits with ASCII digits."""
    return text.translate(_TO_LATIN)


def to_persian_digits(text: str) -> str:
    """Replace ASCII digits with Persian digits (for display)."""
    return text.translate(_TO_PERSIAN)


def normalize_text(text: str) -> str:
    """Normalise free text a person typed: NFC, Persian letters, Latin digits, no tatweel,
    no diacritics, ZWNJ kept as a single space-free joiner removed, spaces collapsed."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LETTERS).translate(_TO_LATIN)
    text = text.replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def normalize_name(text: str) -> str:
    """A key for comparing names (cities, provinces): like :func:`normalize_text`, and also
    case-folded, with ZWNJ, spaces, hyphens and dots removed, so that ``بندر عباس``,
    ``بندرعباس`` and ``Bandar-Abbas`` compare equal to their own spellings."""
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_LETTERS).translate(_TO_LATIN)
    text = text.replace(_TATWEEL, "")
    text = _DIACRITICS.sub("", text)
    text = _INVISIBLE.sub("", text)
    # Latin transliterations: drop accents (Kermānshāh -> kermanshah).
    # (NFKD splits ئ into ي + hamza: fold the letters again afterwards, so قائم = قایم.)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    ).translate(_LETTERS)
    text = text.casefold()
    return re.sub(r"[\s\-_.'`’]+", "", text)


def has_control_chars(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL included) other than tab or newline."""
    return _CONTROL.search(text) is not None


def strip_number(text: str) -> str:
    """Latin digits, no thousands separators, no surrounding space: ``'۱۰٬۰۰۰' -> '10000'``.

    The Persian decimal separator ``٫`` becomes ``.``. Only ASCII, Persian and Arabic-Indic
    digits are digits here: a digit of any other script (``'１２'``, full width) becomes
    U+FFFD, which no number parser accepts (Python's ``int()`` would read it as a digit).
    """
    text = normalize_text(text).replace("٫", ".")
    return "".join(
        _FOREIGN_DIGIT if ch.isdigit() and not ch.isascii() else ch
        for ch in text
        if ch not in _THOUSANDS
    )
