"""The fund's forecast for one partition: every open account projected forward, per year.

Input: a partition's accounts and movements up to the as-of date (the month-end's input,
``runner.read_accounts``), their provinces and remaining loan instalments
(``forecast_io``), and a :class:`ForecastContext` per scenario
(the baseline and each variant). Output: per scenario, an int64 array
``[year, tier·province bin, metric]`` of sums (:data:`METRICS`), small enough to ship back
from a Dask worker and to add across partitions.

How (docs/forecast.md):

* **Behaviour** is drawn once per account from a hash of its id (splitmix64, so the same
  account behaves the same way in every scenario, engine and run): it keeps depositing its
  net deposits of the 12 months before the as-of date, spread evenly (``repeat``), deposits
  the cohort's table (``table``), or stops. Future deposits fall on the first day of every
  account month, as ``rules.planned_events`` places them.
* **Entitlements** come from the month-end kernel itself (``kernel.account_month_end``) run
  once at the end of the horizon over the real history plus the projected deposits; the
  entitlement at the end of projected year ``Y`` is the yearly row of the account's counted
  years then, exactly what ``rules.entitlement`` would answer at ``(Y+1)/01/01``. Scenarios
  that project the same deposits share that pass and recompute only the yearly rows under
  their own terms (``years.year_rows``).
* **Take-up**: an account eligible (a positive entitlement, privilege unused) takes the loan
  in a year when a second hash of (id, year) falls below the share for the newly eligible
  (first eligible year) or for those eligible earlier. The loan is its entitlement at the
  year's end, paid out on the year's last day; it is repaid on the shared finance rule's
  simple schedule (``finance.build_schedule``) at the cohort's rate and term, from the
  following month. Loans paid out before the as-of date are repaid as their remaining
  instalments fall due (:class:`Schedules`).
* **Profit** on savings is the kernel's own (``adapters.batch.profit``, the rule of
  ``youth_fund.profit``: each month's lowest balance with the profit credited before, at
  the dated rate), counted in the year it is credited (the first day of the next month).

All sums are exact int64 (bincount on split 26-bit halves); there is no per-account loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.kernel import AccountResults, Accounts, Context, account_month_end
from tashilat.adapters.batch.years import year_rows
from tashilat.domain import finance

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

METRICS = (
    "reaching_min_wait",
    "eligible_accounts",
    "entitlements_rial",
    "loans",
    "disbursements_rial",
    "deposits_rial",
    "profit_rial",
    "repayments_rial",
)
(REACHING, ELIGIBLE, ENTITLEMENTS, LOANS, DISBURSED, DEPOSITS, PROFIT, REPAID) = range(8)
REPEAT, TABLE, STOP = 0, 1, 2
BEHAVIOUR_SALT = 0x5A17_0BE4_A510_0001
TAKE_UP_SALT = 0x5A17_0BE4_A510_1000
BP = 10_000  # shares are drawn in basis points


@dataclass(frozen=True)
class Behaviour:
    """The forecast parameters, in basis points (percent × 100)."""

    repeat_bp: int
    table_bp: int
    stop_bp: int
    newly_bp: int
    later_bp: int


@dataclass(frozen=True)
class ForecastContext:
    """One scenario: the month-end context at the end of the horizon (its ``as_of``), the
    as-of date, the projected years, and per-piece deposit tables and loan terms."""

    name: str
    ctx: Context
    start: int  # epoch day of the as-of date
    first_year: int  # the Jalali year the as-of date falls in
    year_ends: tuple[int, ...]  # epoch day of (Y+1)/01/01 for each projected year Y
    window_start: int  # epoch day 12 months before the as-of date (the ``repeat`` window)
    deposit: I64  # [piece, k-1]: d_k of the piece's table, the last amount continued
    loan_rate: tuple[str, ...]  # per piece, percent a year (a Decimal's text)
    loan_months: tuple[int, ...]  # per piece
    instalment_unit: int
    behaviour: Behaviour
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def years(self) -> int:
        return len(self.year_ends)


def splitmix64(x: npt.NDArray[np.int64] | U64, salt: int) -> U64:
    """A well-mixed 64-bit hash of each value (splitmix64's finaliser)."""
    z = x.astype(np.uint64) + np.uint64((salt + 0x9E3779B97F4A7C15) & (2**64 - 1))
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    out: U64 = z ^ (z >> np.uint64(31))
    return out


def draw(account_id: I64, salt: int) -> I64:
    """Each account's draw in ``0 … 9,999`` (basis points)."""
    out: I64 = (splitmix64(account_id, salt) % np.uint64(BP)).astype(np.int64)
    return out


def behaviours(account_id: I64, b: Behaviour) -> I64:
    """``REPEAT``, ``TABLE`` or ``STOP`` per account, by its draw against the shares."""
    u = draw(account_id, BEHAVIOUR_SALT)
    out: I64 = np.where(
        u < b.repeat_bp, REPEAT, np.where(u < b.repeat_bp + b.table_bp, TABLE, STOP)
    ).astype(np.int64)
    return out


def exact_sums(keys: I64, values: I64, n: int) -> I64:
    """``sum(values[keys == k])`` for ``k < n``, exactly (``0 ≤ values < 2^52``): two
    float64 bincounts over 26-bit halves, each below 2^53 for up to 2^26 rows."""
    if len(keys) == 0:
        return np.zeros(n, dtype=np.int64)
    lo = np.bincount(keys, weights=(values & ((1 << 26) - 1)).astype(np.float64), minlength=n)
    hi = np.bincount(keys, weights=(values >> 26).astype(np.float64), minlength=n)
    out: I64 = (hi.astype(np.int64) << 26) + lo.astype(np.int64)
    return out


@lru_cache(maxsize=1 << 16)
def yearly_repayments(principal: int, rate: str, months: int, unit: int, years: int) -> I64:
    """Instalments of a simple-schedule loan summed by year of repayment: element ``m-1``
    holds instalments ``12(m-1)+1 … 12m`` of ``finance.build_schedule`` (the shared rule).

    While the last instalment lies beyond the years asked for, every instalment is the
    level payment (``finance.annuity_payment``) rounded half-up to the unit, so the sums
    need no schedule (``tests/batch/test_forecast.py`` checks them against it); otherwise
    the schedule is built."""
    out = np.zeros(years, dtype=np.int64)
    if months > 12 * years:
        level = finance.annuity_payment(principal, Decimal(rate), months)
        with localcontext() as c:
            c.prec = 50
            q = (level / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        # the schedule caps an instalment at what is owed, floored to the unit; before the
        # last one that is about twice the level payment, less the rounding drift (at most
        # half a unit a month, compounded), so a level this large can never be capped
        drift = months * (1 + float(rate) / 1200) ** months
        if int(q) >= 2 + drift:
            out[:] = 12 * int(q) * unit
            return out
    sched = finance.build_schedule("simple", principal, Decimal(rate), months, rounding_unit=unit)
    for inst in sched.instalments:
        m = (inst.number - 1) // 12
        if m >= years:
            break
        out[m] += inst.amount
    return out


def _segment_sum(x: I64, off: I64) -> I64:
    cs = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(x, out=cs[1:])
    out: I64 = cs[off[1:]] - cs[off[:-1]]
    return out


@dataclass(frozen=True)
class Schedules:
    """What is still owed on the instalments of loans paid out before the as-of date: the
    account's row in the partition, the epoch day due, the amount (rial)."""

    row: I64
    due: I64
    amount: I64


@dataclass
class _Shared:
    """What every scenario of a partition shares: its history before the as-of date, the
    calendar and where each account's projected months start and end."""

    acc: Accounts
    bins: I64
    n_bins: int
    open_day: I64
    u: I64
    c0: I64  # completed months at the as-of date
    first_i: I64  # the first account month starting on or after the as-of date
    last_i: I64  # the last one starting before the end of the horizon
    day: npt.NDArray[np.int32]
    amount: I64
    n_ev: I64
    monthly: I64  # the ``repeat`` amount
    year_of: npt.NDArray[np.int64]  # Jalali year of each epoch day


@dataclass
class _Months:
    """The deposits one behaviour and deposit table project, and the months they give: one
    run of the month-end kernel, shared by every scenario that projects the same deposits
    with the same structure mode (a variant of caps, waits or take-up costs no months)."""

    row: I64
    amount: I64
    terms_key: tuple[Any, ...]  # what else the months depend on: modes and profit rates
    res: AccountResults
    m_off: I64
    deposits: I64  # [year, bin]
    profit: I64  # [year, bin]


def _shared(acc: Accounts, province: I64, n_prov: int, fc: ForecastContext) -> _Shared:
    tab, start, n_acc = fc.ctx.days, fc.start, len(acc.account_id)
    # history strictly before the as-of date (ADR 0003)
    ev_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(acc.n_events.astype(np.int64), out=ev_off[1:])
    keep = acc.day < start
    day, amount = acc.day[keep], acc.amount[keep]
    n_ev = _segment_sum(keep.astype(np.int64), ev_off)
    np.cumsum(n_ev, out=ev_off[1:])
    open_day = acc.open_day.astype(np.int64)
    u = tab.u_of(open_day)
    net = _segment_sum(np.where(day >= fc.window_start, amount, 0), ev_off)
    c0 = tab.completed_months(open_day, start)
    c_h = tab.completed_months(open_day, fc.ctx.as_of)
    return _Shared(
        acc=acc,
        bins=3 * province + acc.tier.astype(np.int64) - 1,
        n_bins=3 * n_prov,
        open_day=open_day,
        u=u,
        c0=c0,
        first_i=np.where(tab.month_start(u, c0 + 1) == start, c0 + 1, c0 + 2),
        last_i=np.where(tab.month_start(u, c_h + 1) < fc.ctx.as_of, c_h + 1, c_h),
        day=day,
        amount=amount,
        n_ev=n_ev,
        monthly=np.maximum(net, 0) // 12,
        year_of=tab.first_year + (tab.T.astype(np.int64) >> 6) // 12,
    )


def _deposits(sh: _Shared, fc: ForecastContext, piece: I64) -> tuple[I64, I64, I64]:
    """Each projected deposit's account row, month and amount, account after account."""
    n_acc = len(sh.open_day)
    beh = behaviours(sh.acc.account_id, fc.behaviour)
    active = (beh == TABLE) | ((beh == REPEAT) & (sh.monthly > 0))
    n_new = np.where(active, np.maximum(sh.last_i - sh.first_i + 1, 0), 0)
    new_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_new, out=new_off[1:])
    row = np.repeat(np.arange(n_acc, dtype=np.int64), n_new)
    i = sh.first_i[row] + np.arange(int(new_off[-1]), dtype=np.int64) - new_off[:-1][row]
    k = np.minimum((i - 1) // 12, fc.deposit.shape[1] - 1)
    amount = np.where(beh[row] == TABLE, fc.deposit[piece[row], k], sh.monthly[row])
    return row, i, amount


def _months(
    sh: _Shared, fc: ForecastContext, row: I64, i: I64, amount: I64, terms_key: tuple[Any, ...]
) -> _Months:
    """History plus the projected deposits through the month-end kernel at the horizon."""
    tab, n_acc, n_years = fc.ctx.days, len(sh.open_day), fc.years
    n_new = np.bincount(row, minlength=n_acc).astype(np.int64)
    new_day = tab.month_start(sh.u[row], i)
    all_n = sh.n_ev + n_new
    all_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(all_n, out=all_off[1:])
    ev_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(sh.n_ev, out=ev_off[1:])
    new_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_new, out=new_off[1:])
    a_day = np.empty(int(all_off[-1]), dtype=np.int32)
    a_amount = np.empty(int(all_off[-1]), dtype=np.int64)
    old_row = np.repeat(np.arange(n_acc, dtype=np.int64), sh.n_ev)
    old_pos = np.arange(len(sh.day), dtype=np.int64) + (all_off[:-1] - ev_off[:-1])[old_row]
    new_pos = np.arange(len(row), dtype=np.int64) + (all_off[:-1] + sh.n_ev - new_off[:-1])[row]
    a_day[old_pos], a_amount[old_pos] = sh.day, sh.amount
    a_day[new_pos], a_amount[new_pos] = new_day, amount
    acc = sh.acc
    res = account_month_end(
        Accounts(acc.account_id, acc.open_day, acc.tier, all_n.astype(np.int32), a_day, a_amount),
        fc.ctx,
        check=False,
    )
    m_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(res.completed_months.astype(np.int64), out=m_off[1:])
    jy = sh.year_of[new_day] - fc.first_year
    deposits = exact_sums(jy * sh.n_bins + sh.bins[row], amount, n_years * sh.n_bins)
    profit = _profit(sh, fc, res, m_off)
    return _Months(row, amount, terms_key, res, m_off, deposits.reshape(n_years, sh.n_bins), profit)


def _profit(sh: _Shared, fc: ForecastContext, res: AccountResults, m_off: I64) -> I64:
    """The kernel's profit of each completed month credited from the as-of date to the end
    of the horizon, by the year it is credited and bin."""
    n_acc, n_years = len(sh.open_day), fc.years
    cm = res.completed_months.astype(np.int64)
    first = np.maximum(sh.c0, 1)  # month c0 is credited on the first day of month c0 + 1
    n_pm = np.maximum(cm - first + 1, 0)
    p_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_pm, out=p_off[1:])
    prow = np.repeat(np.arange(n_acc, dtype=np.int64), n_pm)
    pi = first[prow] + np.arange(int(p_off[-1]), dtype=np.int64) - p_off[:-1][prow]
    profit = res.m_profit[m_off[:-1][prow] + pi - 1]
    credited = fc.ctx.days.month_start(sh.u[prow], pi + 1)
    ok = (credited >= fc.start) & (credited < fc.year_ends[-1])
    jy = sh.year_of[credited[ok]] - fc.first_year
    keys = jy * sh.n_bins + sh.bins[prow[ok]]
    out: I64 = exact_sums(keys, profit[ok], n_years * sh.n_bins).reshape(n_years, sh.n_bins)
    return out


