from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tashilat.domain.jalali import (
    add_months,
    days_in_month,
    format_jalali,
    from_jalali,
    parse_jalali,
    to_jalali,
)
from tashilat.domain.text import to_persian_digits

days = st.dates(min_value=date(1950, 1, 1), max_value=date(2080, 12, 31))


@given(days)
def test_format_then_parse_is_the_identity(d: date) -> None:
    assert parse_jalali(format_jalali(d)) == d
    assert parse_jalali(to_persian_digits(format_jalali(d))) == d


@given(days)
def test_consecutive_days_are_consecutive_jalali_days(d: date) -> None:
    y, m, day = to_jalali(d)
    ny, nm, nd = to_jalali(d + timedelta(days=1))
    if day < days_in_month(y, m):
        assert (ny, nm, nd) == (y, m, day + 1)
    else:
        assert nd == 1 and (ny, nm) == ((y, m + 1) if m < 12 else (y + 1, 1))


@given(days, st.integers(min_value=-240, max_value=240))
def test_adding_months_keeps_the_day_or_clamps_to_the_month_end(d: date, n: int) -> None:
    y, m, day = to_jalali(d)
    r = add_months(d, n)
    ry, rm, rd = to_jalali(r)
    assert (ry * 12 + rm) - (y * 12 + m) == n
    assert rd == min(day, days_in_month(ry, rm))


@given(days, st.integers(min_value=0, max_value=120), st.integers(min_value=0, max_value=120))
def test_month_addition_is_monotone(d: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_months(d, lo) <= add_months(d, hi)


@given(st.integers(min_value=1330, max_value=1470))
def test_every_year_has_365_or_366_days(year: int) -> None:
    length = (from_jalali(year + 1, 1, 1) - from_jalali(year, 1, 1)).days
    assert length == (366 if days_in_month(year, 12) == 30 else 365)
