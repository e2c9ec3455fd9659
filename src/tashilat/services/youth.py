"""Youth Housing Savings Fund servicing: customers, accounts, deposits, withdrawals,
statements, entitlements, transfer of the privilege, closing (PROGRAMS.md §1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Table, bindparam, func, select, text, update
from sqlalchemy.exc import IntegrityError

from tashilat.adapters.db.models import (
    Branch,
    BusinessDate,
    Customer,
    JournalEntryRow,
    PostingRow,
    PrivilegeTransfer,
    YouthAccount,
)
from tashilat.adapters.db.numbering import YOUTH_ACCOUNT, next_number
from tashilat.data import load_city_index
from tashilat.domain.decision import Decision, PolicyReader
from tashilat.domain.errors import InvalidInput
from tashilat.domain.ids import parse_national_id
from tashilat.domain.jalali import format_jalali, jalali_year
from tashilat.domain.ledger import JournalEntry, transfer
from tashilat.domain.money import MAX_BALANCE_RIAL
from tashilat.domain.people import check_birth_date
from tashilat.domain.programs.youth_fund.cities import tier_of
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
from tashilat.services.uow import UnitOfWork

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
) -> Customer:
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
        s = uow.session
        if s.get(Branch, branch) is None:
            raise not_found("branch", "شعبه", branch)
        check_birth_date(birth_date, calendar.current(uow))
        if s.scalar(select(Customer.id).where(Customer.national_id == nid)):
            raise _customer_exists(nid)
        guardian_id = None
        if guardian_national_id:
            gid = parse_national_id(guardian_national_id, field="guardian_national_id")
            guardian_id = s.scalar(select(Customer.id).where(Customer.national_id == gid))
            if guardian_id is None:
                raise not_found("guardian", "ولی", gid)
        c = Customer(
            national_id=nid,
            name=name,
            birth_date=birth_date,
            guardian_id=guardian_id,
            branch_id=branch,
            created_at=datetime.now(UTC),
        )
        s.add(c)
        try:
            s.flush()
        except IntegrityError:
            # created by a concurrent request between the check above and this insert
            raise _customer_exists(nid) from None
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


def get_customer(uow: UnitOfWork, actor: Actor, customer_id: int) -> Customer:
    require(actor, "customers.read")
    with uow:
        c = uow.session.get(Customer, customer_id)
        if c is None:
            raise not_found("customer", "مشتری", customer_id)
        require_owner(actor, c.id)
        require_branch(actor, c.branch_id)
        return c


def list_customers(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int
) -> tuple[list[Customer], int]:
    require(actor, "customers.read")
    with uow:
        q = select(Customer)
        if actor.role == "customer":
            q = q.where(Customer.id == actor.customer_id)
        elif not actor.bank_wide:
            q = q.where(Customer.branch_id == actor.branch_id)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = list(uow.session.scalars(q.order_by(Customer.id).offset(offset).limit(limit)))
        return rows, total


# -- accounts -------------------------------------------------------------------------------


def _account(uow: UnitOfWork, actor: Actor, account_id: int, *, lock: bool = False) -> YouthAccount:
    q = select(YouthAccount).where(YouthAccount.id == account_id)
    if lock:
        q = q.with_for_update()
    acc = uow.session.scalar(q)
    if acc is None:
        raise not_found("account", "حساب", account_id)
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc


_ACCOUNTS: Table = YouthAccount.__table__  # type: ignore[assignment]
_CREDIT = (
    update(_ACCOUNTS)
    .where(_ACCOUNTS.c.id == bindparam("account_id"), _ACCOUNTS.c.status == "open")
    .values(balance=_ACCOUNTS.c.balance + bindparam("amount"))
    .returning(_ACCOUNTS.c.balance)
)


# PostgreSQL: the journal entry, its two postings, the audit line and the balance in one
# statement (data-modifying CTEs run whether or not they are referenced). The unique request
# id still rejects a retry, and the deferred trigger still checks the entry's zero sum.
_DEPOSIT_PG = text(
    """
    WITH e AS (
        INSERT INTO journal_entries (request_id, kind, business_date, memo, created_by, created_at)
        VALUES (:rid, :kind, :on, '', :uid, :now) RETURNING id
    ), p AS (
        INSERT INTO postings (entry_id, ledger_account_id, amount)
        SELECT e.id, v.acc, v.amt FROM e,
            (VALUES (CAST(:debit AS integer), CAST(:amt AS bigint)),
                    (CAST(:credit AS integer), -CAST(:amt AS bigint))) AS v(acc, amt)
        RETURNING entry_id
    ), a AS (
        INSERT INTO audit_log (at, user_id, username, action, target, request_id, outcome, detail)
        VALUES (:now, :uid, :uname, 'accounts.deposit', :target, :rid, 'ok', :detail)
    )
    UPDATE youth_accounts SET balance = balance + :amt
    WHERE id = :acc_id AND status = 'open' AND EXISTS (SELECT 1 FROM p)
    RETURNING balance
    """
)


def _deposit_in_one_statement(
    uow: UnitOfWork, actor: Actor, acc: YouthAccount, entry: JournalEntry
) -> int:
    ids = ledger.account_ids(uow, {p.account for p in entry.postings})
    debit, credit = entry.postings
    balance = (
        uow.session.connection()
        .execute(
            _DEPOSIT_PG,
            {
                "rid": entry.request_id,
                "kind": entry.kind,
                "on": entry.business_date,
                "uid": actor.user_id or None,
                "now": datetime.now(UTC),
                "debit": ids[debit.account],
                "credit": ids[credit.account],
                "amt": debit.amount,
                "uname": actor.username,
                "target": f"account:{acc.id}",
                "detail": str(debit.amount),
                "acc_id": acc.id,
            },
        )
        .scalar_one_or_none()
    )
    if balance is None:  # closed between the read and the write
        uow.rollback()
        raise Conflict(
            "account.closed", f"حساب {acc.number} بسته است.", f"Account {acc.number} is closed."
        )
    return int(balance)


def _account_on(uow: UnitOfWork, actor: Actor, account_id: int) -> tuple[YouthAccount, date]:
    """The account and the business date in one query (the hot path of every movement)."""
    today = select(BusinessDate.current).where(BusinessDate.id == 1).scalar_subquery()
    row = uow.session.execute(
        select(YouthAccount, today).where(YouthAccount.id == account_id)
    ).first()
    if row is None:
        _account(uow, actor, account_id)  # raises the precise error
        calendar.current(uow)
        raise AssertionError("unreachable")
    acc, on = row
    if on is None:
        calendar.current(uow)  # raises: the business date is not set
    require_owner(actor, acc.customer_id)
    require_branch(actor, acc.branch_id)
    return acc, on


def _require_room(acc: YouthAccount, amount: int) -> None:
    """A balance stays within :data:`MAX_BALANCE_RIAL` (checked again by the database on
    PostgreSQL, so that concurrent deposits cannot pass it either)."""
    if acc.balance + amount > MAX_BALANCE_RIAL:
        raise InvalidInput(
            "balance.too_large",
            f"با این واریز موجودی حساب از سقف {MAX_BALANCE_RIAL:,} ریال بیشتر می‌شود.",
            f"This deposit would take the balance above the ceiling of {MAX_BALANCE_RIAL:,} rial.",
            field="amount",
        )


def _require_open(acc: YouthAccount) -> None:
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
) -> YouthAccount:
    """Open an account dated the business date: cohort from that date, tier from the city,
    the opening deposit at least the cohort's minimum, the holder 18 or with a guardian."""
    require(actor, "accounts.write")
    found = load_city_index().lookup(city)
    with uow:
        s = uow.session
        on = calendar.current(uow)
        cust = s.get(Customer, customer_id)
        if cust is None:
            raise not_found("customer", "مشتری", customer_id)
        require_branch(actor, cust.branch_id)
        guardian = s.get(Customer, cust.guardian_id) if cust.guardian_id else None
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
        branch = s.get(Branch, cust.branch_id)
        assert branch is not None
        # a number already taken (by a row written before numbering used a sequence) is
        # skipped
        while True:
            seq = next_number(s, YOUTH_ACCOUNT)
            number = f"{jalali_year(on)}-{branch.code}-{seq:07d}"
            if not s.scalar(select(YouthAccount.id).where(YouthAccount.number == number)):
                break
        la = ledger.ensure_account(uow, f"YF:{number}", f"Youth fund deposit {number}", "liability")
        acc = YouthAccount(
            number=number,
            customer_id=cust.id,
            branch_id=cust.branch_id,
            ledger_account_id=la.id,
            opened_on=on,
            cohort=jalali_year(on),
            city=f"{found.name_fa} ({found.name_en})",
            tier=tier,
            status="open",
            balance=opening_deposit,
            min_balance=floor,
            privilege_holder_id=cust.id,
            privilege_used=False,
        )
        s.add(acc)
        s.flush()
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


