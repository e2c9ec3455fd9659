"""Checks on facts about a person that any program needs (pure: the date is an argument)."""

from __future__ import annotations

from datetime import date

from tashilat.domain.errors import InvalidInput
from tashilat.domain.jalali import format_jalali

# No living person is older; a birth date further back is a typing mistake (1305 for 1350).
MAX_AGE_YEARS = 120


def check_birth_date(birth: date, on: date, *, field: str = "birth_date") -> date:
    """``birth`` unless it is after ``on`` (the business date) or more than
    :data:`MAX_AGE_YEARS` years before it."""
    if birth > on:
        raise InvalidInput(
            "birth_date.future",
            f"تاریخ تولد {format_jalali(birth)} بعد از امروز ({format_jalali(on)}) است.",
            f"The birth date {format_jalali(birth)} is after today ({format_jalali(on)}).",
            field=field,
        )
    try:
        oldest = on.replace(year=on.year - MAX_AGE_YEARS)
    except ValueError:  # 29 February
        oldest = on.replace(year=on.year - MAX_AGE_YEARS, day=28)
    if birth < oldest:
        raise InvalidInput(
            "birth_date.too_old",
            f"تاریخ تولد {format_jalali(birth)} بیش از {MAX_AGE_YEARS} سال پیش است.",
            f"The birth date {format_jalali(birth)} is more than {MAX_AGE_YEARS} years ago.",
            field=field,
        )
    return birth
