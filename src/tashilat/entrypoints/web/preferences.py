"""A person's display preferences: the language and the digits, kept in cookies."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request, Response

LANG_COOKIE = "tashilat_lang"


DIGITS_COOKIE = "tashilat_digits"


LANGS = ("fa", "en")


DIGIT_STYLES = ("fa", "latin")


PREF_MAX_AGE = 365 * 24 * 3600


# -- display preferences ----------------------------------------------------------------------


@dataclass(frozen=True)
class Prefs:
    """Language (``fa``/``en``) and digits (``fa``: Persian, ``latin``). Persian digits are
    the default in Persian; English pages default to Latin digits unless switched."""

    lang: str = "fa"
    digits: str = "fa"

    @property
    def dir(self) -> str:
        return "rtl" if self.lang == "fa" else "ltr"

    @staticmethod
    def of(request: Request) -> Prefs:
        lang = request.cookies.get(LANG_COOKIE, "fa")
        lang = lang if lang in LANGS else "fa"
        digits = request.cookies.get(DIGITS_COOKIE, "")
        if digits not in DIGIT_STYLES:
            digits = "fa" if lang == "fa" else "latin"
        return Prefs(lang, digits)


def set_pref_cookie(response: Response, name: str, value: str, request: Request) -> None:
    response.set_cookie(
        name,
        value,
        max_age=PREF_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
