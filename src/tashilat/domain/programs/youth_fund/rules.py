"""Youth Housing Savings Fund rules (docs/rules.md §1): deposits → monthly structures →
yearly averages → entitlement, with the cohort's terms from policy.

Pure: plain values and a policy snapshot in, a ``Decision`` out. The business date is an
argument, never the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tashilat.domain.decision import (
    Decision,
    PolicyReader,
    Provenance,
    Reason,
    Status,
    Usage,
    Warning,
)
from tashilat.domain.errors import InvalidInput, PolicyError
from tashilat.domain.jalali import (
    account_month_start,
    account_year_end,
    completed_account_years,
    format_jalali,
    jalali_year,
)
from tashilat.domain.money import round_down
from tashilat.domain.programs.youth_fund import profit
from tashilat.domain.programs.youth_fund.balances import Event as Event
from tashilat.domain.programs.youth_fund.balances import monthly_structures as monthly_structures
from tashilat.domain.programs.youth_fund.servicing import RELATIONS_FA, check_withdrawal

P = "youth_fund"
TIERS = ("tier_1", "tier_2", "tier_3")
REF_CAPS = "docs/rules.md §1.1; Bank Maskan announcement of the cohort's caps"
REF_ENTITLEMENT = "docs/rules.md §1.3 (Bank Maskan: average of each year = structure / 12)"


@dataclass(frozen=True)
class CohortTerms:
    """The terms an account keeps for life, fixed by its opening date."""

    opened_on: date
    cohort: int
    min_wait_years: int
    max_wait_years: int
    min_opening_deposit: int
    deposit_table: tuple[int, ...]
    caps: Mapping[int, tuple[int, int, int]]
    cap_cells: Mapping[str, Provenance]
    caps_provenance: Provenance
    between: str
    interpolation_unit: int
    structure_mode: str
    entitlement_mode: str
    accrual: str
    rounding_unit: int
    provenances: tuple[Provenance, ...]  # every figure above except the caps
    # the last published cohort whose terms this later cohort carries forward, if any
    carried_from: int | None = None
    # whether the profit credited to the account counts in its structures (``profit``)
    profit_counts: bool = False

    def deposit_for_year(self, k: int) -> int:
        """d_k; after the table ends the last year's amount continues."""
        return self.deposit_table[min(k, len(self.deposit_table)) - 1]


# A date after any cohort the policy data could publish: what it resolves to is the latest one.
_LATEST = date(2200, 1, 1)


def _carried(p: Provenance, published: int, cohort: int) -> Provenance:
    """The provenance of a figure published for cohort ``published`` and carried forward to a
    later ``cohort``: whatever its status for its own cohort, for this one it is assumed."""
    if p.status in (Status.ILLUSTRATIVE, Status.ASSUMED) and p.note:
        note_en, note_fa = p.note, p.note_fa or ""
    else:
        note_en, note_fa = "", ""
    return replace(
        p,
        status=Status.ILLUSTRATIVE if p.status is Status.ILLUSTRATIVE else Status.ASSUMED,
        note=f"Published for the {published} cohort and carried forward to the {cohort} "
        f"cohort, whose terms are not published. {note_en}".strip(),
        note_fa=f"برای حساب‌های {published} اعلام شده و به حساب‌های {cohort} که شرایطشان "
        f"اعلام نشده تعمیم یافته است. {note_fa}".strip(),
    )


