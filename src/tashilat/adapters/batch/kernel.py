"""The partition function: month-end figures of every account and loan of one partition.

Input: a partition's accounts and their movements as columns (events sorted by account,
then day), the business date and the run context (Jalali day table, cohort terms, penalty
terms). Output: columns equal, row for row, to what the single-account rules give
(``rules.monthly_structures``, ``yearly_averages``, ``reference_averages``,
``cap_for_year``, ``year_figures``, ``entitlement``; ``loans._accrue_instalment``).

How (all numpy, one pass per step over the partition's events or account-months):

* each event's slot in a flat grid of account-months is ``(T[day] − U'[account]) >> 6``
  (``calendar``), where ``U'`` folds in the account's grid offset; every account has its
  completed months plus one slot for the month in progress, which collects its movements
  and is then ignored;
* balances are a running sum over the whole partition minus the account's starting sum;
* within a month, the lowest end-of-day balance is a segmented minimum
  (``np.minimum.reduceat``) over the last event of each day, and the balance carried into
  the month counts unless the month's first movement falls on its first day;
* empty months carry the previous closing balance: the number of events up to each slot is
  a running maximum over the grid, and the closing balance is the running sum there;
* an account whose privilege was used (a housing loan paid out on it on or before the
  business date) gets entitlement 0 and outcome ``privilege_used``: one comparison of the
  account's first payout day with the as-of date;
* each completed month's profit on savings (``adapters.batch.profit``: the rate in force on
  the month's first day on its lowest balance, the profit credited before included), walked
  month index by month index over all accounts at once; where the policy counts profit in
  the averages the structures gain the profit credited before each month;
* yearly sums are differences of a running sum over the grid; entitlements use exact
  integer arithmetic (a floating estimate of ``cap·m/Σr`` corrected by an exact residual
  computed modulo 2^64); both are ``years.year_rows``, which the forecast reuses.

Running sums may wrap modulo 2^64 across a partition; only differences within one account
are used, which are exact whenever the true value fits in int64. The segmented minimum
compares raw running sums, so the partition checks that they cannot wrap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tashilat.adapters.batch.calendar import DayTable
from tashilat.adapters.batch.profit import ProfitRates, month_profits
from tashilat.adapters.batch.terms import TermTable
from tashilat.adapters.batch.years import year_rows
from tashilat.domain.errors import InvalidInput

I8 = npt.NDArray[np.int8]
I16 = npt.NDArray[np.int16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

OUTCOMES = ("not_yet_eligible", "no_entitlement", "eligible", "privilege_used")
NOT_YET, NONE, ELIGIBLE, PRIVILEGE_USED = 0, 1, 2, 3
NO_DAY = -1  # an epoch-day column's "none"
INT64_MAX = np.iinfo(np.int64).max
SAFE_SUM = 1 << 62


@dataclass(frozen=True)
class Context:
    """Everything a partition needs besides its own rows (small; shipped to Dask workers)."""

    as_of: int  # epoch day of the business date
    days: DayTable
    terms: TermTable
    penalty_points_e4: int  # late-payment points over the contract rate, in 1/10,000 %
    day_count: int
    policy_hash: str
    profit: ProfitRates  # the savings profit rate by date


@dataclass
class Accounts:
    account_id: I64
    open_day: I32
    tier: I8
    n_events: I32
    day: I32  # events, sorted by account then day
    amount: I64  # + deposit, − withdrawal (rial)
    max_abs_amount: int | None = None  # from Parquet statistics when known
    # per account: epoch day the first housing loan on it was paid out (``NO_DAY``: none);
    # ``None``: no account's privilege was used
    privilege_day: I32 | None = None


@dataclass
class AccountResults:
    # one row per account
    account_id: I64
    open_day: I32
    cohort: I16
    tier: I8
    completed_months: I32
    completed_years: I16
    counted_years: I16
    balance: I64  # the holder's own movements (profit credits not included)
    profit: I64  # profit credited by the as-of date: every completed month's
    structure: I64  # latest completed month's structure (valid where completed_months > 0)
    average: I64  # average of the latest counted year (valid where counted_years > 0)
    reference: I64
    cap: I64
    entitlement: I64
    outcome: I8
    eligible_on: I32
    privilege_used_on: I32  # epoch day the privilege was used, ``NO_DAY`` if not by as-of
    # one row per (account, counted year)
    y_account: I64
    y_year: I16
    y_average: I64
    y_reference: I64
    y_cap: I64  # 0 where not eligible
    y_entitlement: I64
    y_eligible: B
    # every account's completed months, account after account (``completed_months`` each)
    m_structure: I64
    m_profit: I64


def _check_sorted(acc: Accounts, ev_start: I64) -> None:
    if len(acc.day) < 2:
        return
    back = np.flatnonzero(acc.day[1:] < acc.day[:-1]) + 1
    if len(back) and not np.all(np.isin(back, ev_start)):
        raise InvalidInput(
            "batch.unsorted",
            "رویدادهای یک بخش بر اساس حساب و تاریخ مرتب نیستند.",
            "A partition's events are not sorted by account, then date.",
        )


def account_month_end(acc: Accounts, ctx: Context, *, check: bool = True) -> AccountResults:
    """Month-end figures of one partition's accounts at ``ctx.as_of`` (see module doc)."""
    tab, terms, as_of = ctx.days, ctx.terms, ctx.as_of
    n_acc = len(acc.account_id)
    open_day = acc.open_day.astype(np.int64)
    n_ev = acc.n_events.astype(np.int64)
    ev_off = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(n_ev, out=ev_off[1:])
    n_events = int(ev_off[-1])
    if n_events != len(acc.day):
        raise InvalidInput(
            "batch.event_count",
            "تعداد رویدادهای بخش با شمار ثبت‌شده حساب‌ها نمی‌خواند.",
            "The partition's event count does not match its accounts' counts.",
        )
    if n_acc and (int(open_day.max()) > as_of or int(open_day.min()) < tab.lo_day):
        raise InvalidInput(
            "batch.opened_after",
            "حسابی پس از تاریخ محاسبه افتتاح شده است.",
            "An account opens after the as-of date (or before the calendar's range).",
        )
    day, amount = acc.day, acc.amount
    if n_events and int(day.max()) >= as_of:
        # movements on or after the business date do not count yet (ADR 0003)
        keep = day < as_of
        csk = np.zeros(n_events + 1, dtype=np.int64)
        np.cumsum(keep, out=csk[1:])
        n_ev = csk[ev_off[1:]] - csk[ev_off[:-1]]
        day, amount = day[keep], amount[keep]
        ev_off = np.zeros(n_acc + 1, dtype=np.int64)
        np.cumsum(n_ev, out=ev_off[1:])
        n_events = int(ev_off[-1])
    has = n_ev > 0
    first_ev = ev_off[:-1][has]
    if n_events and bool(np.any(day[first_ev] < open_day[has])):
        bad = int(acc.account_id[has][np.argmax(day[first_ev] < open_day[has])])
        raise InvalidInput(
            "youth_fund.event_before_opening",
            f"تراکنشی پیش از افتتاح حساب {bad} ثبت شده است.",
            f"A movement precedes the opening of account {bad}.",
        )
    if check:
        _check_sorted(
            Accounts(acc.account_id, acc.open_day, acc.tier, acc.n_events, day, amount),
            ev_off[:-1],
        )
    max_abs = acc.max_abs_amount
    if max_abs is None and n_events:
        max_abs = int(max(-int(amount.min()), int(amount.max())))
    if n_events and (max_abs or 0) * n_events >= SAFE_SUM:
        raise InvalidInput(
            "batch.partition_too_large",
            "مجموع مبالغ یک بخش برای محاسبه دقیق بیش از حد بزرگ است؛ بخش‌ها را کوچک‌تر کنید.",
            "A partition's amounts are too large for exact running sums; use smaller partitions.",
        )

    # -- per account: months, terms -------------------------------------------------------
    piece = terms.piece_of(open_day)
    u = tab.u_of(open_day)
    months = np.where(open_day >= as_of, 0, (int(tab.T[as_of]) - u) >> 6)  # completed
    years = months // 12
    counted = np.minimum(years, terms.max_wait[piece])
    slots = months + 1  # plus the month in progress
    goff = np.zeros(n_acc + 1, dtype=np.int64)
    np.cumsum(slots, out=goff[1:])
    n_grid = int(goff[-1])

    # -- per event: slot in the grid ---------------------------------------------------------
    u_grid = u - (goff[:-1] << 6)
    ue = np.repeat(u_grid, n_ev)
    slot = tab.T[day].astype(np.int64)
    slot -= ue
    slot >>= 6
    cs0 = np.zeros(n_events + 1, dtype=np.int64)
    with np.errstate(over="ignore"):
        np.cumsum(amount, out=cs0[1:])
    base = cs0[ev_off[:-1]]

    if n_events:
        # end of day: the next event is on another day or in another slot (account)
        day_chg = np.empty(n_events, dtype=bool)
        np.not_equal(day[1:], day[:-1], out=day_chg[:-1])
        day_chg[-1] = True
        slot_chg = np.empty(n_events, dtype=bool)
        slot_chg[0] = True
        np.not_equal(slot[1:], slot[:-1], out=slot_chg[1:])
        np.logical_or(day_chg[:-1], slot_chg[1:], out=day_chg[:-1])
        vals = np.where(day_chg, cs0[1:], INT64_MAX)
        first = np.flatnonzero(slot_chg)  # first event of each slot with events
        seg_min = np.minimum.reduceat(vals, first)
        fslot = slot[first]
        fday = day[first].astype(np.int64)
        prev_slot = (tab.T[fday - 1].astype(np.int64) - ue[first]) >> 6
        starts_month = prev_slot != fslot
        carried = cs0[first]
        low_ne = np.where(starts_month, seg_min, np.minimum(seg_min, carried))
        upto = np.zeros(n_grid, dtype=np.int64)
        nxt = np.empty(len(first), dtype=np.int64)
        nxt[:-1] = first[1:]
        nxt[-1] = n_events
        upto[fslot] = nxt
        np.maximum.accumulate(upto, out=upto)
    else:
        upto = np.zeros(n_grid, dtype=np.int64)
        fslot = np.zeros(0, dtype=np.int64)
        low_ne = np.zeros(0, dtype=np.int64)
    base_g = np.repeat(base, slots)
    closing = cs0[upto]
    with np.errstate(over="ignore"):
        closing -= base_g
        lowest = closing.copy()
        lowest[fslot] = low_ne - base_g[fslot]
        struct = (
            closing
            if bool(terms.closing.all())
            else lowest
            if not bool(terms.closing.any())
            else np.where(np.repeat(terms.closing[piece], slots), closing, lowest)
        )
    counts = bool(terms.profit_counts.any())
    gain, credited, before = month_profits(lowest, goff, months, u, tab, ctx.profit, carried=counts)
    if before is not None:
        struct = struct + np.where(np.repeat(terms.profit_counts[piece], slots), before, 0)

    # -- years ----------------------------------------------------------------------------
    yr = year_rows(struct, goff, counted, piece, acc.tier, terms)
    n_years, yoff, y_row, y_k = len(yr.y_k), yr.yoff, yr.y_row, yr.y_k
    y_avg, y_ref, y_cap, ent, eligible = (
        yr.average,
        yr.reference,
        yr.cap,
        yr.entitlement,
        yr.eligible,
    )

    # -- accounts --------------------------------------------------------------------------
    last_y = yoff[1:] - 1
    has_y = counted > 0
    ly = np.maximum(last_y, 0)
    min_wait = terms.min_wait[piece]
    waiting = years < min_wait
    tier0 = acc.tier.astype(np.int64) - 1
    cap = np.where(waiting, terms.future_cap[piece, tier0], y_cap[ly] if n_years else 0)
    amount_ent = np.where(waiting | ~has_y, 0, ent[ly] if n_years else 0)
    outcome = np.where(waiting, NOT_YET, np.where(amount_ent > 0, ELIGIBLE, NONE))
    # a loan paid out on the account by the as-of date consumes its privilege
    # (docs/rules.md §1.3, ``rules.with_privilege_use``): nothing remains to borrow on it,
    # whatever the figures above say; the cap and the yearly rows stay as computed
    if acc.privilege_day is None:
        used_on = np.full(n_acc, NO_DAY, dtype=np.int64)
    elif len(acc.privilege_day) != n_acc:
        raise InvalidInput(
            "batch.privilege_count",
            "ستون استفاده از امتیاز با شمار حساب‌های بخش نمی‌خواند.",
            "The partition's privilege-use column does not match its accounts.",
        )
    else:
        used_on = acc.privilege_day.astype(np.int64)
        used_on = np.where((used_on >= 0) & (used_on <= as_of), used_on, NO_DAY)
    used = used_on >= 0
    amount_ent = np.where(used, 0, amount_ent)
    outcome = np.where(used, PRIVILEGE_USED, outcome)
    last_m = goff[:-1] + months - 1
    with np.errstate(over="ignore"):
        balance = cs0[ev_off[1:]] - base
    structure = np.where(months > 0, struct[np.maximum(last_m, 0)], 0) if n_grid else months * 0
    eligible_on = tab.month_start(u, 12 * min_wait + 1)
    cohort = tab.first_year + ((tab.T[open_day] >> 6) // 12)

    # -- months (drop each account's month in progress) ----------------------------------------
    keep_m = np.ones(n_grid, dtype=bool)
    keep_m[goff[1:] - 1] = False
    m_struct = struct[keep_m]
    m_profit = gain[keep_m]

    return AccountResults(
        account_id=acc.account_id,
        open_day=acc.open_day,
        cohort=cohort.astype(np.int16),
        tier=acc.tier,
        completed_months=months.astype(np.int32),
        completed_years=years.astype(np.int16),
        counted_years=counted.astype(np.int16),
        balance=balance,
        profit=credited,
        structure=structure,
        average=np.where(has_y, y_avg[ly] if n_years else 0, 0),
        reference=np.where(has_y, y_ref[ly] if n_years else 0, 0),
        cap=cap,
        entitlement=amount_ent,
        outcome=outcome.astype(np.int8),
        eligible_on=eligible_on.astype(np.int32),
        privilege_used_on=used_on.astype(np.int32),
        y_account=acc.account_id[y_row],
        y_year=y_k.astype(np.int16),
        y_average=y_avg,
        y_reference=y_ref,
        y_cap=y_cap,
        y_entitlement=ent,
        y_eligible=eligible,
        m_structure=m_struct,
        m_profit=m_profit,
    )


# -- loans ----------------------------------------------------------------------------------


@dataclass
class Loans:
    loan_id: I64
    account_id: I64
    rate_e4: I64  # contract rate in 1/10,000 percent (9% → 90,000)
    n_instalments: I32
    # instalments due on or before the as-of date, sorted by loan, then number
    i_id: I64
    i_number: I32
    i_due: I32
    i_amount: I64
    i_principal: I64
    i_profit: I64
    i_paid_principal: I64
    i_paid_profit: I64
    i_paid: B  # paid_on is set
    i_penalty_accrued: I64
    i_penalty_paid: I64
    i_penalty_prior: I64
    i_penalty_from: I32  # epoch day; −1 where NULL


@dataclass
class LoanResults:
    loan_id: I64
    account_id: I64
    instalments_due: I32
    due: I64
    paid: I64
    overdue_instalments: I32
    overdue: I64
    penalty_accrued: I64
    penalty_increment: I64
    penalty_unpaid: I64
    # one row per instalment whose charge grows (what is posted)
    p_instalment: I64
    p_loan: I64
    p_due: I32
    p_increment: I64
    p_target: I64
    p_expected: I64  # penalty_accrued before (the optimistic check when posting)
    p_paid_principal: I64
    p_paid_profit: I64


def _seg_sum(x: npt.NDArray[Any], off: I64) -> I64:
    cs = np.zeros(len(x) + 1, dtype=np.int64)
    np.cumsum(x, out=cs[1:])
    return cs[off[1:]] - cs[off[:-1]]


def late_charges(overdue: I64, rate_e4: I64, days: I64, day_count: int) -> I64:
    """``finance.late_penalty`` vectorised: ``floor(overdue·R·days / (10^6·day_count))``
    with ``R`` the yearly rate (contract + points) in 1/10,000 percent, exact in int64."""
    den = 1_000_000 * day_count
    if len(overdue) and int((overdue * 0 + overdue).max()) >= (1 << 62) // max(
        int(rate_e4.max()), 1
    ):
        raise InvalidInput(
            "batch.overdue_too_large",
            "مبلغ معوق برای محاسبه دقیق بیش از حد بزرگ است.",
            "An overdue amount is too large for the batch's exact arithmetic.",
        )
    x = overdue * rate_e4
    q, r = np.divmod(x, den)
    return q * days + (r * days) // den


