"""In-memory ``services.ports.youth`` repositories."""

from __future__ import annotations


class FakeCustomerRepository:
    pass


class FakeAccountRepository:
    pass
