"""``services.ports.youth`` repositories on SQLAlchemy."""

from __future__ import annotations

from sqlalchemy.orm import Session


class SqlCustomerRepository:
    def __init__(self, session: Session) -> None:
        self._s = session


class SqlAccountRepository:
    def __init__(self, session: Session) -> None:
        self._s = session