def project(acc: Accounts, province: I64, n_prov: int, fc: ForecastContext) -> I64:
    """The partition's sums for one scenario (:func:`project_all` of one)."""
    return project_all(acc, province, n_prov, [fc])[0]


def project_all(
    acc: Accounts,
    province: I64,
    n_prov: int,
    scenarios: Sequence[ForecastContext],
    schedules: Schedules | None = None,
) -> list[I64]:
    """The partition's sums for every scenario: ``[year, bin, metric]`` each, with
    ``bin = 3·province + tier − 1`` (``province`` indexes ``0 … n_prov−1``). Scenarios
    that project the same deposits share one pass of the kernel over the months. The
    remaining instalments of earlier loans (``schedules``) are repaid in every scenario
    alike, in the year they fall due."""
    if not scenarios:
        return []
    if len(acc.account_id) == 0:
        return [np.zeros((fc.years, 3 * n_prov, len(METRICS)), dtype=np.int64) for fc in scenarios]
    sh = _shared(acc, province, n_prov, scenarios[0])
    earlier = _earlier_repayments(sh, scenarios[0], schedules)
    done: list[_Months] = []
    outs = []
    for fc in scenarios:
        terms = fc.ctx.terms
        piece = terms.piece_of(sh.open_day)
        row, i, amount = _deposits(sh, fc, piece)
        terms_key = (
            terms.closing[piece].tobytes(),
            terms.profit_counts[piece].tobytes(),
            fc.ctx.profit,
        )
        months = next(
            (
                m
                for m in done
                if m.terms_key == terms_key
                and np.array_equal(m.row, row)
                and np.array_equal(m.amount, amount)
            ),
            None,
        )
        if months is None:
            months = _months(sh, fc, row, i, amount, terms_key)
            done.append(months)
            yoff = np.zeros(len(piece) + 1, dtype=np.int64)
            np.cumsum(months.res.counted_years.astype(np.int64), out=yoff[1:])
            y_ent = months.res.y_entitlement
        else:  # the same months under this scenario's terms
            counted = np.minimum(months.res.completed_years.astype(np.int64), terms.max_wait[piece])
            yr = year_rows(months.res.m_structure, months.m_off, counted, piece, acc.tier, terms)
            yoff, y_ent = yr.yoff, yr.entitlement
        out = np.zeros((fc.years, sh.n_bins, len(METRICS)), dtype=np.int64)
        out[:, :, DEPOSITS] = months.deposits
        out[:, :, PROFIT] = months.profit
        _take_up(sh, fc, piece, yoff, y_ent, out)
        out[:, :, REPAID] += earlier
        outs.append(out)
    return outs


