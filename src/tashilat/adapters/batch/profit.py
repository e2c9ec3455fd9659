"""Profit on savings in array form: ``domain.programs.youth_fund.profit`` for a partition.

* The rate is dated (not a cohort term): :class:`ProfitRates` holds the days it changes and
  its value from each, in 1/10,000 percent, resolved from the policy once per run; each
  account month takes the rate in force on its first day (one ``searchsorted``).
* ``p_i = floor(max(low_i + C_{i−1}, 0) × R / 12,000,000)`` depends on the profit credited
  before, so months are walked in order — one vectorised step per account-month index over
  every account that has that month (accounts sorted by their number of months, so each
  step is a prefix), never a loop over accounts.
* The products are exact in int64: ``b × R`` is split as ``(b // D)·R + (b % D)·R // D``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.calendar import DayTable, epoch_day, from_epoch_day
from tashilat.domain.decision import PolicyReader
from tashilat.domain.programs.youth_fund import profit as rule

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ProfitRates:
    """The savings profit rate by date: ``rate_e4[j]`` from epoch day ``starts[j]`` on."""

    starts: tuple[int, ...]
    rate_e4: tuple[int, ...]

    def at(self, days: I64) -> I64:
        """The rate in force on each epoch day (0 before the first entry)."""
        starts = np.asarray(self.starts, dtype=np.int64)
        rates = np.asarray((0, *self.rate_e4), dtype=np.int64)
        return rates[np.searchsorted(starts, days, side="right")]


def profit_rates(policy: PolicyReader, lo: date, hi: date) -> ProfitRates:
    """The rate's changes that matter between ``lo`` and ``hi``: from the policy's dated
    entries, or — for a policy that does not expose them — by resolving every day."""
    parameter = getattr(policy, "parameter", None)
    if parameter is not None:
        entries = parameter(rule.RATE).entries
        return ProfitRates(
            tuple(epoch_day(e.since) for e in entries),
            tuple(rule.rate_e4(e.value) for e in entries),
        )
    starts: list[int] = []
    rates: list[int] = []
    for day in range(epoch_day(lo), epoch_day(hi) + 1):
        r = rule.rate_e4(policy.resolve(rule.RATE, from_epoch_day(day)).value)
        if not rates or r != rates[-1]:
            starts.append(day)
            rates.append(r)
    return ProfitRates(tuple(starts), tuple(rates))


def profit_of(base: I64, rate_e4: I64) -> I64:
    """``floor(max(base, 0) × R / 12,000,000)`` elementwise, exact."""
    b = np.maximum(base, 0)
    q, r = np.divmod(b, rule.DENOMINATOR)
    out: I64 = q * rate_e4 + (r * rate_e4) // rule.DENOMINATOR
    return out


def month_profits(
    low: I64, goff: I64, months: I64, u: I64, tab: DayTable, rates: ProfitRates
) -> tuple[I64, I64]:
    """Each grid slot's profit (0 in the month in progress) and the profit credited to
    the account before the slot's month (``C_{i−1}``).

    ``low``: every slot's lowest own balance; ``goff``: each account's first slot (and
    the grid's end); ``months``: completed months per account; ``u``: the accounts' day-table
    offsets (``DayTable.u_of``)."""
    n_grid = len(low)
    slots = np.diff(goff)
    acc_of = np.repeat(np.arange(len(months), dtype=np.int64), slots)
    k = np.arange(n_grid, dtype=np.int64) - goff[:-1][acc_of]  # 0-based month in the account
    completed = k < months[acc_of]
    rate = np.zeros(n_grid, dtype=np.int64)
    if bool(completed.any()):
        starts = tab.month_start(u[acc_of][completed], k[completed] + 1)
        rate[completed] = rates.at(starts)
    order = np.argsort(-months, kind="stable")
    ordered = months[order]
    first = goff[:-1][order]
    credited = np.zeros(len(months), dtype=np.int64)  # in ``order``
    gain = np.zeros(n_grid, dtype=np.int64)
    for step in range(int(months.max(initial=0))):
        n = int(np.searchsorted(-ordered, -step, side="left"))  # accounts with > step months
        idx = first[:n] + step
        p = profit_of(low[idx] + credited[:n], rate[idx])
        gain[idx] = p
        credited[:n] += p
    before = np.zeros(n_grid + 1, dtype=np.int64)
    np.cumsum(gain, out=before[1:])
    carried: I64 = before[:-1] - before[goff[:-1]][acc_of]
    return gain, carried
