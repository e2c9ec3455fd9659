"""The vectorised Jalali month arithmetic equals the domain's, day for day."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tashilat.adapters.batch.calendar import DayTable, epoch_day
from tashilat.domain.jalali import account_month_start, completed_account_months

TAB = DayTable.build()
opened = st.dates(min_value=date(2015, 3, 21), max_value=date(2026, 3, 20))


@settings(max_examples=300, deadline=None)
@given(opened, st.integers(0, 4000), st.integers(1, 180))
def test_month_arithmetic_matches_domain(o: date, later: int, i: int) -> None:
    on = o + timedelta(days=later)
    u = TAB.u_of(np.array([epoch_day(o)]))
    assert int(TAB.month_start(u, i)[0]) == epoch_day(account_month_start(o, i))
    assert int(TAB.completed_months(np.array([epoch_day(o)]), epoch_day(on))[0]) == (
        completed_account_months(o, on)
    )
    k = int(TAB.month_index(np.array([epoch_day(on)]), u)[0])
    assert epoch_day(account_month_start(o, k + 1)) <= epoch_day(on)
    assert epoch_day(on) < epoch_day(account_month_start(o, k + 2))
