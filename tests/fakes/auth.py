"""In-memory ``services.ports.auth.UserRepository``."""

from __future__ import annotations

from datetime import datetime

from tashilat.domain.records import UserRecord
from tashilat.services.errors import Conflict


class FakeUserRepository:
    def __init__(self) -> None:
        self.rows: dict[int, UserRecord] = {}
        self.tokens: dict[str, tuple[int, datetime]] = {}
        # the organisations a user may belong to, by code (seeded by a test)
        self.branches: dict[str, int] = {}
        self.agencies: dict[str, int] = {}
        self.banks: dict[str, int] = {}

    def by_username(self, username: str) -> UserRecord | None:
        return next((u for u in self.rows.values() if u.username == username), None)

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
        if self.by_username(username) is not None:  # the database's unique username
            raise Conflict("user.exists", "کاربر وجود دارد.", f"User '{username}' exists.")
        u = UserRecord(
            len(self.rows) + 1,
            username,
            password_hash,
            role,
            branch_id,
            customer_id,
            agency_id,
            bank_id,
            True,
            created_at,
        )
        self.rows[u.id] = u
        return u

    def page(self, *, offset: int, limit: int) -> tuple[list[UserRecord], int]:
        rows = [self.rows[i] for i in sorted(self.rows)]
        return rows[offset : offset + limit], len(rows)

    def add_token(self, *, token_hash: str, user_id: int, expires_at: datetime) -> None:
        self.tokens[token_hash] = (user_id, expires_at)

    def by_token(self, token_hash: str) -> tuple[UserRecord, datetime] | None:
        found = self.tokens.get(token_hash)
        return None if found is None else (self.rows[found[0]], found[1])

    def delete_token(self, token_hash: str) -> None:
        self.tokens.pop(token_hash, None)

    def branch_id(self, code: str) -> int | None:
        return self.branches.get(code)

    def agency_id(self, code: str | None) -> int | None:
        return None if code is None else self.agencies.get(code)

    def bank_id(self, code: str | None) -> int | None:
        return None if code is None else self.banks.get(code)
