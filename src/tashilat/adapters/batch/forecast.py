"""The fund's forecast for one partition: every open account projected forward, per year.

Input: a partition's accounts and movements up to the as-of date (the month-end's input,
``runner.read_accounts``), their provinces, and a :class:`ForecastContext` per scenario
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
  years then, exactly what ``rules.entitlement`` would answer at ``(Y+1)/01/01``.
* **Take-up**: an account eligible (a positive entitlement, privilege unused) takes the loan
  in a year when a second hash of (id, year) falls below the share for the newly eligible
  (first eligible year) or for those eligible earlier. The loan is its entitlement at the
  year's end, paid out on the year's last day; it is repaid on the shared finance rule's
  simple schedule (``finance.build_schedule``) at the cohort's rate and term, from the
  following month.
* **Profit** on savings: a twelfth of the yearly rate on each account month's structure,
  floored to the rial, counted in the year the month ends.

All sums are exact int64 (bincount on split 26-bit halves); there is no per-account loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.kernel import Accounts, Context, account_month_end
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
    """The forecast parameters, in basis points (percent × 100) and rate × 10,000."""

    repeat_bp: int
    table_bp: int
    stop_bp: int
    newly_bp: int
    later_bp: int
    profit_rate_e4: int


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


def project(acc: Accounts, province: I64, n_prov: int, fc: ForecastContext) -> I64:
    """The partition's sums for one scenario: ``[year, bin, metric]`` with
    ``bin = 3·province + tier − 1`` (``province`` indexes ``0 … n_prov−1``)."""
    ctx, tab, terms = fc.ctx, fc.ctx.days, fc.ctx.terms
    n_years, n_bins = fc.years, 3 * n_prov
    out = np.zeros((n_years, n_bins, len(METRICS)), dtype=np.int64)
    n_acc = len(acc.account_id)
    if n_acc == 0:
        return out
    start = fc.start
    # history strictly before the as-of date (ADR 0003)
    n_ev = acc.n_events.astype(np.int64)
    ev_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_ev, out=ev_off[1:])
    keep = acc.day < start
    day, amount = acc.day[keep], acc.amount[keep]
    n_ev = _segment_sum(keep.astype(np.int64), ev_off)
    np.cumsum(n_ev, out=ev_off[1:])

    open_day = acc.open_day.astype(np.int64)
    piece = terms.piece_of(open_day)
    u = tab.u_of(open_day)
    tier0 = acc.tier.astype(np.int64) - 1
    bins = 3 * province + tier0
    min_wait, max_wait = terms.min_wait[piece], terms.max_wait[piece]

    # -- projected deposits -----------------------------------------------------------------
    in_window = (day >= fc.window_start).astype(np.int64)
    net = _segment_sum(np.where(in_window > 0, amount, 0), ev_off)
    monthly = np.maximum(net, 0) // 12
    beh = behaviours(acc.account_id, fc.behaviour)
    c0 = tab.completed_months(open_day, start)
    first_i = np.where(tab.month_start(u, c0 + 1) == start, c0 + 1, c0 + 2)
    horizon = ctx.as_of
    c_h = tab.completed_months(open_day, horizon)
    last_i = np.where(tab.month_start(u, c_h + 1) < horizon, c_h + 1, c_h)
    active = (beh == TABLE) | ((beh == REPEAT) & (monthly > 0))
    n_new = np.where(active, np.maximum(last_i - first_i + 1, 0), 0)
    new_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_new, out=new_off[1:])
    total_new = int(new_off[-1])
    row = np.repeat(np.arange(n_acc, dtype=np.int64), n_new)
    i = first_i[row] + np.arange(total_new, dtype=np.int64) - new_off[:-1][row]
    new_day = tab.month_start(u[row], i)
    k = np.minimum((i - 1) // 12, fc.deposit.shape[1] - 1)
    new_amount = np.where(beh[row] == TABLE, fc.deposit[piece[row], k], monthly[row])

    # -- history + projection, account by account ---------------------------------------------
    all_n = n_ev + n_new
    all_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(all_n, out=all_off[1:])
    a_day = np.empty(int(all_off[-1]), dtype=np.int32)
    a_amount = np.empty(int(all_off[-1]), dtype=np.int64)
    old_row = np.repeat(np.arange(n_acc, dtype=np.int64), n_ev)
    old_pos = np.arange(len(day), dtype=np.int64) + (all_off[:-1] - ev_off[:-1])[old_row]
    new_pos = np.arange(total_new, dtype=np.int64) + (all_off[:-1] + n_ev - new_off[:-1])[row]
    a_day[old_pos], a_amount[old_pos] = day, amount
    a_day[new_pos], a_amount[new_pos] = new_day, new_amount
    res = account_month_end(
        Accounts(acc.account_id, acc.open_day, acc.tier, all_n.astype(np.int32), a_day, a_amount),
        ctx,
        check=False,
    )

    year_of = tab.first_year + (tab.T >> 6) // 12  # Jalali year of each epoch day
    ny = np.int64(n_years)
    if total_new:
        jy = year_of[new_day].astype(np.int64) - fc.first_year
        out[:, :, DEPOSITS] = exact_sums(
            jy * n_bins + bins[row], new_amount, n_years * n_bins
        ).reshape(n_years, n_bins)

    # -- profit on each account month ending on or after the as-of date ---------------------
    cm = res.completed_months.astype(np.int64)
    m_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(cm, out=m_off[1:])
    n_pm = np.maximum(cm - c0, 0)
    if fc.behaviour.profit_rate_e4 and int(n_pm.sum()):
        p_off = np.zeros(n_acc + 1, dtype=np.int64)
        np.cumsum(n_pm, out=p_off[1:])
        prow = np.repeat(np.arange(n_acc, dtype=np.int64), n_pm)
        pi = c0[prow] + 1 + np.arange(int(p_off[-1]), dtype=np.int64) - p_off[:-1][prow]
        s = np.maximum(res.m_structure[m_off[:-1][prow] + pi - 1], 0)
        profit = s * fc.behaviour.profit_rate_e4 // 12_000_000
        ends = tab.month_start(u[prow], pi + 1) - 1
        jy = year_of[ends].astype(np.int64) - fc.first_year
        out[:, :, PROFIT] = exact_sums(jy * n_bins + bins[prow], profit, n_years * n_bins).reshape(
            n_years, n_bins
        )

    # -- entitlements year by year, take-up, disbursements ------------------------------------
    yoff = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(res.counted_years.astype(np.int64), out=yoff[1:])
    y_ent = res.y_entitlement

    def entitlement_at(e_day: int) -> tuple[I64, I64]:
        years = tab.completed_months(open_day, e_day) // 12
        counted = np.minimum(years, max_wait)
        ok = counted >= min_wait
        idx = np.where(ok, yoff[:-1] + counted - 1, 0)
        ent = np.where(ok, y_ent[idx] if len(y_ent) else 0, 0)
        return years, ent

    used = np.zeros(n_acc, dtype=bool)
    if acc.privilege_day is not None:
        used = (acc.privilege_day >= 0) & (acc.privilege_day.astype(np.int64) <= start)
    prev_years, prev_ent = entitlement_at(start)
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

    # -- repayments of the loans paid out in the forecast -------------------------------------
    borrowers = np.flatnonzero((borrow_year >= 0) & (borrow_year < ny - 1))
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
    return out
