"""The loan cap of a cohort for a year and tier (docs/rules.md §1.1)."""

from __future__ import annotations

from dataclasses import dataclass

from tashilat.domain.decision import Provenance, Status
from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.money import round_down
from tashilat.domain.programs.youth_fund.cohort import TIERS, CohortTerms, P

# -- caps -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cap:
    year: int
    tier: int
    amount: int
    provenance: tuple[Provenance, ...]
    interpolated: bool


def cap_for_year(terms: CohortTerms, year: int, tier: int) -> Cap:
    """The cap at the end of account year ``year`` (frozen after the maximum wait) for a tier.

    Between published points the cap is interpolated linearly and rounded down to the
    policy's unit (``assumed``); after the last point it stays at the last point."""
    if tier not in (1, 2, 3):
        raise InvalidInput(
            "tier.invalid", "سطح شهر باید ۱، ۲ یا ۳ باشد.", "Tier must be 1, 2 or 3."
        )
    year = min(year, terms.max_wait_years)
    key = TIERS[tier - 1]
    points = sorted(terms.caps)

    def prov(y: int) -> Provenance:
        return terms.cap_cells.get(f"{y}.{key}", terms.caps_provenance)

    if year in terms.caps:
        return Cap(year, tier, terms.caps[year][tier - 1], (prov(year),), False)
    below = [y for y in points if y < year]
    above = [y for y in points if y > year]
    if not below:
        raise PolicyError(
            "youth_fund.cap_unknown",
            f"سقف سال {year} برای گروه {terms.cohort} تعریف نشده است.",
            f"No cap is defined for year {year} of cohort {terms.cohort}.",
        )
    y0 = below[-1]
    interp = Provenance(
        path=f"{P}.caps",
        since=terms.caps_provenance.since,
        status=Status.ASSUMED,
        note=(
            "Caps for years between published points are not published; linear "
            "interpolation rounded down to "
            f"{terms.interpolation_unit:,} rial is used."
            if terms.between == "linear"
            else "Caps for years between published points are not published; the last "
            "published point is used."
        ),
        note_fa="سقف سال‌های میان نقاط منتشرشده منتشر نشده و برآورد شده است.",
    )
    if not above or terms.between == "previous_point":
        return Cap(year, tier, terms.caps[y0][tier - 1], (prov(y0), interp), True)
    y1 = above[0]
    c0, c1 = terms.caps[y0][tier - 1], terms.caps[y1][tier - 1]
    # round_down(c0 + (c1 − c0)·(y − y0)/(y1 − y0), unit), rounded once (docs/rules.md §1.3):
    # the exact quotient is floored only to the rial before the single rounding to the unit,
    # which is the same as flooring the exact value because c0 is a whole rial.
    amount = round_down(c0 + (c1 - c0) * (year - y0) // (y1 - y0), terms.interpolation_unit)
    return Cap(year, tier, max(c0, min(c1, amount)), (prov(y0), prov(y1), interp), True)
