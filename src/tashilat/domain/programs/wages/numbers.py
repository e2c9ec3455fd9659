"""Exact arithmetic shared by the wage, affordability and construction rules.

The named rounding points of these rules (ADR 0001) all go through here:

* :func:`half_up` — money: an exact amount rounded half-up to the whole rial;
* :func:`percent_of` — a share as a ``Decimal`` percentage rounded half-up to
  :data:`PERCENT_QUANTUM` (two decimal places), for display and JSON only: comparisons
  against limits are made on the exact values (:func:`exceeds_share`).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

#: Percentages are shown to two decimal places (``175.45``), rounded half-up.
PERCENT_QUANTUM = Decimal("0.01")
_PERCENT_SCALE = 100  # 1 / PERCENT_QUANTUM


def half_up(x: Fraction | int) -> int:
    """``x`` rounded half-up (away from zero on a tie) to an integer."""
    f = Fraction(x)
    sign = -1 if f < 0 else 1
    f = abs(f)
    return sign * ((2 * f.numerator + f.denominator) // (2 * f.denominator))


def ceil_div(a: int, b: int) -> int:
    """The smallest integer >= a / b (b > 0)."""
    return -(-a // b)


def percent_of(part: int | Fraction, whole: int | Fraction) -> Decimal:
    """``part`` as a percentage of ``whole``, rounded half-up to two decimals
    (``200,000,000`` of ``113,994,208`` → ``Decimal("175.45")``)."""
    if whole == 0:
        raise ZeroDivisionError("percentage of zero")
    hundredths = half_up(Fraction(part) * 100 * _PERCENT_SCALE / Fraction(whole))
    return Decimal(hundredths).scaleb(-2)


def ratio(part: int | Fraction, whole: int | Fraction) -> Decimal:
    """``part / whole`` rounded half-up to two decimals (``428,339,126 / 9,000,000`` →
    ``Decimal("47.59")``)."""
    if whole == 0:
        raise ZeroDivisionError("ratio to zero")
    return Decimal(half_up(Fraction(part) * _PERCENT_SCALE / Fraction(whole))).scaleb(-2)


def share(amount: int | Fraction, percent: Decimal) -> Fraction:
    """The exact ``percent`` % of ``amount``."""
    return Fraction(amount) * Fraction(percent) / 100


def exceeds_share(part: int, whole: int, percent: Decimal) -> bool:
    """Whether ``part`` is more than ``percent`` % of ``whole``, exactly."""
    return Fraction(part) * 100 > Fraction(whole) * Fraction(percent)


def grown(amount: int | Fraction, percent: Decimal, years: int) -> Fraction:
    """``amount`` after ``years`` yearly changes of ``percent`` % (negative shrinks), exact."""
    return Fraction(amount) * (1 + Fraction(percent) / 100) ** years


def fmt_percent(p: Decimal) -> str:
    """``Decimal("175.45")`` → ``"175.45"``, ``Decimal("30")`` → ``"30"``."""
    return format(p.normalize(), "f")