def get_account(uow: UnitOfWork, actor: Actor, account_id: int) -> YouthAccount:
    require(actor, "accounts.read")
    with uow:
        return _account(uow, actor, account_id)


def list_accounts(
    uow: UnitOfWork, actor: Actor, *, offset: int, limit: int, customer_id: int | None = None
) -> tuple[list[YouthAccount], int]:
    require(actor, "accounts.read")
    with uow:
        q = select(YouthAccount)
        if actor.role == "customer":
            q = q.where(YouthAccount.customer_id == actor.customer_id)
        elif not actor.bank_wide:
            q = q.where(YouthAccount.branch_id == actor.branch_id)
        if customer_id is not None:
            q = q.where(YouthAccount.customer_id == customer_id)
        total = uow.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = list(uow.session.scalars(q.order_by(YouthAccount.id).offset(offset).limit(limit)))
        return rows, total


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
    uow: UnitOfWork, account: YouthAccount, request_id: str, amount: int, kind: str
) -> Movement:
    """The request was posted before: answer as then, or refuse a different body."""
    s = uow.session
    entry = ledger.find_entry(uow, request_id)
    assert entry is not None
    posted = s.scalar(
        select(PostingRow.amount).where(
            PostingRow.entry_id == entry.id,
            PostingRow.ledger_account_id == account.ledger_account_id,
        )
    )
    signed = -amount if kind == "youth.deposit" else amount
    if entry.kind != kind or posted != signed:
        raise Conflict(
            "idempotency.mismatch",
            "این کلید یکتا پیش‌تر برای درخواست دیگری به کار رفته است.",
            "This Idempotency-Key was used for a different request.",
        )
    bal = s.scalar(select(YouthAccount.balance).where(YouthAccount.id == account.id)) or 0
    return Movement(account.id, request_id, amount, int(bal), entry.business_date, True)


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
                if uow.session.get_bind().dialect.name == "postgresql":
                    balance = _deposit_in_one_statement(uow, actor, acc, entry)
                else:
                    # the entry first: its unique request id serialises retries of one request
                    ledger.post(uow, entry, user_id=actor.user_id or None)
                    balance = (
                        uow.session.connection()
                        .execute(_CREDIT, {"account_id": acc.id, "amount": amount})
                        .scalar_one()
                    )
                    uow.audit(
                        user_id=actor.user_id or None,
                        username=actor.username,
                        action="accounts.deposit",
                        target=f"account:{acc.id}",
                        request_id=request_id,
                        outcome="ok",
                        detail=str(amount),
                    )
                uow.commit()
                return Movement(acc.id, request_id, amount, int(balance), on, False)
        except IntegrityError:
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
                balance = uow.session.execute(
                    update(YouthAccount)
                    .where(
                        YouthAccount.id == acc.id,
                        YouthAccount.status == "open",
                        YouthAccount.balance - amount >= YouthAccount.min_balance,
                    )
                    .values(balance=YouthAccount.balance - amount)
                    .returning(YouthAccount.balance)
                ).scalar_one_or_none()
                if balance is None:
                    uow.rollback()
                    current = uow.session.get(YouthAccount, acc.id, populate_existing=True)
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
                return Movement(acc.id, request_id, amount, int(balance), on, False)
        except IntegrityError:
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
) -> tuple[YouthAccount, int, list[StatementLine]]:
    """Movements with a running balance; returns (account, opening balance, lines)."""
    require(actor, "accounts.read")
    with uow:
        acc = _account(uow, actor, account_id)
        rows = uow.session.execute(
            select(
                JournalEntryRow.id,
                JournalEntryRow.business_date,
                JournalEntryRow.kind,
                JournalEntryRow.request_id,
                PostingRow.amount,
            )
            .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
            .where(PostingRow.ledger_account_id == acc.ledger_account_id)
            .order_by(JournalEntryRow.business_date, JournalEntryRow.id)
        ).all()
        running = 0
        opening = 0
        lines: list[StatementLine] = []
        for entry_id, on, kind, rid, amount in rows:
            running += -amount
            if date_from and on < date_from:
                opening = running
                continue
            if date_to and on > date_to:
                break
            lines.append(StatementLine(entry_id, on, kind, rid, -amount, running))
        return acc, opening, lines


