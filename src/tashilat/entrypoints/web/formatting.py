"""How a page shows a value in the person's language and digits: money (with toman and in
words), dates, percentages, and the labels of statuses and receipts."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tashilat.domain.errors import TashilatError
from tashilat.domain.jalali import format_jalali, format_jalali_long, format_tehran_timestamp
from tashilat.domain.money import format_rial, parse_rial
from tashilat.domain.text import to_latin_digits, to_persian_digits
from tashilat.entrypoints.web.preferences import Prefs

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


class Fmt:
    """Formatting in the reader's language and digits; exposed to every template."""

    def __init__(self, prefs: Prefs) -> None:
        self.prefs = prefs
        self.fa = prefs.lang == "fa"
        self.persian_digits = prefs.digits == "fa"

    def t(self, fa: str, en: str) -> str:
        return fa if self.fa else en

    def digits(self, text: object) -> str:
        """Digits of a text in the reader's style (numbers keep their separators)."""
        s = str(text)
        if not self.persian_digits:
            # one style per page: Persian digits in a text become Latin in the Latin mode
            return to_latin_digits(s).replace("٬", ",").replace("٫", ".")
        return _NUMBER.sub(
            lambda m: to_persian_digits(m.group(0)).replace(",", "٬").replace(".", "٫"), s
        )

    def num(self, n: int | None) -> str:
        return "—" if n is None else self.digits(f"{n:,}")

    def money(self, n: int | None) -> str:
        if n is None:
            return "—"
        return format_rial(n, digits="fa" if self.persian_digits else "latin")

    def jdate(self, d: date | None) -> str:
        if d is None:
            return "—"
        return format_jalali(d, digits="fa" if self.persian_digits else "latin")

    def jlong(self, d: date | None) -> str:
        """A date with its month's name: «۱۵ فروردین ۱۴۰۶»."""
        if d is None:
            return "—"
        return format_jalali_long(d, lang=self.prefs.lang, digits=self.prefs.digits)

    def stamp(self, moment: datetime | None) -> str:
        """An instant in Tehran time: «۱۵ فروردین ۱۴۰۶، ساعت ۱۴:۳۰»."""
        if moment is None:
            return "—"
        return format_tehran_timestamp(moment, lang=self.prefs.lang, digits=self.prefs.digits)

    def words(self, n: int | None) -> str:
        """A rial amount in Persian words, «شانزده میلیارد ریال» (Persian pages only)."""
        if n is None or not self.fa:
            return ""
        return amount_in_words(n)

    def toman(self, n: int | None) -> str:
        """The amount in toman (a tenth of a rial), as people say it: «۱٫۶ میلیارد تومان»."""
        if n is None:
            return ""
        return self.digits(toman_text(n, fa=self.fa))

    def pct(self, p: Decimal | int | str | None) -> str:
        if p is None:
            return "—"
        text = format(Decimal(str(p)).normalize(), "f")
        return self.digits(text) + ("٪" if self.fa else "%")

    def msg(self, obj: Any) -> str:
        """The message of an error, reason or warning in the reader's language."""
        if obj is None:
            return ""
        if isinstance(obj, str):
            return self.digits(obj)
        fa = getattr(obj, "message_fa", None)
        en = getattr(obj, "message_en", None)
        return self.digits((fa if self.fa else en) or en or fa or "")

    def pick(self, fa: str | None, en: str | None) -> str:
        """A text given in both languages (either may be missing)."""
        return self.digits((fa if self.fa else en) or en or fa or "")


def amount_in_words(n: int) -> str:
    """``16000000000`` → «شانزده میلیارد ریال» (num2fawords, a maintained library)."""
    from num2fawords import words  # type: ignore[import-untyped]

    text = str(words(abs(n)))
    return ("منفی " if n < 0 else "") + text + " ریال"


def rial_or_none(text: str | None) -> int | None:
    """The amount a person typed, or ``None`` when it is not one (yet)."""
    if not text:
        return None
    try:
        return parse_rial(text, allow_zero=True)
    except TashilatError:
        return None


def toman_text(rial: int, *, fa: bool = True) -> str:
    """Toman in the largest round unit: 16,000,000,000 rial → ``1.6 میلیارد تومان``."""
    toman = Decimal(rial) / 10
    units = (
        (10**12, "هزار میلیارد تومان", "trillion toman"),
        (10**9, "میلیارد تومان", "billion toman"),
        (10**6, "میلیون تومان", "million toman"),
        (10**3, "هزار تومان", "thousand toman"),
    )
    for size, name_fa, name_en in units:
        if abs(toman) >= size:
            value = (toman / size).quantize(Decimal("0.01")).normalize()
            return f"{format(value, 'f')} {name_fa if fa else name_en}"
    return f"{format(toman.normalize(), 'f')} {'تومان' if fa else 'toman'}"


STATUS_LABELS: dict[str, tuple[str, str, str, str]] = {
    # status: (label fa, label en, meaning fa, meaning en)
    "seed": (
        "متن مرجع",
        "seed",
        "در سند مرجع چاپ شده است.",
        "Printed in the source document.",
    ),
    "sourced": (
        "مستند",
        "sourced",
        "از منابع عمومی، با پیوند.",
        "From public material, link given.",
    ),
    "corrected": (
        "اصلاح‌شده",
        "corrected",
        "منبع آشکارا نادرست است؛ اصلاحی مستدل به کار رفته است.",
        "The source is visibly wrong; a reasoned correction is used.",
    ),
    "assumed": (
        "فرضی",
        "assumed",
        "جایی منتشر نشده است؛ پیش‌فرضی مستدل است.",
        "Not published anywhere we could find; a reasoned default.",
    ),
    "illustrative": (
        "نمونه‌ای",
        "illustrative",
        "جای‌نگهدار تا محاسبه‌گر کار کند؛ بانک جدول خود را جایگزین می‌کند.",
        "A placeholder so that a calculator can run; a bank replaces it with its own table.",
    ),
}


def is_url(text: str | None) -> bool:
    return bool(text) and bool(re.match(r"^https?://[^\s<>\"]+$", str(text)))


RECEIPT_KINDS: dict[str, tuple[str, str]] = {
    "youth.deposit": ("واریز", "deposit"),
    "youth.withdraw": ("برداشت", "withdrawal"),
    "youth.open": ("واریز افتتاح حساب", "opening deposit"),
    "loan.repay": ("بازپرداخت وام", "loan repayment"),
    "employment.repay": ("بازپرداخت وام اشتغال‌زایی", "employment loan repayment"),
}
