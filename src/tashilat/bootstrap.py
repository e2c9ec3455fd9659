"""Wiring: settings → engine → unit-of-work factory → policy. Nothing connects at import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tashilat.adapters.db.engine import make_engine, session_factory
from tashilat.adapters.db.migrate import upgrade
from tashilat.adapters.db.uow import SqlAlchemyUnitOfWork as UnitOfWork
from tashilat.policy import PolicySnapshot, default_policy
from tashilat.services import calendar, ledger
from tashilat.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    policy: PolicySnapshot = field(default_factory=default_policy)

    readers: sessionmaker[Session] | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def reader(self) -> UnitOfWork:
        """A unit of work for reads only. On PostgreSQL it runs in autocommit, saving the
        BEGIN and ROLLBACK round trips of a read; elsewhere it is an ordinary unit."""
        if self.readers is None:
            if self.engine.dialect.name == "postgresql":
                ro = self.engine.execution_options(isolation_level="AUTOCOMMIT")
                self.readers = session_factory(ro)
            else:
                self.readers = self.sessions
        return UnitOfWork(self.readers)

    def dispose(self) -> None:
        self.engine.dispose()


def build(settings: Settings | None = None) -> Container:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    return Container(settings=settings, engine=engine, sessions=session_factory(engine))


def migrate(container: Container) -> None:
    """Apply every migration to the container's database (the only way a schema is made)."""
    upgrade(container.settings.database_url)


def init_database(container: Container, *, business_date: date) -> None:
    """Run the migrations, create the system ledger accounts and set the business date (if
    not set yet). Safe to run again."""
    migrate(container)
    uow = container.uow()
    with uow:
        ledger.ensure_system_accounts(uow)
        uow.commit()
    calendar.initialise(container.uow(), business_date)
