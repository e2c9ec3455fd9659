"""The fee schedule an open employment application would get if paid out on a day."""

from __future__ import annotations

from datetime import date

from tashilat.policy import PolicySnapshot
from tashilat.services import employment


def test_preview_of_500_million_rial(policy: PolicySnapshot) -> None:
    s = employment.preview_schedule(policy, 500_000_000, date(2027, 8, 6))
    # six fee-only months, then sixty instalments of 9,208,261 rial (rounded to the rial)
    assert (s.grace_months, len(s.instalments)) == (6, 66)
    assert s.instalments[0].principal == 0
    assert s.instalments[0].profit == 1_666_667
    assert s.instalments[0].due == date(2027, 9, 6)
    assert s.repayments[0].amount == 9_208_261
    assert s.total_profit == 62_495_665
    assert sum(i.principal for i in s.instalments) == 500_000_000