def loan_month_end(loans: Loans, ctx: Context) -> LoanResults:
    """Instalments due, overdue amounts and late charges at ``ctx.as_of``, exactly as
    ``services.loans._accrue_instalment`` brings each instalment up to that date."""
    as_of = ctx.as_of
    n_loans = len(loans.loan_id)
    off = np.zeros(n_loans + 1, dtype=np.int64)
    np.cumsum(loans.n_instalments.astype(np.int64), out=off[1:])
    if int(off[-1]) != len(loans.i_id):
        raise InvalidInput(
            "batch.instalment_count",
            "تعداد اقساط بخش با شمار ثبت‌شده وام‌ها نمی‌خواند.",
            "The partition's instalment count does not match its loans' counts.",
        )
    rate = np.repeat(loans.rate_e4 + ctx.penalty_points_e4, loans.n_instalments)
    due = loans.i_due.astype(np.int64)
    outstanding = (loans.i_principal - loans.i_paid_principal) + (
        loans.i_profit - loans.i_paid_profit
    )
    late = (due < as_of) & ~loans.i_paid & (outstanding > 0)
    start = np.where(loans.i_penalty_from >= 0, loans.i_penalty_from, due)
    days = np.where(late, as_of - start, 0)
    if bool(np.any(days < 0)):
        raise InvalidInput(
            "batch.penalty_from_future",
            "تاریخ شروع وجه التزام قسطی پس از تاریخ محاسبه است.",
            "An instalment's late charge starts after the as-of date.",
        )
    charge = late_charges(np.where(late, outstanding, 0), rate, days, ctx.day_count)
    target = loans.i_penalty_prior + charge
    inc = np.where(late, target - loans.i_penalty_accrued, 0)
    post = inc > 0
    accrued_after = np.where(post, target, loans.i_penalty_accrued)
    due_now = due <= as_of
    return LoanResults(
        loan_id=loans.loan_id,
        account_id=loans.account_id,
        instalments_due=_seg_sum(due_now, off).astype(np.int32),
        due=_seg_sum(np.where(due_now, loans.i_amount, 0), off),
        paid=_seg_sum(loans.i_paid_principal + loans.i_paid_profit, off),
        overdue_instalments=_seg_sum(late, off).astype(np.int32),
        overdue=_seg_sum(np.where(late, outstanding, 0), off),
        penalty_accrued=_seg_sum(accrued_after, off),
        penalty_increment=_seg_sum(np.where(post, inc, 0), off),
        penalty_unpaid=_seg_sum(accrued_after - loans.i_penalty_paid, off),
        p_instalment=loans.i_id[post],
        p_loan=np.repeat(loans.loan_id, loans.n_instalments)[post],
        p_due=loans.i_due[post],
        p_increment=inc[post],
        p_target=target[post],
        p_expected=loans.i_penalty_accrued[post],
        p_paid_principal=loans.i_paid_principal[post],
        p_paid_profit=loans.i_paid_profit[post],
    )
