"""Posting journal entries and reading balances (ADR 0004: debit +, credit −)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Table, func, insert, select

from tashilat.adapters.db.models import JournalEntryRow, LedgerAccount, PostingRow
from tashilat.domain.ledger import JournalEntry
from tashilat.services.uow import UnitOfWork

SETTLEMENT = "BANK:SETTLEMENT"
PROFIT_INCOME = "INCOME:PROFIT"
FEE_INCOME = "INCOME:FEE"
PENALTY_INCOME = "INCOME:PENALTY"

SYSTEM_ACCOUNTS = {
    SETTLEMENT: ("Bank settlement / funding account", "asset"),
    PROFIT_INCOME: ("Loan profit income", "income"),
    FEE_INCOME: ("Qard al-hasan fee income", "income"),
    PENALTY_INCOME: ("Late-payment charge income", "income"),
}


def ensure_account(uow: UnitOfWork, code: str, name: str, type_: str) -> LedgerAccount:
    s = uow.session
    acc = s.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
    if acc is None:
        acc = LedgerAccount(code=code, name=name, type=type_)
        s.add(acc)
        s.flush()
    return acc


def ensure_system_accounts(uow: UnitOfWork) -> None:
    for code, (name, type_) in SYSTEM_ACCOUNTS.items():
        ensure_account(uow, code, name, type_)


def find_entry(uow: UnitOfWork, request_id: str) -> JournalEntryRow | None:
    return uow.session.scalar(
        select(JournalEntryRow).where(JournalEntryRow.request_id == request_id)
    )


# Ledger account ids never change once created; the ids of accounts already seen are kept
# per database so that the hot path (a deposit) does not look them up every time.
_ID_CACHE: dict[str, dict[str, int]] = {}


def account_ids(uow: UnitOfWork, codes: set[str]) -> dict[str, int]:
    s = uow.session
    cache = _ID_CACHE.setdefault(str(s.get_bind().engine.url), {})
    ids = {c: cache[c] for c in codes if c in cache}
    unknown = codes - set(ids)
    if unknown:
        for code, id_ in s.execute(
            select(LedgerAccount.code, LedgerAccount.id).where(LedgerAccount.code.in_(unknown))
        ).all():
            ids[code] = id_
        for code in codes - set(ids):
            name, type_ = SYSTEM_ACCOUNTS.get(code, (code, "asset"))
            ids[code] = ensure_account(uow, code, name, type_).id
        # only accounts that are committed may be cached: remember them after commit
        uow.after_commit(lambda: cache.update(ids))
    return ids


_ENTRIES: Table = JournalEntryRow.__table__  # type: ignore[assignment]
_POSTINGS: Table = PostingRow.__table__  # type: ignore[assignment]
# Built once: the hot path only binds parameters (no statement construction per call).
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_POSTINGS = insert(_POSTINGS)


def post(uow: UnitOfWork, entry: JournalEntry, *, user_id: int | None) -> int:
    """Write a (balanced by construction) entry; returns its id. The unique ``request_id``
    makes a retry fail with an integrity error, which the caller turns into "already
    posted". Core statements on the session's connection: no ORM bookkeeping here."""
    s = uow.session
    ids = account_ids(uow, {p.account for p in entry.postings})
    reverses_id = None
    if entry.reverses:
        original = find_entry(uow, entry.reverses)
        reverses_id = original.id if original else None
    conn = s.connection()
    entry_id = conn.execute(
        _INSERT_ENTRY,
        {
            "request_id": entry.request_id,
            "kind": entry.kind,
            "business_date": entry.business_date,
            "memo": entry.memo,
            "reverses_id": reverses_id,
            "created_by": user_id,
            "created_at": datetime.now(UTC),
        },
    ).scalar_one()
    conn.execute(
        _INSERT_POSTINGS,
        [
            {"entry_id": entry_id, "ledger_account_id": ids[p.account], "amount": p.amount}
            for p in entry.postings
        ],
    )
    uow.touched_entries.add(entry_id)
    return int(entry_id)


def raw_balance(uow: UnitOfWork, code: str) -> int:
    """Sum of postings (debit-positive) on one ledger account."""
    s = uow.session
    return int(
        s.scalar(
            select(func.coalesce(func.sum(PostingRow.amount), 0))
            .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
            .where(LedgerAccount.code == code)
        )
        or 0
    )


def trial_balance(uow: UnitOfWork) -> dict[str, int]:
    s = uow.session
    rows = s.execute(
        select(LedgerAccount.code, func.coalesce(func.sum(PostingRow.amount), 0))
        .join(PostingRow, PostingRow.ledger_account_id == LedgerAccount.id, isouter=True)
        .group_by(LedgerAccount.code)
        .order_by(LedgerAccount.code)
    ).all()
    return {code: int(total) for code, total in rows}


def ledger_total(uow: UnitOfWork) -> int:
    return int(uow.session.scalar(select(func.coalesce(func.sum(PostingRow.amount), 0))) or 0)