def cohort_terms(policy: PolicyReader, opened_on: date) -> CohortTerms:
    """Resolve every cohort-keyed figure as of the opening date.

    An account opened after the last published cohort gets that cohort's terms carried
    forward (docs/rules.md §1.3), and every figure of them is then ``assumed``."""
    caps_r = policy.resolve(f"{P}.caps", opened_on)
    cohort = jalali_year(opened_on)
    latest = policy.resolve(f"{P}.caps", _LATEST).provenance.since
    published = jalali_year(caps_r.provenance.since)
    carried_from = published if caps_r.provenance.since == latest and cohort > published else None

    def mark(p: Provenance) -> Provenance:
        return p if carried_from is None else _carried(p, published, cohort)

    u = Usage()

    def get(path: str, *, by_cohort: bool = False) -> Any:
        r = policy.resolve(f"{P}.{path}", opened_on)
        u.add(mark(r.provenance) if by_cohort else r.provenance)
        return r.value

    caps: dict[int, tuple[int, int, int]] = {
        int(year): (int(t["tier_1"]), int(t["tier_2"]), int(t["tier_3"]))
        for year, t in caps_r.value.items()
    }
    return CohortTerms(
        opened_on=opened_on,
        cohort=cohort,
        min_wait_years=int(get("min_wait_years", by_cohort=True)),
        max_wait_years=int(get("max_wait_years", by_cohort=True)),
        min_opening_deposit=int(get("min_opening_deposit", by_cohort=True)),
        deposit_table=tuple(int(v) for v in get("deposit_table", by_cohort=True)),
        caps=caps,
        cap_cells={k: mark(v) for k, v in caps_r.cells.items()},
        caps_provenance=mark(caps_r.provenance),
        between=str(get("cap_between_points", by_cohort=True)),
        interpolation_unit=int(get("cap_interpolation_unit")),
        structure_mode=str(get("monthly_structure")),
        entitlement_mode=str(get("entitlement_mode")),
        accrual=str(get("entitlement_accrual")),
        rounding_unit=int(get("entitlement_rounding_unit")),
        profit_counts=bool(get("profit_counts_toward_averages")),
        provenances=u.provenances,
        carried_from=carried_from,
    )


def carried_forward_warning(terms: CohortTerms) -> tuple[Warning, ...]:
    """The warning an answer carries when the cohort's terms are a later cohort's, carried
    forward (empty otherwise)."""
    if terms.carried_from is None:
        return ()
    return (
        Warning(
            code="youth_fund.terms_carried_forward",
            message_fa=f"شرایط حساب‌های افتتاح‌شده در {terms.cohort} اعلام نشده است؛ شرایط "
            f"حساب‌های {terms.carried_from} (حداقل و حداکثر مدت انتظار، سقف‌ها، حداقل مبلغ "
            "افتتاح و جدول واریز) فرض شده است.",
            message_en=f"The terms of accounts opened in {terms.cohort} are not published; the "
            f"{terms.carried_from} cohort's terms (waits, caps, minimum opening deposit and "
            "deposit table) are carried forward and assumed.",
            parameter=f"{P}.caps",
            status=Status.ASSUMED,
        ),
    )


# -- balances -------------------------------------------------------------------------------


def check_history(policy: PolicyReader, terms: CohortTerms, events: Iterable[Event]) -> None:
    """Refuse a history the bank would not have accepted, with the rules the account services
    apply (docs/rules.md §1.3): a deposit on the opening day of at least the cohort's minimum
    opening deposit, no withdrawal that takes the balance below that floor, never a negative
    balance. The error names the offending movement."""
    # movements are numbered as given, and replayed in date order (same-day ones as given)
    evs = sorted(enumerate(events, start=1), key=lambda ne: ne[1].on)
    opened = terms.opened_on
    when = format_jalali(opened)
    first_day = sum(e.amount for _, e in evs if e.on == opened and e.amount > 0)
    floor = terms.min_opening_deposit
    if first_day == 0:
        raise InvalidInput(
            "youth_fund.no_opening_deposit",
            f"در روز افتتاح حساب ({when}) واریزی ثبت نشده است؛ حساب با واریز دست‌کم "
            f"{floor:,} ریال در همان روز افتتاح می‌شود.",
            f"There is no deposit on the opening day ({when}); the account is opened with a "
            f"deposit of at least {floor:,} rial that day.",
            field="deposit",
        )
    if first_day < floor:
        raise InvalidInput(
            "youth_fund.opening_deposit_too_low",
            f"واریز روز افتتاح ({when}: {first_day:,} ریال) کمتر از حداقل مبلغ افتتاح حساب "
            f"({floor:,} ریال) است.",
            f"The opening-day deposit ({when}: {first_day:,} rial) is below the minimum "
            f"opening deposit ({floor:,} rial).",
            field="deposit",
        )
    balance = 0
    for n, e in evs:
        day = format_jalali(e.on)
        if e.amount < 0:
            d = check_withdrawal(
                policy, opened_on=opened, balance=balance, amount=-e.amount, on=e.on
            )
            if d.outcome != "accepted" and balance + e.amount >= 0:
                raise InvalidInput(
                    "youth_fund.withdrawal_below_floor",
                    f"تراکنش {n} (برداشت {-e.amount:,} ریال در {day}) مانده را از "
                    f"{balance:,} به {balance + e.amount:,} ریال، کمتر از حداقل مانده "
                    f"({floor:,} ریال)، می‌رساند؛ بانک چنین برداشتی را نمی‌پذیرد.",
                    f"Movement {n} (a withdrawal of {-e.amount:,} rial on {day}) takes the "
                    f"balance from {balance:,} to {balance + e.amount:,} rial, below the "
                    f"floor of {floor:,} rial; the bank refuses such a withdrawal.",
                    field="deposit",
                )
        balance += e.amount
        if balance < 0:
            raise InvalidInput(
                "youth_fund.negative_balance",
                f"تراکنش {n} (برداشت {-e.amount:,} ریال در {day}) مانده را منفی می‌کند "
                f"({balance:,} ریال)؛ مانده حساب هرگز منفی نمی‌شود.",
                f"Movement {n} (a withdrawal of {-e.amount:,} rial on {day}) makes the "
                f"balance negative ({balance:,} rial); an account balance is never negative.",
                field="deposit",
            )


