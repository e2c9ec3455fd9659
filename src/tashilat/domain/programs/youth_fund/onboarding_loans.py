"""Bringing a bank's disbursed youth-fund housing loans in (docs/onboarding.md, "loans"):
every row of a loan file checked by the rules the loan services apply (docs/rules.md
§1.3–1.4). Pure: rows, the accounts as the database holds them and the business date in;
typed loans with their schedule, or the reasons they are refused, out.

* A **loan** row on its own: the account number, the bank's loan reference, a disbursement
  date that exists and is not after the business date, a whole-rial principal and appraisal,
  a whole number of months, a repayment method and the number of instalments repaid.
* With its **account** (``Account``, loaded set-based by the store): the account exists and
  is open, no loan has used its privilege or is in progress on it, the loan is not dated
  before the account was opened, and the loan offer rule (``servicing.loan_offer``) holds on
  the account's entitlement at the disbursement date (``entitlement.entitlement`` on its real
  history): the principal within the entitlement and the share of the appraisal, the term
  and the method the cohort's. The schedule is the one the disbursement service would build
  that day, and the instalments said to be repaid must have fallen due by the business date.
* A row repeating an earlier row's reference or account is refused as a duplicate (one loan
  per account).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tashilat.domain.decision import PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.finance import Schedule
from tashilat.domain.jalali import format_jalali, parse_jalali
from tashilat.domain.money import parse_rial
from tashilat.domain.programs.youth_fund.balances import Event
from tashilat.domain.programs.youth_fund.entitlement import entitlement
from tashilat.domain.programs.youth_fund.onboarding import (
    Reject,
    duplicates,
    key_field,
    reject,
    text_field,
)
from tashilat.domain.programs.youth_fund.servicing import loan_offer
from tashilat.domain.text import strip_number

LOAN_COLUMNS = (
    "number",
    "reference",
    "disbursed_on",
    "principal",
    "months",
    "method",
    "appraisal",
    "repaid",
)
_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/]{0,39}$")
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_:./]{0,99}$")
_COUNT = re.compile(r"^[0-9]{1,4}$")


@dataclass(frozen=True)
class LoanFields:
    """A loan row checked on its own (the account's rules come with the account)."""

    line: int
    number: str
    reference: str
    disbursed_on: date
    principal: int
    months: int
    method: str
    appraisal: int
    repaid: int  # instalments repaid in full, the oldest first


@dataclass(frozen=True)
class Account:
    """A youth-fund account a loan file names, as the database holds it."""

    opened_on: date
    tier: int
    status: str
    privilege_used: bool
    history: tuple[Event, ...]  # the holder's own movements (profit credits left out)
    loans: tuple[tuple[str, str], ...]  # (status, import key or "") of its loans


@dataclass(frozen=True)
class LoanRow:
    """A loan ready to load: its fields, the cohort's rate and the schedule from the
    disbursement date."""

    fields: LoanFields
    rate_percent: Decimal
    schedule: Schedule

    @property
    def settled(self) -> bool:
        return self.fields.repaid == self.fields.months

    @property
    def paid(self) -> tuple[int, int]:
        """(principal, profit) of the instalments repaid."""
        done = self.schedule.instalments[: self.fields.repaid]
        return sum(i.principal for i in done), sum(i.profit for i in done)


def loan_request_id(reference: str) -> str:
    """The disbursement entry of an imported loan: the bank's own loan reference, so a
    rerun finds it (it also marks the loan row, in its ``decision_note``)."""
    return f"import:loan:{reference}"


def repaid_request_id(reference: str, part: str) -> str:
    """The entry of what was repaid before the import (``principal`` or ``profit``)."""
    return f"import:loan:{reference}:repaid:{part}"


def _count(row: Mapping[str, str], field: str) -> int:
    value = strip_number(text_field(row, field))
    if not _COUNT.match(value):
        raise InvalidInput(
            "import.bad_count",
            f"«{value[:20]}» در ستون «{field}» عدد صحیح نامنفی نیست.",
            f"'{value[:20]}' in column '{field}' is not a whole number of zero or more.",
            field=field,
        )
    return int(value)


def loan_fields(line: int, row: Mapping[str, str], business_date: date) -> LoanFields:
    """One loan row on its own; raises ``InvalidInput`` naming the first problem."""
    number = key_field(row, "number", _NUMBER)
    reference = key_field(row, "reference", _REFERENCE)
    on = parse_jalali(text_field(row, "disbursed_on"), field="disbursed_on")
    if on > business_date:
        raise InvalidInput(
            "import.future_date",
            f"تاریخ پرداخت {format_jalali(on)} پس از تاریخ کاری "
            f"({format_jalali(business_date)}) است.",
            f"The disbursement date {format_jalali(on)} is after the business date "
            f"({format_jalali(business_date)}).",
            field="disbursed_on",
        )
    principal = parse_rial(text_field(row, "principal"), field="principal", allow_zero=False)
    months = _count(row, "months")
    method = text_field(row, "method").lower()
    appraisal = parse_rial(text_field(row, "appraisal"), field="appraisal", allow_zero=False)
    repaid = _count(row, "repaid")
    if repaid > months:
        raise InvalidInput(
            "import.repaid_above_term",
            f"{repaid} قسط بازپرداخت‌شده بیش از {months} قسط وام است.",
            f"{repaid} instalments repaid is more than the loan's {months}.",
            field="repaid",
        )
    return LoanFields(line, number, reference, on, principal, months, method, appraisal, repaid)


def duplicate_loans(rows: Sequence[LoanFields]) -> tuple[set[int], list[Reject]]:
    """Rows repeating an earlier row's reference, or a second loan on an earlier row's
    account (one loan per account): their lines and rejects."""
    by_ref, more = duplicates((r.line, ("reference", r.reference)) for r in rows)
    by_acc, rest = duplicates((r.line, ("number", r.number)) for r in rows if r.line not in by_ref)
    return by_ref | by_acc, more + rest


def _refuse(line: int, code: str, fa: str, en: str) -> list[Reject]:
    return [Reject(line, code, fa, en)]


def check_loan(
    policy: PolicyReader, row: LoanFields, account: Account | None, business_date: date
) -> LoanRow | list[Reject]:
    """A loan row against its account and the loan rules; the loan, or every reason it is
    refused. A row whose loan an earlier run loaded is not asked here (the job skips it)."""
    n = row.number
    if account is None:
        return _refuse(
            row.line,
            "import.unknown_account",
            f"حساب {n} در پایگاه داده ندارد.",
            f"Account {n} is not in the database.",
        )
    if account.status != "open":
        return _refuse(row.line, "account.closed", f"حساب {n} بسته است.", f"Account {n} is closed.")
    if account.privilege_used or any(s != "rejected" for s, _ in account.loans):
        return _refuse(
            row.line,
            "privilege.used",
            f"امتیاز حساب {n} با وام دیگری استفاده شده یا وامی برای آن در جریان است.",
            f"Account {n}'s privilege is used, or another loan on it is in progress.",
        )
    if row.disbursed_on < account.opened_on:
        return _refuse(
            row.line,
            "import.before_opening",
            f"تاریخ پرداخت {format_jalali(row.disbursed_on)} پیش از افتتاح حساب "
            f"({format_jalali(account.opened_on)}) است.",
            f"The disbursement date {format_jalali(row.disbursed_on)} is before the account "
            f"was opened ({format_jalali(account.opened_on)}).",
        )
    ent = entitlement(
        policy,
        opened_on=account.opened_on,
        tier=account.tier,
        events=account.history,
        as_of=row.disbursed_on,
    )
    if ent.outcome == "not_yet_eligible":
        return [
            Reject(row.line, r.code, r.message_fa, r.message_en)
            for r in ent.reasons
            if not r.passed
        ]
    offer = loan_offer(
        policy,
        opened_on=account.opened_on,
        entitlement_rial=ent.value.entitlement_rial,
        appraisal_rial=row.appraisal,
        requested_rial=row.principal,
        months=row.months,
        method=row.method,
        on=row.disbursed_on,
        start=row.disbursed_on,
    )
    schedule = offer.value.schedule
    if offer.outcome != "offered" or schedule is None:
        return [
            Reject(row.line, r.code, r.message_fa, r.message_en)
            for r in offer.reasons
            if not r.passed
        ]
    if row.repaid:
        due = schedule.instalments[row.repaid - 1].due
        assert due is not None  # the schedule starts on the disbursement date
        if due > business_date:
            return _refuse(
                row.line,
                "import.repaid_ahead",
                f"قسط {row.repaid} در {format_jalali(due)} سررسید می‌شود، پس از تاریخ کاری "
                f"({format_jalali(business_date)})؛ پیش‌پرداخت را پس از ورود ثبت کنید.",
                f"Instalment {row.repaid} falls due on {format_jalali(due)}, after the "
                f"business date ({format_jalali(business_date)}); record a prepayment after "
                "the import.",
            )
    return LoanRow(row, offer.value.rate_percent, schedule)


def parse_loans(
    raw: Sequence[tuple[int, Mapping[str, str]]], business_date: date
) -> tuple[list[LoanFields], list[Reject]]:
    """The rows on their own, duplicates refused: (good rows, rejects)."""
    good: list[LoanFields] = []
    rejects: list[Reject] = []
    for line, r in raw:
        try:
            good.append(loan_fields(line, r, business_date))
        except InvalidInput as exc:
            rejects.append(reject(line, exc))
    dup, more = duplicate_loans(good)
    return [r for r in good if r.line not in dup], rejects + more
