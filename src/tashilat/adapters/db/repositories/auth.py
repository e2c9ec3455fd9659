"""``services.ports.auth.UserRepository`` on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlUserRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
