"""Jalali (Solar Hijri) dates at the edges, ``datetime.date`` inside.

Inside tashilat every date is a ``datetime.date`` (so databases, Arrow and arithmetic on days
work as usual); people and policy speak Jalali, so parsing, formatting and month arithmetic
are Jalali and live here, on the ``jdatetime`` library.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache

import jdatetime

from tashilat.domain.errors import InvalidInput
from tashilat.domain.text import normalize_text, to_persian_digits

MONTHS_FA = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
MONTHS_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)

_DATE = re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$")

MIN_YEAR = 1300
MAX_YEAR = 1500


@lru_cache(maxsize=512)
def is_leap(year: int) -> bool:
    """Whether a Jalali year is leap (Esfand has 30 days). 1403 is leap."""
    return bool(jdatetime.date(year, 1, 1).isleap())


def days_in_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"month out of range: {month}")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


# Conversions are pure and jdatetime's constructor consults the process locale on every
# call, so they are memoised: a month-end over many accounts converts the same few thousand
# days again and again.
@lru_cache(maxsize=65536)
def from_jalali(year: int, month: int, day: int) -> date:
    """The Gregorian ``date`` of a Jalali day; ``InvalidInput`` when it does not exist."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _bad_part(
            year,
            month,
            day,
            f"سال باید بین {MIN_YEAR} و {MAX_YEAR} باشد",
            f"the year must be from {MIN_YEAR} to {MAX_YEAR}",
        )
    if not 1 <= month <= 12:
        raise _bad_part(
            year, month, day, "ماه باید بین ۱ و ۱۲ باشد", "the month must be from 1 to 12"
        )
    if not 1 <= day <= days_in_month(year, month):
        raise _bad_day(year, month, day)
    g = jdatetime.date(year, month, day).togregorian()
    return date(g.year, g.month, g.day)


@lru_cache(maxsize=65536)
def to_jalali(d: date) -> tuple[int, int, int]:
    j = jdatetime.date.fromgregorian(date=d)
    return int(j.year), int(j.month), int(j.day)


def parse_jalali(text: str, *, field: str = "date") -> date:
    """Parse ``1403/02/15``, ``۱۴۰۳/۰۲/۱۵``, ``1403-2-15``; reject everything else clearly."""
    raw = normalize_text(str(text)).replace(" ", "")
    m = _DATE.match(raw)
    if not m:
        raise _bad_date(text, field=field)
    y, mo, d = (int(g) for g in m.groups())
    try:
        return from_jalali(y, mo, d)
    except InvalidInput as exc:
        exc.field = field
        raise


def format_jalali(d: date, *, digits: str = "latin") -> str:
    y, m, day = to_jalali(d)
    text = f"{y:04d}/{m:02d}/{day:02d}"
    return to_persian_digits(text) if digits == "fa" else text


def format_jalali_long(d: date, *, lang: str = "fa", digits: str = "fa") -> str:
    """A date as people read it: ``۱۵ فروردین ۱۴۰۶`` (``15 Farvardin 1406`` in English)."""
    y, m, day = to_jalali(d)
    month = MONTHS_FA[m - 1] if lang == "fa" else MONTHS_EN[m - 1]
    text = f"{day} {month} {y}"
    return to_persian_digits(text) if digits == "fa" else text


def tehran_time(moment: datetime) -> datetime:
    """An instant in Tehran's wall-clock time (naive values are taken as UTC)."""
    from zoneinfo import ZoneInfo

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo("Asia/Tehran"))


def format_tehran_timestamp(moment: datetime, *, lang: str = "fa", digits: str = "fa") -> str:
    """An instant as a Tehran date and 24-hour time: ``۱۵ فروردین ۱۴۰۶، ساعت ۱۴:۳۰``."""
    local = tehran_time(moment)
    day = format_jalali_long(local.date(), lang=lang, digits=digits)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if digits == "fa":
        clock = to_persian_digits(clock)
    return f"{day}، ساعت {clock}" if lang == "fa" else f"{day}, {clock}"


@lru_cache(maxsize=65536)
def add_months(d: date, months: int) -> date:
    """Add Jalali months keeping the day of month, clamped to the month's last day:
    ``1403/06/31 + 1 month = 1403/07/30``; ``1403/12/30 + 12 months = 1404/12/29``."""
    y, m, day = to_jalali(d)
    index = y * 12 + (m - 1) + months
    ny, nm = divmod(index, 12)
    nm += 1
    return from_jalali(ny, nm, min(day, days_in_month(ny, nm)))


def jalali_year(d: date) -> int:
    return to_jalali(d)[0]


def start_of_year(year: int) -> date:
    return from_jalali(year, 1, 1)


def account_month_start(opened_on: date, i: int) -> date:
    """First day of account month ``i`` (1-based): the opening date plus ``i-1`` months
    (docs/rules.md §1.3), always counted from the opening date so clamping never drifts."""
    if i < 1:
        raise ValueError("account months are numbered from 1")
    return add_months(opened_on, i - 1)


def account_year_end(opened_on: date, k: int) -> date:
    """Last day of account year ``k``: the day before account month ``12k+1`` starts."""
    return date.fromordinal(account_month_start(opened_on, 12 * k + 1).toordinal() - 1)


def completed_account_years(opened_on: date, on: date) -> int:
    """How many whole account years have ended before the business day ``on`` begins."""
    if on <= opened_on:
        return 0
    y0 = to_jalali(opened_on)[0]
    y1 = to_jalali(on)[0]
    k = max(0, (y1 - y0) + 1)
    while k > 0 and account_month_start(opened_on, 12 * k + 1) > on:
        k -= 1
    return k


def completed_account_months(opened_on: date, on: date) -> int:
    """How many whole account months have ended before the business day ``on`` begins."""
    if on <= opened_on:
        return 0
    y0, m0, _ = to_jalali(opened_on)
    y1, m1, _ = to_jalali(on)
    n = max(0, (y1 - y0) * 12 + (m1 - m0) + 1)
    while n > 0 and account_month_start(opened_on, n + 1) > on:
        n -= 1
    return n


def _bad_date(text: object, *, field: str = "date") -> InvalidInput:
    return InvalidInput(
        "date.malformed",
        f"تاریخ «{text}» معتبر نیست؛ تاریخ شمسی را به شکل ۱۴۰۳/۰۲/۱۵ وارد کنید.",
        f"Date '{text}' is not a valid Jalali date; write it as 1403/02/15.",
        field=field,
    )


def _bad_part(year: int, month: int, day: int, why_fa: str, why_en: str) -> InvalidInput:
    text = f"{year:04d}/{month:02d}/{day:02d}"
    return InvalidInput(
        "date.malformed",
        to_persian_digits(f"تاریخ «{text}» معتبر نیست؛ {why_fa}."),
        f"Date '{text}' is not a valid Jalali date; {why_en}.",
        field="date",
    )


def _bad_day(year: int, month: int, day: int) -> InvalidInput:
    """A day past the month's end, with the month's length: «اسفند ۱۴۰۴ ۲۹ روز دارد»."""
    n = days_in_month(year, month)
    return _bad_part(
        year,
        month,
        day,
        f"{MONTHS_FA[month - 1]} {year} {n} روز دارد",
        f"{MONTHS_EN[month - 1]} {year} has {n} days",
    )
