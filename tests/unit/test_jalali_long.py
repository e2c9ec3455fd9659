"""Dates as people read them: month names, Tehran time, and date errors that say why."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali_long, format_tehran_timestamp, parse_jalali


def test_long_date_in_persian_and_english() -> None:
    assert format_jalali_long(date(2027, 4, 4)) == "۱۵ فروردین ۱۴۰۶"
    assert format_jalali_long(date(2027, 4, 4), lang="en", digits="latin") == "15 Farvardin 1406"
    assert format_jalali_long(date(2026, 3, 20), digits="latin") == "29 اسفند 1404"


def test_timestamp_in_tehran_time() -> None:
    # 11:00 UTC is 14:30 in Tehran (UTC+03:30, no daylight saving since 1401)
    moment = datetime(2027, 4, 4, 11, 0, tzinfo=UTC)
    assert format_tehran_timestamp(moment) == "۱۵ فروردین ۱۴۰۶، ساعت ۱۴:۳۰"
    assert format_tehran_timestamp(moment, lang="en", digits="latin") == "15 Farvardin 1406, 14:30"
    # a naive value is UTC; 22:00 UTC is already the next day in Tehran
    assert format_tehran_timestamp(datetime(2027, 4, 4, 22, 0)) == "۱۶ فروردین ۱۴۰۶، ساعت ۰۱:۳۰"


@pytest.mark.parametrize(
    ("text", "fa", "en"),
    [
        ("1404/12/30", "اسفند ۱۴۰۴ ۲۹ روز دارد", "Esfand 1404 has 29 days"),
        ("۱۴۰۳/۰۷/۳۱", "مهر ۱۴۰۳ ۳۰ روز دارد", "Mehr 1403 has 30 days"),
        ("1403/13/01", "ماه باید بین ۱ و ۱۲ باشد", "the month must be from 1 to 12"),
    ],
)
def test_a_date_error_says_why(text: str, fa: str, en: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_jalali(text, field="opened")
    assert exc.value.code == "date.malformed"
    assert exc.value.field == "opened"
    assert fa in exc.value.message_fa
    assert en in exc.value.message_en
