"""Jalali account months as lookup tables over epoch days, for vectorised month arithmetic.

The domain rule (``tashilat.domain.jalali``) defines account month ``i`` of an account
opened on Jalali ``y0/m0/d0`` as starting on ``add_months(opened, i-1)``: the same day of
month, clamped to the month's last day. For a day ``D`` = ``y/m/d`` that gives the 0-based
account month

    k(D) = (12·y + m) − (12·y0 + m0) − [d < min(d0, days_in_month(y, m))]

and ``d < min(d0, dim)`` is ``x(D) < d0`` with ``x(D) = d`` on every day but a month's last,
where ``x = 32`` (no ``d0`` exceeds 31). So with one table over days,
``T[D] = 64·jm(D) + x(D)``, and one number per account, ``U = 64·jm0 + d0``:

    k(D) = (T[D] − U) >> 6

(``x − d0`` lies in −30…31, so the floor division by 64 subtracts exactly the borrow).
Adding ``64·offset`` to ``U`` shifts the month index by a per-account grid offset, so one
gather, one subtraction and one shift map an event day to its slot in a flat grid of
account-months. ``tests/batch/test_calendar.py`` checks this against the domain rule.

Days are epoch days (days since 1970-01-01, Arrow ``date32``); the tables are indexed by
the epoch day directly, so no offset is subtracted per event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tashilat.domain.jalali import days_in_month, from_jalali

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]


def epoch_day(d: date) -> int:
    return d.toordinal() - EPOCH_ORDINAL


def from_epoch_day(n: int) -> date:
    return date.fromordinal(int(n) + EPOCH_ORDINAL)


@dataclass(frozen=True)
class DayTable:
    """Lookup tables for Jalali years ``first_year … last_year``.

    ``T[day]`` (int32, indexed by epoch day) is ``64·jm + x`` as above, where ``jm`` counts
    Jalali months from ``first_year/01``; ``month_first[jm]`` is the epoch day of the month's
    first day and ``month_days[jm]`` its length."""

    first_year: int
    last_year: int
    lo_day: int  # epoch day of first_year/01/01
    hi_day: int  # epoch day of last_year's last day
    T: I32
    month_first: I32
    month_days: I32

    @staticmethod
    def build(first_year: int = 1380, last_year: int = 1450) -> DayTable:
        months = (last_year - first_year + 1) * 12
        first = np.empty(months, dtype=np.int32)
        length = np.empty(months, dtype=np.int32)
        for y in range(first_year, last_year + 1):
            for m in range(1, 13):
                jm = (y - first_year) * 12 + m - 1
                first[jm] = epoch_day(from_jalali(y, m, 1))
                length[jm] = days_in_month(y, m)
        lo, hi = int(first[0]), int(first[-1] + length[-1] - 1)
        if np.any(first[1:] != first[:-1] + length[:-1]):  # pragma: no cover - jdatetime bug
            raise AssertionError("Jalali months are not contiguous")
        jm_of_day = np.repeat(np.arange(months, dtype=np.int32), length)
        day_in_month = np.arange(hi - lo + 1, dtype=np.int32) - (first - lo)[jm_of_day] + 1
        x = np.where(day_in_month == length[jm_of_day], 32, day_in_month).astype(np.int32)
        table = np.zeros(hi + 1, dtype=np.int32)
        table[lo:] = jm_of_day * 64 + x
        return DayTable(first_year, last_year, lo, hi, table, first, length)

    def covers(self, day: int) -> bool:
        return self.lo_day <= day <= self.hi_day

    def u_of(self, open_day: I32 | I64) -> I64:
        """``U = 64·jm0 + d0`` of accounts opened on ``open_day`` (epoch days)."""
        od = np.asarray(open_day, dtype=np.int64)
        jm0 = self.T[od] >> 6
        d0 = od - self.month_first[jm0] + 1
        out: I64 = (jm0.astype(np.int64) << 6) + d0
        return out

    def month_index(self, day: I32 | I64, u: I64) -> I64:
        """0-based account month of ``day`` for accounts with key ``u`` (broadcasting)."""
        out: I64 = (self.T[np.asarray(day, dtype=np.int64)].astype(np.int64) - u) >> 6
        return out

    def completed_months(self, open_day: I32 | I64, as_of: int) -> I64:
        """Whole account months ended before ``as_of`` begins (``completed_account_months``)."""
        u = self.u_of(open_day)
        k = (int(self.T[as_of]) - u) >> 6
        out: I64 = np.where(np.asarray(open_day, dtype=np.int64) >= as_of, 0, k)
        return out

    def month_start(self, u: I64, i: I64 | int) -> I64:
        """Epoch day on which 1-based account month ``i`` starts (``account_month_start``)."""
        jm = (u >> 6) + np.asarray(i, dtype=np.int64) - 1
        d0 = u & 63
        if np.any(jm >= len(self.month_first)):
            raise ValueError("account month beyond the day table")
        out: I64 = self.month_first[jm].astype(np.int64) + np.minimum(d0, self.month_days[jm]) - 1
        return out