def _earlier_repayments(sh: _Shared, fc: ForecastContext, sched: Schedules | None) -> I64:
    """``[year, bin]``: instalments of loans paid out before the as-of date, by year due."""
    n_years = fc.years
    if sched is None or len(sched.row) == 0:
        return np.zeros((n_years, sh.n_bins), dtype=np.int64)
    ok = (sched.due >= fc.start) & (sched.due < fc.year_ends[-1])
    jy = sh.year_of[sched.due[ok]] - fc.first_year
    keys = jy * sh.n_bins + sh.bins[sched.row[ok]]
    out: I64 = exact_sums(keys, sched.amount[ok], n_years * sh.n_bins).reshape(n_years, sh.n_bins)
    return out


def _take_up(sh: _Shared, fc: ForecastContext, piece: I64, yoff: I64, y_ent: I64, out: I64) -> None:
    """Entitlements year by year, take-up, disbursements and their repayments, into ``out``."""
    acc, tab, terms, bins, n_bins = sh.acc, fc.ctx.days, fc.ctx.terms, sh.bins, sh.n_bins
    n_acc, n_years = len(sh.open_day), fc.years
    min_wait, max_wait = terms.min_wait[piece], terms.max_wait[piece]

    def entitlement_at(e_day: int) -> tuple[I64, I64]:
        years = tab.completed_months(sh.open_day, e_day) // 12
        counted = np.minimum(years, max_wait)
        ok = counted >= min_wait
        idx = np.where(ok, yoff[:-1] + counted - 1, 0)
        ent = np.where(ok, y_ent[idx] if len(y_ent) else 0, 0)
        return years, ent

    used = np.zeros(n_acc, dtype=bool)
    if acc.privilege_day is not None:
        used = (acc.privilege_day >= 0) & (acc.privilege_day.astype(np.int64) <= fc.start)
    prev_years, prev_ent = entitlement_at(fc.start)
    borrow_year = np.full(n_acc, -1, dtype=np.int64)
    principal = np.zeros(n_acc, dtype=np.int64)
    b = fc.behaviour
    for j, e_day in enumerate(fc.year_ends):
        years, ent = entitlement_at(e_day)
        reaching = (years >= min_wait) & (prev_years < min_wait)
        eligible = (ent > 0) & ~used
        newly = eligible & ~(prev_ent > 0)
        share = np.where(newly, b.newly_bp, b.later_bp)
        take = eligible & (draw(acc.account_id, TAKE_UP_SALT + fc.first_year + j) < share)
        borrow_year[take] = j
        principal[take] = ent[take]
        used |= take
        for metric, values in (
            (REACHING, reaching.astype(np.int64)),
            (ELIGIBLE, eligible.astype(np.int64)),
            (ENTITLEMENTS, np.where(eligible, ent, 0)),
            (LOANS, take.astype(np.int64)),
            (DISBURSED, np.where(take, ent, 0)),
        ):
            out[j, :, metric] = exact_sums(bins, values, n_bins)
        prev_years, prev_ent = years, ent

    # repayments of the loans paid out in the forecast
    borrowers = np.flatnonzero((borrow_year >= 0) & (borrow_year < n_years - 1))
    if len(borrowers):
        # one schedule per distinct (principal, piece), not per loan
        key = principal[borrowers] * 1024 + piece[borrowers]
        distinct, which = np.unique(key, return_inverse=True)
        table = np.zeros((len(distinct), n_years), dtype=np.int64)
        for n, kv in enumerate(distinct.tolist()):
            g = kv % 1024
            table[n] = yearly_repayments(
                kv // 1024, fc.loan_rate[g], fc.loan_months[g], fc.instalment_unit, n_years
            )
        rep = table[which.reshape(-1)]
        for m in range(1, n_years):
            when = borrow_year[borrowers] + m
            ok = when < n_years
            keys = when[ok] * n_bins + bins[borrowers][ok]
            out[:, :, REPAID] += exact_sums(keys, rep[ok, m - 1], n_years * n_bins).reshape(
                n_years, n_bins
            )