def events_of(uow: UnitOfWork, acc: YouthAccount) -> list[Event]:
    rows = uow.session.execute(
        select(JournalEntryRow.business_date, PostingRow.amount)
        .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
        .where(PostingRow.ledger_account_id == acc.ledger_account_id)
    ).all()
    return [Event(on, -amount) for on, amount in rows]


def account_entitlement(
    uow: UnitOfWork,
    actor: Actor,
    policy: PolicyReader,
    account_id: int,
    *,
    as_of: date | None = None,
) -> tuple[YouthAccount, Decision[Entitlement]]:
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


def privilege_uses(uow: UnitOfWork, acc: YouthAccount, on: date) -> list[PrivilegeUse]:
    """The loans paid out on the account and the transfers of its privilege, up to ``on``."""
    from tashilat.adapters.db.models import Loan

    paid = uow.session.execute(
        select(Loan.disbursed_on, Loan.principal).where(
            Loan.account_id == acc.id,
            Loan.status.in_(("disbursed", "settled")),
            Loan.disbursed_on.is_not(None),
            Loan.disbursed_on <= on,
        )
    ).all()
    moved = uow.session.execute(
        select(PrivilegeTransfer.business_date, PrivilegeTransfer.to_customer_id,
               PrivilegeTransfer.relation).where(
            PrivilegeTransfer.account_id == acc.id, PrivilegeTransfer.business_date <= on
        )
    ).all()  # fmt: skip
    return [PrivilegeUse("loan", d, loan_rial=p) for d, p in paid if d is not None] + [
        PrivilegeUse("transfer", d, to_customer_id=c, relation=r) for d, c, r in moved
    ]


