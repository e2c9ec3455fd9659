"""``services.ports.ledger.LedgerRepository`` on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlLedgerRepository:
    def __init__(self, session: Session, touched_entries: set[int]) -> None:
        self._s = session
        # Entries written in this transaction: the unit of work checks that each balances
        # before commit (PostgreSQL checks again in a deferred trigger).
        self._touched = touched_entries