def structures_with_profit(
    policy: PolicyReader,
    terms: CohortTerms,
    events: Iterable[Event],
    structures: Sequence[int],
    usage: Usage,
) -> list[int]:
    """The structures with the profit credited to the account in each month
    (``youth_fund.profit_counts_toward_averages``; ``profit`` has the rule)."""
    n = len(structures)
    _, provenances = profit.month_rates(policy, terms.opened_on, n)
    usage.extend(provenances)
    months = profit.monthly_profits(policy, terms.opened_on, events, n)
    return profit.with_profit(structures, [m.profit_rial for m in months])


def yearly_averages(structures: Sequence[int]) -> list[int]:
    """a_k = floor(sum of s_i over year k / 12), for each complete year (sourced formula)."""
    return [sum(structures[12 * k : 12 * k + 12]) // 12 for k in range(len(structures) // 12)]


def reference_averages(terms: CohortTerms, years: int) -> list[int]:
    """r_k: the yearly average of a holder who deposits exactly d_k on the first day of every
    month: ``12·(d_1+…+d_{k-1}) + 6.5·d_k`` (floored like a_k, so a follower's ratio is 1)."""
    out: list[int] = []
    before = 0
    for k in range(1, years + 1):
        d = terms.deposit_for_year(k)
        out.append((24 * before + 13 * d) // 2)
        before += d
    return out


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


# -- entitlement ----------------------------------------------------------------------------


def _entitlement_at(
    terms: CohortTerms, cap: int, averages: Sequence[int], references: Sequence[int], n: int
) -> int:
    sa, sr = sum(averages[:n]), sum(references[:n])
    if sr <= 0:
        return 0
    if terms.entitlement_mode == "all_or_nothing":
        return round_down(cap, terms.rounding_unit) if sa >= sr else 0
    if sa <= 0:
        return 0
    return round_down(cap * min(sa, sr) // sr, terms.rounding_unit)


@dataclass(frozen=True)
class YearFigures:
    year: int
    ends_on: date
    average_rial: int
    reference_average_rial: int
    cap_rial: int | None
    entitlement_rial: int
    eligible: bool
    # a plan's (None elsewhere): the savings profit credited for the year's twelve months,
    # and the balance once the last of it is credited (the next year's first day, before
    # that day's deposit)
    profit_rial: int | None = None
    balance_rial: int | None = None


def year_figures(
    terms: CohortTerms, tier: int, averages: Sequence[int], usage: Usage
) -> list[YearFigures]:
    """Figures for account years 1 … len(averages) (at most the maximum wait)."""
    years = min(len(averages), terms.max_wait_years)
    refs = reference_averages(terms, years)
    rows: list[YearFigures] = []
    best = 0
    for k in range(1, years + 1):
        eligible = k >= terms.min_wait_years
        cap_amount: int | None = None
        ent = 0
        if eligible:
            cap = cap_for_year(terms, k, tier)
            usage.extend(cap.provenance)
            cap_amount = cap.amount
            ent = _entitlement_at(terms, cap.amount, averages, refs, k)
            if terms.accrual == "keep_best":
                best = max(best, ent)
                ent = best
        rows.append(
            YearFigures(
                year=k,
                ends_on=account_year_end(terms.opened_on, k),
                average_rial=averages[k - 1],
                reference_average_rial=refs[k - 1],
                cap_rial=cap_amount,
                entitlement_rial=ent,
                eligible=eligible,
            )
        )
    return rows


@dataclass(frozen=True)
class PrivilegeUse:
    """What the bank recorded about the account's privilege: a housing loan paid out on it
    (``how="loan"``, which consumes it) or a transfer to a relative (``how="transfer"``,
    after which the entitlement is the relative's)."""

    how: str  # loan | transfer
    on: date
    loan_rial: int | None = None
    to_customer_id: int | None = None
    relation: str | None = None


@dataclass(frozen=True)
class Entitlement:
    opened_on: date
    cohort: int
    tier: int
    completed_years: int
    counted_years: int
    min_wait_years: int
    max_wait_years: int
    eligible: bool
    eligible_on: date
    cap_rial: int
    entitlement_rial: int
    years: tuple[YearFigures, ...]
    privilege_used: bool = False
    privilege_used_on: date | None = None
    privilege_used_how: str | None = None  # loan | transfer
    privilege_loan_rial: int | None = None
    remaining_rial: int | None = None  # what the holder may still borrow on this account


def with_privilege_use(
    decision: Decision[Entitlement], uses: Sequence[PrivilegeUse]
) -> Decision[Entitlement]:
    """The entitlement answer once the account's recorded privilege uses are known.

    A loan paid out on the account consumes the privilege (docs/rules.md §1.3): the answer
    says so, when, for how much, and that nothing remains to borrow on this account; whether
    a second loan may use an unused part is not published (docs/rules.md §6.3), so none is
    offered. A transfer is reported with its date and relation: the entitlement is then the
    relative's to use, not the account holder's."""
    if not uses:
        return decision
    e = decision.value
    reasons = list(decision.reasons)
    loans = [u for u in uses if u.how == "loan"]
    for u in sorted((u for u in uses if u.how == "transfer"), key=lambda u: u.on):
        rel_fa = RELATIONS_FA.get(u.relation or "", u.relation or "")
        reasons.append(
            Reason(
                "youth_fund.privilege_transferred",
                f"امتیاز این حساب در {format_jalali(u.on)} به {rel_fa} دارنده منتقل شده است؛ "
                "امتیاز محاسبه‌شده متعلق به اوست.",
                f"The account's privilege was transferred to the holder's {u.relation} on "
                f"{format_jalali(u.on)}; the entitlement is theirs to use.",
                passed=True,
                parameter=f"{P}.privilege_transfer_relatives",
                reference=REF_ENTITLEMENT,
            )
        )
    if not loans:
        last = max(uses, key=lambda u: u.on)
        value = replace(e, privilege_used_on=last.on, privilege_used_how="transfer")
        return replace(decision, value=value, reasons=tuple(reasons))
    first = min(loans, key=lambda u: u.on)
    borrowed = sum(u.loan_rial or 0 for u in loans)
    when = format_jalali(first.on)
    reasons.append(
        Reason(
            "youth_fund.privilege_used",
            f"امتیاز این حساب در {when} با پرداخت وام {borrowed:,} ریالی استفاده شده است؛ "
            "با این حساب وام دیگری قابل دریافت نیست (مانده امتیاز: ۰ ریال). موجودی حساب "
            "همچنان متعلق به دارنده است.",
            f"The account's privilege was used on {when}: a loan of {borrowed:,} rial was "
            "paid out on it. No further loan can be taken on this account (remaining: 0 "
            "rial); the balance still belongs to the holder.",
            passed=False,
            parameter=f"{P}.caps",
            reference=REF_ENTITLEMENT,
        )
    )
    value = replace(
        e,
        eligible=False,
        entitlement_rial=0,
        privilege_used=True,
        privilege_used_on=first.on,
        privilege_used_how="loan",
        privilege_loan_rial=borrowed,
        remaining_rial=0,
    )
    return replace(decision, outcome="privilege_used", value=value, reasons=tuple(reasons))


def entitlement(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    events: Iterable[Event],
    as_of: date,
    check: bool = False,
) -> Decision[Entitlement]:
    """The loan entitlement of an account at the business date ``as_of`` from its real
    history (docs/rules.md §1.3). Before the minimum wait: no entitlement, and the decision
    says when the holder becomes eligible and what the cap will be then.

    With ``check`` a history given by hand is first held to the account services' rules
    (:func:`check_history`); a ledger's history has passed them already."""
    if as_of < opened_on:
        raise InvalidInput(
            "youth_fund.as_of_before_opening",
            "تاریخ محاسبه پیش از افتتاح حساب است.",
            "The as-of date precedes the account's opening.",
        )
    terms = cohort_terms(policy, opened_on)
    events = list(events)
    if check:
        check_history(policy, terms, events)
    usage = Usage()
    usage.extend(terms.provenances)
    completed = completed_account_years(opened_on, as_of)
    counted = min(completed, terms.max_wait_years)
    evs = [e for e in events if e.on < as_of]
    structures = monthly_structures(opened_on, evs, counted * 12, terms.structure_mode)
    if terms.profit_counts:
        structures = structures_with_profit(policy, terms, evs, structures, usage)
    rows = year_figures(terms, tier, yearly_averages(structures), usage)
    eligible_on = account_month_start(opened_on, 12 * terms.min_wait_years + 1)
    reasons: list[Reason] = []
    if completed < terms.min_wait_years:
        future = cap_for_year(terms, terms.min_wait_years, tier)
        usage.extend(future.provenance)
        reasons.append(
            Reason(
                "youth_fund.min_wait",
                f"حداقل مدت انتظار {terms.min_wait_years} سال است و {completed} سال کامل "
                f"گذشته است؛ از {format_jalali(eligible_on)} با سقف "
                f"{future.amount:,} ریال واجد شرایط می‌شوید.",
                f"The minimum wait is {terms.min_wait_years} years and {completed} full "
                f"years have passed; eligible from {format_jalali(eligible_on)}, when the cap "
                f"will be {future.amount:,} rial.",
                passed=False,
                parameter=f"{P}.min_wait_years",
                reference=REF_CAPS,
            )
        )
        cap_amount, amount, outcome = future.amount, 0, "not_yet_eligible"
    else:
        last = rows[-1]
        cap_amount = last.cap_rial or 0
        amount = last.entitlement_rial
        reasons.append(
            Reason(
                "youth_fund.min_wait",
                f"حداقل مدت انتظار ({terms.min_wait_years} سال) سپری شده است.",
                f"The minimum wait ({terms.min_wait_years} years) has passed.",
                passed=True,
                parameter=f"{P}.min_wait_years",
                reference=REF_CAPS,
            )
        )
        if completed > terms.max_wait_years:
            reasons.append(
                Reason(
                    "youth_fund.frozen",
                    f"پس از حداکثر مدت انتظار ({terms.max_wait_years} سال) امتیاز افزایش نمی‌یابد.",
                    f"After the maximum wait ({terms.max_wait_years} years) the entitlement "
                    "no longer grows.",
                    passed=True,
                    parameter=f"{P}.max_wait_years",
                    reference=REF_CAPS,
                )
            )
        full = amount >= round_down(cap_amount, terms.rounding_unit)
        reasons.append(
            Reason(
                "youth_fund.savings_ratio",
                (
                    "میانگین موجودی به اندازه جدول واریز بوده و کل سقف قابل دریافت است."
                    if full
                    else f"میانگین موجودی کمتر از جدول واریز بوده؛ امتیاز {amount:,} ریال از "
                    f"سقف {cap_amount:,} ریال است."
                ),
                (
                    "Average balances kept up with the deposit table: the whole cap is available."
                    if full
                    else f"Average balances fell short of the deposit table: entitlement "
                    f"{amount:,} of the {cap_amount:,} rial cap."
                ),
                passed=full,
                parameter=f"{P}.entitlement_mode",
                reference=REF_ENTITLEMENT,
            )
        )
        outcome = "eligible" if amount > 0 else "no_entitlement"
    value = Entitlement(
        opened_on=opened_on,
        cohort=terms.cohort,
        tier=tier,
        completed_years=completed,
        counted_years=counted,
        min_wait_years=terms.min_wait_years,
        max_wait_years=terms.max_wait_years,
        eligible=outcome == "eligible",
        eligible_on=eligible_on,
        cap_rial=cap_amount,
        entitlement_rial=amount,
        years=tuple(rows),
    )
    return Decision(
        outcome=outcome,
        value=value,
        policy_hash=policy.hash,
        as_of=as_of,
        reasons=tuple(reasons),
        warnings=carried_forward_warning(terms) + usage.warnings(),
    )


# -- planning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    opened_on: date
    cohort: int
    tier: int
    min_wait_years: int
    max_wait_years: int
    monthly_rial: int | None
    share_percent: int | None
    lump_sum_rial: int
    years: tuple[YearFigures, ...]


def planned_events(
    terms: CohortTerms,
    *,
    monthly: int | None = None,
    share_percent: int | None = None,
    lump_sum: int = 0,
) -> list[Event]:
    """Deposits on the first day of every account month (a fixed amount, or the table's
    amount times a share), plus an optional lump sum on the opening day."""
    events: list[Event] = []
    if lump_sum:
        events.append(Event(terms.opened_on, lump_sum))
    for i in range(1, 12 * terms.max_wait_years + 1):
        if monthly is not None:
            amount = monthly
        elif share_percent is not None:
            amount = terms.deposit_for_year((i - 1) // 12 + 1) * share_percent // 100
        else:
            amount = 0
        if amount:
            events.append(Event(account_month_start(terms.opened_on, i), amount))
    return events


def plan(
    policy: PolicyReader,
    *,
    opened_on: date,
    tier: int,
    monthly: int | None = None,
    share_percent: int | None = None,
    lump_sum: int = 0,
) -> Decision[Plan]:
    """Simulate deposits from opening to the maximum wait and show, for each account year,
    the averages, the cap and the entitlement (``tashilat youth-fund plan``)."""
    if monthly is not None and share_percent is not None:
        raise InvalidInput(
            "plan.conflict",
            "یا مبلغ ماهانه بدهید یا پیروی از جدول، نه هر دو.",
            "Give either a monthly amount or follow the table, not both.",
        )
    if share_percent is not None and not 0 < share_percent <= 1000:
        raise InvalidInput(
            "plan.share",
            "درصد پیروی از جدول باید بین ۱ و ۱۰۰۰ باشد.",
            "The share of the table must be between 1 and 1000 percent.",
            field="share",
        )
    if monthly is None and share_percent is None and not lump_sum:
        raise InvalidInput(
            "plan.no_deposits",
            "هیچ واریزی مشخص نشده است (مبلغ ماهانه، پیروی از جدول یا واریز یکجا).",
            "No deposits given (a monthly amount, following the table, or a lump sum).",
        )
    terms = cohort_terms(policy, opened_on)
    usage = Usage()
    usage.extend(terms.provenances)
    events = planned_events(terms, monthly=monthly, share_percent=share_percent, lump_sum=lump_sum)
    first_day = sum(e.amount for e in events if e.on == opened_on)
    if first_day < terms.min_opening_deposit:
        raise InvalidInput(
            "youth_fund.opening_deposit_too_low",
            f"واریز روز افتتاح ({first_day:,} ریال) کمتر از حداقل مبلغ افتتاح حساب "
            f"({terms.min_opening_deposit:,} ریال) است.",
            f"The opening-day deposit ({first_day:,} rial) is below the minimum opening "
            f"deposit ({terms.min_opening_deposit:,} rial).",
            field="monthly",
        )
    n = 12 * terms.max_wait_years
    structures = monthly_structures(opened_on, events, n, terms.structure_mode)
    _, rate_provenances = profit.month_rates(policy, opened_on, n)
    usage.extend(rate_provenances)
    gains = [m.profit_rial for m in profit.monthly_profits(policy, opened_on, events, n)]
    if terms.profit_counts:
        structures = profit.with_profit(structures, gains)
    closing = monthly_structures(opened_on, events, n, "closing_balance")
    rows = [
        replace(
            r,
            profit_rial=sum(gains[12 * r.year - 12 : 12 * r.year]),
            balance_rial=closing[12 * r.year - 1] + sum(gains[: 12 * r.year]),
        )
        for r in year_figures(terms, tier, yearly_averages(structures), usage)
    ]
    value = Plan(
        opened_on=opened_on,
        cohort=terms.cohort,
        tier=tier,
        min_wait_years=terms.min_wait_years,
        max_wait_years=terms.max_wait_years,
        monthly_rial=monthly,
        share_percent=share_percent,
        lump_sum_rial=lump_sum,
        years=tuple(rows),
    )
    return Decision(
        outcome="planned",
        value=value,
        policy_hash=policy.hash,
        as_of=opened_on,
        warnings=carried_forward_warning(terms) + usage.warnings(),
    )
