"""Port: users, their tokens, and the codes of the places they work."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from tashilat.domain.records import UserRecord


class UserRepository(Protocol):
    """Users, their tokens and the organisations a user may belong to."""

    def by_username(self, username: str) -> UserRecord | None: ...

    def add(
        self,
        *,
        username: str,
        password_hash: str,
        role: str,
        branch_id: int | None,
        customer_id: int | None,
        agency_id: int | None,
        bank_id: int | None,
        created_at: datetime,
    ) -> UserRecord:
        """Record an active user. A username already taken raises ``Conflict``."""
        ...

    def page(self, *, offset: int, limit: int) -> tuple[list[UserRecord], int]:
        """Users by id, and how many there are."""
        ...

    def add_token(self, *, token_hash: str, user_id: int, expires_at: datetime) -> None: ...

    def by_token(self, token_hash: str) -> tuple[UserRecord, datetime] | None:
        """The token's user and when the token expires."""
        ...

    def delete_token(self, token_hash: str) -> None: ...

    def branch_id(self, code: str) -> int | None: ...

    def agency_id(self, code: str | None) -> int | None: ...

    def bank_id(self, code: str | None) -> int | None: ...


__all__ = [
    "UserRecord",
    "UserRepository",
]
