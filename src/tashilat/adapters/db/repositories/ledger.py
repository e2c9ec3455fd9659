"""``services.ports.ledger.LedgerRepository`` on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import JournalEntryRow, LedgerAccount, PostingRow
from tashilat.domain.ledger import DuplicateRequest, JournalEntry
from tashilat.domain.records import AccountMovement, JournalEntryRecord, LedgerAccountRecord

# The ledger's own accounts, created on first use with these names and types.
SYSTEM_ACCOUNTS = {
    "BANK:SETTLEMENT": ("Bank settlement / funding account", "asset"),
    "INCOME:PROFIT": ("Loan profit income", "income"),
    "INCOME:FEE": ("Qard al-hasan fee income", "income"),
    "INCOME:PENALTY": ("Late-payment charge income", "income"),
}

_ENTRIES: Table = JournalEntryRow.__table__  # type: ignore[assignment]
_POSTINGS: Table = PostingRow.__table__  # type: ignore[assignment]
# Built once: the hot path only binds parameters (no statement construction per call).
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_POSTINGS = insert(_POSTINGS)

# Ledger account ids never change once created; the ids of accounts already seen are kept
# per database so that the hot path (a deposit) does not look them up every time.
_ID_CACHE: dict[str, dict[str, int]] = {}


def duplicate_request(exc: IntegrityError, request_id: str) -> DuplicateRequest | None:
    """The journal's unique request id refused an insert (None: another constraint did)."""
    if "request_id" not in str(exc.orig):
        return None
    return DuplicateRequest(
        "request.duplicate",
        "این درخواست قبلاً انجام شده است.",
        f"Request '{request_id}' was already done.",
    )


def _entry(row: JournalEntryRow) -> JournalEntryRecord:
    return JournalEntryRecord(
        row.id, row.request_id, row.kind, row.business_date, row.memo, row.reverses_id
    )


class SqlLedgerRepository:
    def __init__(
        self,
        session: Session,
        touched_entries: set[int],
        after_commit: Callable[[Callable[[], None]], None],
    ) -> None:
        self._s = session
        # Entries written in this transaction: the unit of work checks that each balances
        # before commit (PostgreSQL checks again in a deferred trigger).
        self._touched = touched_entries
        self._after_commit = after_commit

    def ensure_account(self, code: str, name: str, type_: str) -> LedgerAccountRecord:
        acc = self._s.scalar(select(LedgerAccount).where(LedgerAccount.code == code))
        if acc is None:
            acc = LedgerAccount(code=code, name=name, type=type_)
            self._s.add(acc)
            self._s.flush()
        return LedgerAccountRecord(acc.id, acc.code, acc.name, acc.type)

    def account_ids(self, codes: set[str]) -> dict[str, int]:
        """Ids of ledger accounts by code, creating the ones that do not exist yet."""
        cache = _ID_CACHE.setdefault(str(self._s.get_bind().engine.url), {})
        ids = {c: cache[c] for c in codes if c in cache}
        unknown = codes - set(ids)
        if unknown:
            for code, id_ in self._s.execute(
                select(LedgerAccount.code, LedgerAccount.id).where(LedgerAccount.code.in_(unknown))
            ).all():
                ids[code] = id_
            for code in codes - set(ids):
                name, type_ = SYSTEM_ACCOUNTS.get(code, (code, "asset"))
                ids[code] = self.ensure_account(code, name, type_).id
            # only accounts that are committed may be cached: remember them after commit
            self._after_commit(lambda: cache.update(ids))
        return ids

    def find_entry(self, request_id: str) -> JournalEntryRecord | None:
        row = self._s.scalar(
            select(JournalEntryRow).where(JournalEntryRow.request_id == request_id)
        )
        return None if row is None else _entry(row)

    def touched(self, entry_id: int) -> None:
        """Note an entry written in this transaction by another statement."""
        self._touched.add(entry_id)

    def post(self, entry: JournalEntry, *, user_id: int | None) -> int:
        """Core statements on the session's connection: no ORM bookkeeping on this path."""
        ids = self.account_ids({p.account for p in entry.postings})
        reverses_id = None
        if entry.reverses:
            original = self.find_entry(entry.reverses)
            reverses_id = original.id if original else None
        conn = self._s.connection()
        try:
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
        except IntegrityError as exc:
            dup = duplicate_request(exc, entry.request_id)
            if dup is None:
                raise
            raise dup from exc
        conn.execute(
            _INSERT_POSTINGS,
            [
                {"entry_id": entry_id, "ledger_account_id": ids[p.account], "amount": p.amount}
                for p in entry.postings
            ],
        )
        self._touched.add(entry_id)
        return int(entry_id)

    def posted_amount(self, entry_id: int, ledger_account_id: int) -> int | None:
        amount = self._s.scalar(
            select(PostingRow.amount).where(
                PostingRow.entry_id == entry_id, PostingRow.ledger_account_id == ledger_account_id
            )
        )
        return None if amount is None else int(amount)

    def movements(self, ledger_account_id: int) -> list[AccountMovement]:
        rows = self._s.execute(
            select(
                JournalEntryRow.id,
                JournalEntryRow.business_date,
                JournalEntryRow.kind,
                JournalEntryRow.request_id,
                PostingRow.amount,
            )
            .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
            .where(PostingRow.ledger_account_id == ledger_account_id)
            .order_by(JournalEntryRow.business_date, JournalEntryRow.id)
        ).all()
        return [AccountMovement(i, d, k, r, int(a)) for i, d, k, r, a in rows]

    def raw_balance(self, code: str) -> int:
        return int(
            self._s.scalar(
                select(func.coalesce(func.sum(PostingRow.amount), 0))
                .join(LedgerAccount, LedgerAccount.id == PostingRow.ledger_account_id)
                .where(LedgerAccount.code == code)
            )
            or 0
        )

    def trial_balance(self) -> dict[str, int]:
        rows = self._s.execute(
            select(LedgerAccount.code, func.coalesce(func.sum(PostingRow.amount), 0))
            .join(PostingRow, PostingRow.ledger_account_id == LedgerAccount.id, isouter=True)
            .group_by(LedgerAccount.code)
            .order_by(LedgerAccount.code)
        ).all()
        return {code: int(total) for code, total in rows}

    def total(self) -> int:
        return int(self._s.scalar(select(func.coalesce(func.sum(PostingRow.amount), 0))) or 0)
