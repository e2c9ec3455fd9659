"""Port: The double-entry ledger: accounts, journal entries, postings, balances."""

from __future__ import annotations

from typing import Protocol


class LedgerRepository(Protocol):
    """The double-entry ledger: accounts, journal entries, postings, balances."""
