"""In-memory ``services.ports.ledger.LedgerRepository``."""

from __future__ import annotations


class FakeLedgerRepository:
    def check_balanced(self) -> None:
        """Refuse to commit a journal entry that does not sum to zero (as the database
        triggers do)."""
