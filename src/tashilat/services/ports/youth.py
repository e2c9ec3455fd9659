"""Port: youth-fund customers and accounts."""

from __future__ import annotations

from typing import Protocol


class CustomerRepository(Protocol):
    """Customers (holders and guardians)."""


class AccountRepository(Protocol):
    """Youth-fund accounts and privilege transfers."""
