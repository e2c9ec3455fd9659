"""Youth Housing Savings Fund servicing: customers, accounts, deposits, withdrawals,
statements, entitlements, transfer of the privilege, closing (docs/rules.md §1).

Accounts, entitlements and the privilege are here; customers are in ``youth_customers`` and
the movements (deposit, withdrawal, statement, closing) in ``youth_movements``. Callers use
every name through this module (``youth.deposit(...)``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from tashilat.data import load_city_index
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import format_jalali, jalali_year
from tashilat.domain.ledger import transfer
from tashilat.domain.programs.youth_fund.cities import tier_of
from tashilat.domain.programs.youth_fund.profit import LEDGER_KIND as PROFIT_KIND
from tashilat.domain.programs.youth_fund.rules import (
    Entitlement,
    Event,
    PrivilegeUse,
    entitlement,
    with_privilege_use,
)
from tashilat.domain.programs.youth_fund.servicing import (
    check_holder,
    check_transfer,
)
from tashilat.services import calendar, ledger
from tashilat.services.auth import Actor, require, require_branch
from tashilat.services.errors import Conflict, Refused, not_found, refused_from
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.youth import (
    AccountRecord,
    NewAccount,
    PrivilegeTransferRecord,
)
from tashilat.services.youth_access import _account, _account_on, _require_open
from tashilat.services.youth_customers import create_customer, get_customer, list_customers
from tashilat.services.youth_movements import (
    Movement,
    StatementLine,
    close_account,
    deposit,
    statement,
    withdraw,
)

# -- accounts -------------------------------------------------------------------------------


def open_account(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    customer_id: int,
    city: str,
    opening_deposit: int,
    request_id: str,
) -> AccountRecord:
    """Open an account dated the business date: cohort from that date, tier from the city,
    the opening deposit at least the cohort's minimum, the holder 18 or with a guardian."""
    require(actor, "accounts.write")
    found = load_city_index().lookup(city)
    with uow:
        on = calendar.current(uow)
        cust = uow.customers.get(customer_id)
        if cust is None:
            raise not_found("customer", "مشتری", customer_id)
        require_branch(actor, cust.branch_id)
        guardian = uow.customers.get(cust.guardian_id) if cust.guardian_id else None
        holder = check_holder(
            policy,
            birth_date=cust.birth_date,
            on=on,
            guardian_birth_date=guardian.birth_date if guardian else None,
        )
        if holder.outcome != "accepted":
            raise refused_from(holder, "account.holder_refused")
        floor = int(policy.resolve("youth_fund.min_opening_deposit", on).value)
        if opening_deposit < floor:
            raise Refused(
                "account.opening_deposit_too_low",
                f"حداقل مبلغ افتتاح حساب {floor:,} ریال است ({opening_deposit:,} ریال داده شد).",
                f"The minimum opening deposit is {floor:,} rial ({opening_deposit:,} given).",
            )
        tier = tier_of(policy, found, on).tier
        if ledger.find_entry(uow, request_id):
            raise Conflict(
                "request.duplicate",
                "این درخواست قبلاً انجام شده است.",
                "This request was already done.",
            )
        branch_code = uow.customers.branch_code(cust.branch_id)
        assert branch_code is not None
        number = uow.accounts.next_number(f"{jalali_year(on)}-{branch_code}")
        la = ledger.ensure_account(uow, f"YF:{number}", f"Youth fund deposit {number}", "liability")
        acc = uow.accounts.add(
            NewAccount(
                number=number,
                customer_id=cust.id,
                branch_id=cust.branch_id,
                ledger_account_id=la.id,
                opened_on=on,
                cohort=jalali_year(on),
                city=f"{found.name_fa} ({found.name_en})",
                tier=tier,
                balance=opening_deposit,
                min_balance=floor,
            )
        )
        ledger.post(
            uow,
            transfer(
                request_id,
                "youth.open",
                on,
                debit=ledger.SETTLEMENT,
                credit=la.code,
                amount=opening_deposit,
                memo=f"opening deposit {number}",
            ),
            user_id=actor.user_id or None,
        )
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="accounts.open",
            target=f"account:{acc.id}",
            request_id=request_id,
            outcome="ok",
            detail=f"{opening_deposit}",
        )
        uow.commit()
        return acc


def get_account(uow: UnitOfWork, actor: Actor, account_id: int) -> AccountRecord:
    require(actor, "accounts.read")
    with uow:
        return _account(uow, actor, account_id)


def list_accounts(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int, customer_id: int | None = None
) -> tuple[list[AccountRecord], int]:
    require(actor, "accounts.read")
    owners: list[int | None] = []
    branch: int | None = None
    if actor.role == "customer":
        owners.append(actor.customer_id if actor.customer_id is not None else -1)
    elif not actor.bank_wide:
        branch = actor.branch_id if actor.branch_id is not None else -1
    if customer_id is not None:
        owners.append(customer_id)
    with uow:
        return uow.accounts.page(offset=offset, limit=limit, customer_ids=owners, branch_id=branch)


class OnLedger(Protocol):
    """An account with its own ledger account (a youth-fund account's record or row)."""

    @property
    def ledger_account_id(self) -> int: ...


