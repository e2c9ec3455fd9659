from datetime import date

import pytest

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import (
    account_month_start,
    account_year_end,
    add_months,
    completed_account_months,
    completed_account_years,
    days_in_month,
    format_jalali,
    is_leap,
    parse_jalali,
)


def test_1403_starts_on_20_march_2024_and_1404_on_21_march_2025() -> None:
    assert parse_jalali("1403/01/01") == date(2024, 3, 20)
    assert parse_jalali("1404/01/01") == date(2025, 3, 21)


def test_persian_and_arabic_digits_parse_to_the_same_day() -> None:
    assert parse_jalali("۱۴۰۳/۰۲/۱۵") == parse_jalali("1403/02/15") == parse_jalali("١٤٠٣/٠٢/١٥")
    assert parse_jalali("1403-2-15") == parse_jalali("1403/02/15")


def test_1403_is_leap_and_esfand_has_30_days() -> None:
    assert is_leap(1403)
    assert not is_leap(1404)
    assert days_in_month(1403, 12) == 30
    assert days_in_month(1404, 12) == 29
    parse_jalali("1403/12/30")
    with pytest.raises(InvalidInput):
        parse_jalali("1404/12/30")


@pytest.mark.parametrize("bad", ["14030215", "yesterday", "", "1403/1"])
def test_malformed_dates_are_bilingual_errors(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_jalali(bad, field="opened")
    assert exc.value.code == "date.malformed"
    assert exc.value.field == "opened"
    assert "۱۴۰۳/۰۲/۱۵" in exc.value.message_fa


def test_month_arithmetic_clamps_to_the_last_day() -> None:
    assert format_jalali(add_months(parse_jalali("1403/06/31"), 1)) == "1403/07/30"
    assert format_jalali(add_months(parse_jalali("1403/12/30"), 12)) == "1404/12/29"
    assert format_jalali(add_months(parse_jalali("1403/11/30"), 1)) == "1403/12/30"
    assert format_jalali(add_months(parse_jalali("1403/01/31"), -1)) == "1402/12/29"


def test_account_months_count_from_the_opening_date_without_drift() -> None:
    opened = parse_jalali("1403/06/31")
    assert format_jalali(account_month_start(opened, 2)) == "1403/07/30"
    assert format_jalali(account_month_start(opened, 3)) == "1403/08/30"
    assert format_jalali(account_month_start(opened, 13)) == "1404/06/31"


def test_account_year_ends_the_day_before_the_anniversary() -> None:
    opened = parse_jalali("1403/01/15")
    assert format_jalali(account_year_end(opened, 1)) == "1404/01/14"
    assert format_jalali(account_year_end(opened, 3)) == "1406/01/14"


def test_completed_years_and_months() -> None:
    opened = parse_jalali("1403/01/15")
    assert completed_account_years(opened, parse_jalali("1406/01/14")) == 2
    assert completed_account_years(opened, parse_jalali("1406/01/15")) == 3
    assert completed_account_months(opened, parse_jalali("1403/02/14")) == 0
    assert completed_account_months(opened, parse_jalali("1403/02/15")) == 1
    assert completed_account_years(opened, opened) == 0


def test_persian_digit_formatting() -> None:
    assert format_jalali(parse_jalali("1403/02/15"), digits="fa") == "۱۴۰۳/۰۲/۱۵"
