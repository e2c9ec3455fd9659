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


def profit_of(base: I64, rate_e4: I64 | int) -> I64:
    """``floor(max(base, 0) × R / 12,000,000)`` elementwise, exact."""
    b = np.maximum(base, 0)
    q = b // rule.DENOMINATOR
    r = b - q * rule.DENOMINATOR
    out: I64 = (q * rate_e4 + (r * rate_e4) // rule.DENOMINATOR).astype(np.int64, copy=False)
    return out


def month_profits(
    low: I64,
    goff: I64,
    months: I64,
    u: I64,
    tab: DayTable,
    rates: ProfitRates,
    *,
    carried: bool = True,
) -> tuple[I64, I64, I64 | None]:
    """Each grid slot's profit (0 in the month in progress), each account's profit credited
    by the as-of date, and (with ``carried``) each slot's profit credited before its month
    (``C_{i−1}``).

    ``low``: every slot's lowest own balance; ``goff``: each account's first slot (and
    the grid's end); ``months``: completed months per account; ``u``: the accounts' day-table
    offsets (``DayTable.u_of``). Work is proportional to the completed account-months; the
    grid is only written to."""
    n_grid = len(low)
    order = np.argsort(-months, kind="stable")
    ordered = months[order]
    first = goff[:-1][order]
    u_ord = u[order]
    # one rate for every month (the usual case) needs no per-month date
    one_rate = len(rates.starts) == 1 and (
        not len(u) or int(tab.month_start(u, 1).min()) >= rates.starts[0]
    )
    rate0 = rates.rate_e4[0] if rates.rate_e4 else 0
    credited = np.zeros(len(months), dtype=np.int64)  # in ``order``
    gain = np.zeros(n_grid, dtype=np.int64)
    before = np.zeros(n_grid, dtype=np.int64) if carried else None
    for step in range(int(months.max(initial=0))):
        n = int(np.searchsorted(-ordered, -step, side="left"))  # accounts with > step months
        idx = first[:n] + step
        if one_rate:
            rate: I64 | int = rate0
        else:
            rate = rates.at(tab.month_start(u_ord[:n], step + 1))
        p = profit_of(low[idx] + credited[:n], rate)
        gain[idx] = p
        if before is not None:
            before[idx] = credited[:n]
        credited[:n] += p
    total = np.empty(len(months), dtype=np.int64)
    total[order] = credited
    if before is not None:
        before[goff[1:] - 1] = total  # the month in progress carries every month's profit
    return gain, total, before
