"""Money is integer rials; rates are Decimal; rounding happens only at named points.

See docs/adr/0001-money-as-integer-rials.md. ``Rial`` is a plain ``int`` (a NewType would
force casts at every arithmetic step without catching more bugs than the float grep in CI).
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from tashilat.domain.errors import InvalidInput
from tashilat.domain.text import strip_number, to_persian_digits

Rial = int
RIAL_PER_TOMAN = 10
# The largest amount of one movement (deposit, withdrawal, repayment, loan): ten
# quadrillion rial, far above any real amount, far below BIGINT's limit (about 9.2 * 10**18),
# so sums of many amounts stay exact in every database.
MAX_RIAL = 10**16
# The largest balance one account may hold: ten times one movement's maximum and still 92
# times below BIGINT's limit, so no sequence of accepted deposits can overflow a balance
# column (the database refuses a larger balance with a check constraint as well).
MAX_BALANCE_RIAL = 10**17
# More digits than this cannot be an accepted amount; they are refused before conversion
# (Python refuses to convert strings of more than 4,300 digits at all).
_MAX_DIGITS = 20


class Rounding(StrEnum):
    """How an amount is brought to a whole multiple of a unit."""

    HALF_UP = "half_up"
    DOWN = "down"  # towards zero
    FLOOR = "floor"

    def decimal_mode(self) -> str:
        return {
            Rounding.HALF_UP: ROUND_HALF_UP,
            Rounding.DOWN: ROUND_DOWN,
            Rounding.FLOOR: ROUND_FLOOR,
        }[self]


def round_to(amount: Decimal | int, unit: int = 1, mode: Rounding = Rounding.HALF_UP) -> Rial:
    """Round ``amount`` (rial, possibly fractional) to a whole multiple of ``unit`` rial."""
    if unit <= 0:
        raise ValueError("rounding unit must be positive")
    q = (Decimal(amount) / unit).quantize(Decimal(1), rounding=mode.decimal_mode())
    return int(q) * unit


def round_down(amount: Decimal | int, unit: int = 1) -> Rial:
    """Round towards minus infinity to a multiple of ``unit`` (amounts here are >= 0)."""
    return round_to(amount, unit, Rounding.FLOOR)


# ASCII digits only: Persian and Arabic digits were already mapped to ASCII, and ``\d``
# would also match digits of other scripts.
_AMOUNT = re.compile(r"^-?[0-9]+$")
_PERCENT = re.compile(r"^-?[0-9]{1,30}(\.[0-9]{1,30})?$")


def parse_rial(text: str | int, *, field: str = "amount", allow_zero: bool = True) -> Rial:
    """Parse an amount in rial typed by a person: Persian/Arabic digits and thousands
    separators are accepted; fractions, negatives and words are not."""
    if isinstance(text, bool):
        raise InvalidInput(
            "amount.malformed",
            "مبلغ باید عدد باشد، نه درست/نادرست.",
            "An amount must be a number, not true/false.",
            field=field,
        )
    if isinstance(text, int):
        value = text
    else:
        raw = strip_number(str(text))
        if _AMOUNT.match(raw) and len(raw.lstrip("-").lstrip("0")) > _MAX_DIGITS:
            raise InvalidInput(
                "amount.too_large",
                f"مبلغ از سقف پذیرفتنی ({MAX_RIAL:,} ریال) بیشتر است.",
                f"The amount is above the largest accepted ({MAX_RIAL:,} rial).",
                field=field,
            )
        if not _AMOUNT.match(raw):
            shown = str(text)[:40]
            raise InvalidInput(
                "amount.malformed",
                f"مبلغ «{shown}» عدد صحیح ریالی نیست.",
                f"Amount '{shown}' is not a whole number of rials.",
                field=field,
            )
        value = int(raw)
    if value > MAX_RIAL:
        raise InvalidInput(
            "amount.too_large",
            f"مبلغ {value:,} ریال از سقف پذیرفتنی ({MAX_RIAL:,} ریال) بیشتر است.",
            f"Amount {value:,} rial is above the largest accepted ({MAX_RIAL:,} rial).",
            field=field,
        )
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidInput(
            "amount.not_positive" if value == 0 else "amount.negative",
            f"مبلغ باید {'مثبت' if value == 0 else 'نامنفی'} باشد: {value}",
            f"Amount must be {'positive' if value == 0 else 'non-negative'}: {value}",
            field=field,
        )
    return value


def parse_percent(text: str | int | Decimal, *, field: str = "rate") -> Decimal:
    """Parse a percentage typed by a person (``17.5``, ``۱۷٫۵``) into a Decimal percent."""
    if isinstance(text, Decimal):
        value = text
    elif isinstance(text, int) and not isinstance(text, bool):
        value = Decimal(text)
    else:
        raw = strip_number(str(text)).rstrip("%").rstrip("٪")
        if not _PERCENT.match(raw):
            raise InvalidInput(
                "percent.malformed",
                f"درصد «{text}» عدد نیست.",
                f"Percentage '{text}' is not a number.",
                field=field,
            )
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:  # pragma: no cover - regex guards this
            raise InvalidInput(
                "percent.malformed", "درصد نامعتبر است.", "Invalid percentage.", field=field
            ) from exc
    if value < 0:
        raise InvalidInput(
            "percent.negative",
            f"درصد نمی‌تواند منفی باشد: {value}",
            f"Percentage cannot be negative: {value}",
            field=field,
        )
    return value


def format_rial(amount: int, *, digits: str = "latin") -> str:
    """``9992322 -> '9,992,322'`` (or with Persian digits and the Persian separator)."""
    text = f"{amount:,}"
    if digits == "fa":
        return to_persian_digits(text).replace(",", "٬")
    return text