def events_of(uow: UnitOfWork, acc: OnLedger) -> list[Event]:
    """The holder's own movements: the profit credited to the account is left out, since
    the rules compute it (``youth_fund.profit``) and count it only where the policy says."""
    return [
        Event(m.business_date, -m.amount)
        for m in uow.ledger.movements(acc.ledger_account_id)
        if m.kind != PROFIT_KIND
    ]


def account_entitlement(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    account_id: int,
    *,
    as_of: date | None = None,
) -> tuple[AccountRecord, Decision[Entitlement]]:
    """The Foundation rule on the account's real history at the business date."""
    require(actor, "accounts.read")
    with uow:
        acc, today = _account_on(uow, actor, account_id)
        on = as_of or today
        if on > today:
            raise InvalidInput(
                "entitlement.future",
                f"تاریخ {format_jalali(on)} پس از تاریخ کاری ({format_jalali(today)}) است.",
                f"{format_jalali(on)} is after the business date ({format_jalali(today)}).",
                field="as_of",
            )
        decision = entitlement(
            policy, opened_on=acc.opened_on, tier=acc.tier, events=events_of(uow, acc), as_of=on
        )
        return acc, with_privilege_use(decision, privilege_uses(uow, acc, on))


def privilege_uses(uow: UnitOfWork, acc: AccountRecord, on: date) -> list[PrivilegeUse]:
    """The loans paid out on the account and the transfers of its privilege, up to ``on``."""
    paid = uow.accounts.loans_paid_out(acc.id, on)
    moved = uow.accounts.transfers(acc.id, on)
    return [PrivilegeUse("loan", d, loan_rial=p) for d, p in paid] + [
        PrivilegeUse(
            "transfer", t.business_date, to_customer_id=t.to_customer_id, relation=t.relation
        )
        for t in moved
    ]


@dataclass(frozen=True)
class Structures:
    account: AccountRecord
    as_of: date
    months: list[tuple[int, date, int]]  # (month number, first day, structure)
    yearly_averages: list[int]
    mode: str


def account_structures(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    account_id: int,
    *,
    as_of: date | None = None,
) -> Structures:
    """The month-end view from the ledger: each complete account month's structure and each
    complete year's average, at any business date (docs/rules.md §1.3)."""
    from tashilat.domain.jalali import account_month_start, completed_account_months
    from tashilat.domain.programs.youth_fund import profit
    from tashilat.domain.programs.youth_fund.rules import monthly_structures, yearly_averages

    require(actor, "accounts.read")
    with uow:
        acc, today = _account_on(uow, actor, account_id)
        on = as_of or today
        if on > today:
            raise InvalidInput(
                "structures.future",
                f"تاریخ {format_jalali(on)} پس از تاریخ کاری است.",
                f"{format_jalali(on)} is after the business date.",
                field="as_of",
            )
        mode = str(policy.resolve("youth_fund.monthly_structure", acc.opened_on).value)
        n = completed_account_months(acc.opened_on, on)
        events = [e for e in events_of(uow, acc) if e.on < on]
        values = monthly_structures(acc.opened_on, events, n, mode)
        if profit.profit_counts(policy, acc.opened_on):
            gains = [
                m.profit_rial for m in profit.monthly_profits(policy, acc.opened_on, events, n)
            ]
            values = profit.with_profit(values, gains)
        months = [
            (i + 1, account_month_start(acc.opened_on, i + 1), v) for i, v in enumerate(values)
        ]
        return Structures(acc, on, months, yearly_averages(values), mode)


def transfer_privilege(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    account_id: int,
    to_national_id: str,
    relation: str,
    request_id: str = "",
) -> PrivilegeTransferRecord:
    require(actor, "accounts.write")
    nid = parse_national_id(to_national_id, field="to_national_id")
    with uow:
        acc = _account(uow, actor, account_id, lock=True)
        _require_open(acc)
        on = calendar.current(uow)
        decision = check_transfer(
            policy, relation=relation, on=on, privilege_used=acc.privilege_used
        )
        if decision.outcome != "accepted":
            raise refused_from(decision, "transfer.refused")
        to = uow.customers.by_national_id(nid)
        if to is None:
            raise not_found("customer", "مشتری", nid)
        if to.id == acc.privilege_holder_id:
            raise Conflict(
                "transfer.same_holder",
                "امتیاز هم‌اکنون از آنِ همین فرد است.",
                "The privilege already belongs to this person.",
            )
        t = uow.accounts.transfer_privilege(
            account_id=acc.id,
            from_customer_id=acc.privilege_holder_id,
            to_customer_id=to.id,
            relation=relation,
            business_date=on,
            created_by=actor.user_id or None,
        )
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="accounts.transfer_privilege",
            target=f"account:{acc.id}",
            request_id=request_id,
            outcome="ok",
            detail=f"{relation}->{to.id}",
        )
        uow.commit()
        return t


__all__ = [
    "Movement",
    "StatementLine",
    "Structures",
    "account_entitlement",
    "account_structures",
    "close_account",
    "create_customer",
    "deposit",
    "events_of",
    "get_account",
    "get_customer",
    "list_accounts",
    "list_customers",
    "open_account",
    "privilege_uses",
    "statement",
    "transfer_privilege",
    "withdraw",
]