@dataclass(frozen=True)
class Structures:
    account: YouthAccount
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
    complete year's average, at any business date (PROGRAMS.md §1.3)."""
    from tashilat.domain.jalali import account_month_start, completed_account_months
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
) -> PrivilegeTransfer:
    require(actor, "accounts.write")
    nid = parse_national_id(to_national_id, field="to_national_id")
    with uow:
        s = uow.session
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
        to = s.scalar(select(Customer).where(Customer.national_id == nid))
        if to is None:
            raise not_found("customer", "مشتری", nid)
        if to.id == acc.privilege_holder_id:
            raise Conflict(
                "transfer.same_holder",
                "امتیاز هم‌اکنون از آنِ همین فرد است.",
                "The privilege already belongs to this person.",
            )
        t = PrivilegeTransfer(
            account_id=acc.id,
            from_customer_id=acc.privilege_holder_id,
            to_customer_id=to.id,
            relation=relation,
            business_date=on,
            created_by=actor.user_id or None,
        )
        acc.privilege_holder_id = to.id
        s.add(t)
        s.flush()
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
    from tashilat.adapters.db.models import Loan

    require(actor, "accounts.write")
    with uow:
        s = uow.session
        acc = _account(uow, actor, account_id, lock=True)
        _require_open(acc)
        open_loans = s.scalar(
            select(func.count())
            .select_from(Loan)
            .where(
                Loan.account_id == acc.id, Loan.status.in_(("requested", "approved", "disbursed"))
            )
        )
        if open_loans:
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
        acc.min_balance = 0
        acc.balance = 0
        acc.status = "closed"
        acc.closed_on = on
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
