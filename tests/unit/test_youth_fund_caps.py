"""Interpolated youth-fund caps, written out by hand from docs/rules.md §1.3:
``round_down(c0 + (c1 − c0)·(y − y0)/(y1 − y0), 100,000,000)``, rounded once."""

import pytest

from tashilat.domain.jalali import parse_jalali
from tashilat.domain.programs.youth_fund.rules import cap_for_year, cohort_terms
from tashilat.policy import PolicySnapshot

# 1397 cohort: published points at years 6 (1,000 / 830 / 660 M) and 15 (2,130 / 1,770 /
# 1,420 M). Year 7, tier 3: 660 + 760·1/9 = 744.4 M → 700 M.
COHORT_1397 = {
    7: (1_100_000_000, 900_000_000, 700_000_000),  # 1,125.6 / 934.4 / 744.4 M
    8: (1_200_000_000, 1_000_000_000, 800_000_000),  # 1,251.1 / 1,038.9 / 828.9 M
    9: (1_300_000_000, 1_100_000_000, 900_000_000),  # 1,376.7 / 1,143.3 / 913.3 M
    10: (1_500_000_000, 1_200_000_000, 900_000_000),  # 1,502.2 / 1,247.8 / 997.8 M
    11: (1_600_000_000, 1_300_000_000, 1_000_000_000),  # 1,627.8 / 1,352.2 / 1,082.2 M
    12: (1_700_000_000, 1_400_000_000, 1_100_000_000),  # 1,753.3 / 1,456.7 / 1,166.7 M
    13: (1_800_000_000, 1_500_000_000, 1_200_000_000),  # 1,878.9 / 1,561.1 / 1,251.1 M
    14: (2_000_000_000, 1_600_000_000, 1_300_000_000),  # 2,004.4 / 1,665.6 / 1,335.6 M
}

# 1403 cohort: points at years 3 (16 / 14 / 12 bn) and 10 (37 / 31.5 / 26 bn); the steps are
# 3 / 2.5 / 2 bn a year, so every interpolated value is already a multiple of the unit.
COHORT_1403 = {
    4: (19_000_000_000, 16_500_000_000, 14_000_000_000),
    5: (22_000_000_000, 19_000_000_000, 16_000_000_000),
    6: (25_000_000_000, 21_500_000_000, 18_000_000_000),
    7: (28_000_000_000, 24_000_000_000, 20_000_000_000),
    8: (31_000_000_000, 26_500_000_000, 22_000_000_000),
    9: (34_000_000_000, 29_000_000_000, 24_000_000_000),
}

CASES = [("1397/06/10", y, caps) for y, caps in COHORT_1397.items()] + [
    ("1403/01/15", y, caps) for y, caps in COHORT_1403.items()
]


@pytest.mark.parametrize(("opened", "year", "expected"), CASES)
def test_interpolated_caps_of_every_year_and_tier(
    policy: PolicySnapshot, opened: str, year: int, expected: tuple[int, int, int]
) -> None:
    terms = cohort_terms(policy, parse_jalali(opened))
    got = tuple(cap_for_year(terms, year, tier).amount for tier in (1, 2, 3))
    assert got == expected
    assert all(cap_for_year(terms, year, tier).interpolated for tier in (1, 2, 3))


def test_year_7_of_1397_is_not_stuck_at_year_6(policy: PolicySnapshot) -> None:
    terms = cohort_terms(policy, parse_jalali("1397/06/10"))
    assert cap_for_year(terms, 6, 3).amount == 660_000_000
    assert cap_for_year(terms, 7, 3).amount == 700_000_000


@pytest.mark.parametrize("opened", ["1404/02/01", "1410/05/01"])
def test_later_cohorts_carry_the_1403_terms_forward_as_assumed(
    policy: PolicySnapshot, opened: str
) -> None:
    from tashilat.domain.decision import Status
    from tashilat.domain.programs.youth_fund.rules import plan

    terms = cohort_terms(policy, parse_jalali(opened))
    assert terms.carried_from == 1403
    statuses = {p.status for p in terms.provenances} | {terms.caps_provenance.status}
    statuses |= {c.status for c in terms.cap_cells.values()}
    assert Status.SEED not in statuses and Status.CORRECTED not in statuses
    d = plan(policy, opened_on=parse_jalali(opened), tier=2, share_percent=100)
    first = d.warnings[0]
    assert first.code == "youth_fund.terms_carried_forward"
    assert "1403" in first.message_en and "carried forward" in first.message_en
    assert "۱۴۰۳" in first.message_fa or "1403" in first.message_fa
    assert all(w.status is not Status.SEED for w in d.warnings)


def test_the_1403_cohort_itself_is_not_carried(policy: PolicySnapshot) -> None:
    from tashilat.domain.programs.youth_fund.rules import plan

    terms = cohort_terms(policy, parse_jalali("1403/12/29"))
    assert terms.carried_from is None
    d = plan(policy, opened_on=parse_jalali("1403/12/29"), tier=1, share_percent=100)
    assert "youth_fund.terms_carried_forward" not in {w.code for w in d.warnings}
    # an earlier cohort between published ones is not "carried forward" either
    assert cohort_terms(policy, parse_jalali("1398/03/01")).carried_from is None
