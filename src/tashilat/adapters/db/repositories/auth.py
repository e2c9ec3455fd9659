"""``services.ports.auth.UserRepository`` on SQLAlchemy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tashilat.adapters.db.models import Agency, AgentBank, ApiToken, Branch, User
from tashilat.domain.records import UserRecord


def _user(u: User) -> UserRecord:
    return UserRecord(
        u.id,
        u.username,
        u.password_hash,
        u.role,
        u.branch_id,
        u.customer_id,
        u.agency_id,
        u.bank_id,
        u.active,
        u.created_at,
    )


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def by_username(self, username: str) -> UserRecord | None:
        u = self._s.scalar(select(User).where(User.username == username))
        return None if u is None else _user(u)

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
        u = User(
            username=username,
            password_hash=password_hash,
            role=role,
            branch_id=branch_id,
            customer_id=customer_id,
            agency_id=agency_id,
            bank_id=bank_id,
            active=True,
            created_at=created_at,
        )
        self._s.add(u)
        self._s.flush()
        return _user(u)

    def page(self, *, offset: int, limit: int) -> tuple[list[UserRecord], int]:
        total = self._s.scalar(select(func.count()).select_from(User)) or 0
        rows = self._s.scalars(select(User).order_by(User.id).offset(offset).limit(limit))
        return [_user(u) for u in rows], total

    def add_token(self, *, token_hash: str, user_id: int, expires_at: datetime) -> None:
        self._s.add(ApiToken(token_hash=token_hash, user_id=user_id, expires_at=expires_at))

    def by_token(self, token_hash: str) -> tuple[UserRecord, datetime] | None:
        row = self._s.execute(
            select(User, ApiToken.expires_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == token_hash)
        ).first()
        if row is None:
            return None
        user, expires = row
        return _user(user), expires

    def delete_token(self, token_hash: str) -> None:
        self._s.execute(delete(ApiToken).where(ApiToken.token_hash == token_hash))

    def branch_id(self, code: str) -> int | None:
        return self._s.scalar(select(Branch.id).where(Branch.code == code))

    def agency_id(self, code: str | None) -> int | None:
        return self._s.scalar(select(Agency.id).where(Agency.code == code))

    def bank_id(self, code: str | None) -> int | None:
        return self._s.scalar(select(AgentBank.id).where(AgentBank.code == code))
