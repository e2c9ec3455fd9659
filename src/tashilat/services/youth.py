"""Youth Housing Savings Fund servicing: customers, accounts, deposits, withdrawals,
statements, entitlements, transfer of the privilege, closing (docs/rules.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from tashilat.data import load_city_index
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import format_jalali, jalali_year
from tashilat.domain.ledger import DuplicateRequest, transfer
from tashilat.domain.money import MAX_BALANCE_RIAL
from tashilat.domain.people import check_birth_date
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
    check_withdrawal,
)
from tashilat.services import calendar, ledger
from tashilat.services.auth import Actor, require, require_branch, require_owner
from tashilat.services.errors import Conflict, Refused, not_found, refused_from
from tashilat.services.ports import UnitOfWork
from tashilat.services.ports.youth import (
    AccountRecord,
    CustomerRecord,
    NewAccount,
    PrivilegeTransferRecord,
)

# -- customers ------------------------------------------------------------------------------


def _customer_exists(nid: str) -> Conflict:
    return Conflict(
        "customer.exists",
        f"مشتری با کد ملی {nid} وجود دارد.",
        f"A customer with national ID {nid} exists.",
        field="national_id",
    )


def create_customer(
    uow: UnitOfWork,
    actor: Actor,
    *,
    national_id: str,
    name: str,
    birth_date: date,
    branch_id: int | None = None,
    guardian_national_id: str | None = None,
    request_id: str = "",
) -> CustomerRecord:
    require(actor, "customers.write")
    nid = parse_national_id(national_id)
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(
            "customer.name", "نام مشتری خالی است.", "The customer's name is empty.", field="name"
        )
    branch = branch_id if branch_id is not None else actor.branch_id
    if branch is None:
        raise InvalidInput(
            "customer.branch", "شعبه مشخص نیست.", "No branch given.", field="branch_id"
        )
    require_branch(actor, branch)
    with uow:
        if uow.customers.branch_code(branch) is None:
            raise not_found("branch", "شعبه", branch)
        check_birth_date(birth_date, calendar.current(uow))
        if uow.customers.by_national_id(nid) is not None:
            raise _customer_exists(nid)
        guardian_id = None
        if guardian_national_id:
            gid = parse_national_id(guardian_national_id, field="guardian_national_id")
            guardian = uow.customers.by_national_id(gid)
            if guardian is None:
                raise not_found("guardian", "ولی", gid)
            guardian_id = guardian.id
        c = uow.customers.add(
            national_id=nid,
            name=name,
            birth_date=birth_date,
            guardian_id=guardian_id,
            branch_id=branch,
            created_at=datetime.now(UTC),
        )
        if c is None:  # created by a concurrent request between the check above and now
            raise _customer_exists(nid)
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="customers.create",
            target=f"customer:{c.id}",
            request_id=request_id,
            outcome="ok",
        )
        uow.commit()
        return c


def get_customer(uow: UnitOfWork, actor: Actor, customer_id: int) -> CustomerRecord:
    require(actor, "customers.read")
    with uow:
        c = uow.customers.get(customer_id)
        if c is None:
            raise not_found("customer", "مشتری", customer_id)
        require_owner(actor, c.id)
        require_branch(actor, c.branch_id)
        return c


def list_customers(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int
) -> tuple[list[CustomerRecord], int]:
    require(actor, "customers.read")
    with uow:
        if actor.role == "customer":
            # a customer without a customer record sees nobody (no id is -1)
            only = actor.customer_id if actor.customer_id is not None else -1
            return uow.customers.page(offset=offset, limit=limit, customer_id=only)
        if not actor.bank_wide:
            branch = actor.branch_id if actor.branch_id is not None else -1
            return uow.customers.page(offset=offset, limit=limit, branch_id=branch)
        return uow.customers.page(offset=offset, limit=limit)


# -- accounts -------------------------------------------------------------------------------


def _account(
    uow: UnitOfWork, actor: Actor, account_id: int, *, lock: bool = False
) -> AccountRecord:
    acc = uow.accounts.get(account_id, lock=lock)
    if acc is None:
        raise not_found("account", "حساب", account_id)
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc


def _account_on(uow: UnitOfWork, actor: Actor, account_id: int) -> tuple[AccountRecord, date]:
    """The account and the business date in one query (the hot path of every movement)."""
    row = uow.accounts.get_with_business_date(account_id)
    if row is None:
        _account(uow, actor, account_id)  # raises the precise error
        calendar.current(uow)
        raise AssertionError("unreachable")
    acc, on = row
    if on is None:
        on = calendar.current(uow)  # raises: the business date is not set
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc, on


def _require_room(acc: AccountRecord, amount: int) -> None:
    """A balance stays within :data:`MAX_BALANCE_RIAL` (checked again by the database on
    PostgreSQL, so that concurrent deposits cannot pass it either)."""
    if acc.balance + amount > MAX_BALANCE_RIAL:
        raise InvalidInput(
            "balance.too_large",
            f"با این واریز موجودی حساب از سقف {MAX_BALANCE_RIAL:,} ریال بیشتر می‌شود.",
            f"This deposit would take the balance above the ceiling of {MAX_BALANCE_RIAL:,} rial.",
            field="amount",
        )


def _require_open(acc: AccountRecord) -> None:
    if acc.status != "open":
        raise Conflict(
            "account.closed", f"حساب {acc.number} بسته است.", f"Account {acc.number} is closed."
        )


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


@dataclass(frozen=True)
class Movement:
    """The result of a deposit or withdrawal (or its earlier result, for a retry)."""

    account_id: int
    request_id: str
    amount: int
    balance: int
    business_date: date
    replayed: bool


def _replay(
    uow: UnitOfWork, account: AccountRecord, request_id: str, amount: int, kind: str
) -> Movement:
    """The request was posted before: answer as then, or refuse a different body."""
    entry = ledger.find_entry(uow, request_id)
    assert entry is not None
    posted = uow.ledger.posted_amount(entry.id, account.ledger_account_id)
    signed = -amount if kind == "youth.deposit" else amount
    if entry.kind != kind or posted != signed:
        raise Conflict(
            "idempotency.mismatch",
            "این کلید یکتا پیش‌تر برای درخواست دیگری به کار رفته است.",
            "This Idempotency-Key was used for a different request.",
        )
    now = uow.accounts.get(account.id)
    bal = now.balance if now is not None else 0
    return Movement(account.id, request_id, amount, bal, entry.business_date, True)


def deposit(
    uow: UnitOfWork, actor: Actor, *, account_id: int, amount: int, request_id: str
) -> Movement:
    """Credit the account. A retry with the same ``request_id`` posts nothing and returns the
    first result (the unique request id in the journal decides, even under concurrency)."""
    require(actor, "accounts.write")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ واریز باید مثبت باشد.",
            "A deposit must be positive.",
            field="amount",
        )
    for attempt in range(2):
        try:
            with uow:
                acc, on = _account_on(uow, actor, account_id)
                # A first attempt goes straight to the insert: the journal's unique request
                # id decides whether it is new. Only a retry (or a closed account) looks up
                # the earlier result.
                if (attempt or acc.status != "open") and ledger.find_entry(uow, request_id):
                    return _replay(uow, acc, request_id, amount, "youth.deposit")
                _require_open(acc)
                _require_room(acc, amount)
                code = f"YF:{acc.number}"
                entry = transfer(
                    request_id,
                    "youth.deposit",
                    on,
                    debit=ledger.SETTLEMENT,
                    credit=code,
                    amount=amount,
                )
                balance = uow.accounts.deposit(
                    account_id=acc.id,
                    entry=entry,
                    user_id=actor.user_id or None,
                    username=actor.username,
                )
                if balance is None:  # closed between the read and the write
                    uow.rollback()
                    raise Conflict(
                        "account.closed",
                        f"حساب {acc.number} بسته است.",
                        f"Account {acc.number} is closed.",
                    )
                uow.commit()
                return Movement(acc.id, request_id, amount, balance, on, False)
        except DuplicateRequest:
            if attempt:
                raise
    raise AssertionError("unreachable")


def withdraw(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    *,
    account_id: int,
    amount: int,
    request_id: str,
) -> Movement:
    """Debit the account unless the balance would fall below the floor. The floor is a
    CHECK constraint and the update is conditional, so concurrent withdrawals cannot pass
    it together; the rule explains the refusal."""
    require(actor, "accounts.write")
    if amount <= 0:
        raise InvalidInput(
            "amount.not_positive",
            "مبلغ برداشت باید مثبت باشد.",
            "A withdrawal must be positive.",
            field="amount",
        )
    for attempt in range(2):
        try:
            with uow:
                acc, on = _account_on(uow, actor, account_id)
                if (attempt or acc.status != "open") and ledger.find_entry(uow, request_id):
                    return _replay(uow, acc, request_id, amount, "youth.withdraw")
                _require_open(acc)
                code = f"YF:{acc.number}"
                ledger.post(
                    uow,
                    transfer(
                        request_id,
                        "youth.withdraw",
                        on,
                        debit=code,
                        credit=ledger.SETTLEMENT,
                        amount=amount,
                    ),
                    user_id=actor.user_id or None,
                )
                balance = uow.accounts.debit_above_floor(acc.id, amount)
                if balance is None:
                    uow.rollback()
                    current = uow.accounts.get(acc.id)
                    assert current is not None
                    decision = check_withdrawal(
                        policy,
                        opened_on=current.opened_on,
                        balance=current.balance,
                        amount=amount,
                        on=on,
                    )
                    raise refused_from(decision, "withdrawal.below_floor")
                uow.audit(
                    user_id=actor.user_id or None,
                    username=actor.username,
                    action="accounts.withdraw",
                    target=f"account:{acc.id}",
                    request_id=request_id,
                    outcome="ok",
                    detail=str(amount),
                )
                uow.commit()
                return Movement(acc.id, request_id, amount, balance, on, False)
        except DuplicateRequest:
            if attempt:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class StatementLine:
    entry_id: int
    business_date: date
    kind: str
    request_id: str
    amount: int  # + deposit, − withdrawal (customer's view)
    balance: int


def statement(
    uow: UnitOfWork,
    actor: Actor,
    account_id: int,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> tuple[AccountRecord, int, list[StatementLine]]:
    """Movements with a running balance; returns (account, opening balance, lines)."""
    require(actor, "accounts.read")
    with uow:
        acc = _account(uow, actor, account_id)
        running = 0
        opening = 0
        lines: list[StatementLine] = []
        for m in uow.ledger.movements(acc.ledger_account_id):
            entry_id, on, kind, rid, amount = (
                m.entry_id,
                m.business_date,
                m.kind,
                m.request_id,
                m.amount,
            )
            running += -amount
            if date_from and on < date_from:
                opening = running
                continue
            if date_to and on > date_to:
                break
            lines.append(StatementLine(entry_id, on, kind, rid, -amount, running))
        return acc, opening, lines


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
        if acc.privilege_used:
            raise Conflict(
                "privilege.used",
                "امتیاز این حساب استفاده شده است.",
                "This account's privilege is used.",
            )
        on = calendar.current(uow)
        decision = check_transfer(policy, relation=relation, on=on)
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


def close_account(uow: UnitOfWork, actor: Actor, *, account_id: int, request_id: str) -> Movement:
    """Pay out the whole balance and close. Refused while a loan on the account is open."""
    require(actor, "accounts.write")
    with uow:
        acc = _account(uow, actor, account_id, lock=True)
        _require_open(acc)
        if uow.accounts.has_open_loan(acc.id):
            raise Conflict(
                "account.open_loan",
                "تا تسویه وام، حساب بسته نمی‌شود.",
                "The account cannot close while a loan on it is open.",
            )
        on = calendar.current(uow)
        balance = acc.balance
        if balance:
            ledger.post(
                uow,
                transfer(
                    request_id,
                    "youth.close",
                    on,
                    debit=f"YF:{acc.number}",
                    credit=ledger.SETTLEMENT,
                    amount=balance,
                ),
                user_id=actor.user_id or None,
            )
        uow.accounts.close(acc.id, on)
        uow.audit(
            user_id=actor.user_id or None,
            username=actor.username,
            action="accounts.close",
            target=f"account:{acc.id}",
            request_id=request_id,
            outcome="ok",
            detail=str(balance),
        )
        uow.commit()
        return Movement(acc.id, request_id, balance, 0, on, False)
