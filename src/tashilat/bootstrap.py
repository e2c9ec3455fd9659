"""Wiring: settings → engine → unit-of-work factory → policy. Nothing connects at import.

``Container.policy`` is the one place the running system reads "the current policy": the
values stored in the database (re-read when a change is approved, at most every
``policy_refresh_seconds`` otherwise), or the shipped YAML when the database holds none
(docs/adr/0009-policy-in-the-database.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from tashilat.adapters.db.engine import make_engine, read_only, session_factory
from tashilat.adapters.db.migrate import upgrade
from tashilat.adapters.db.uow import SqlAlchemyUnitOfWork as UnitOfWork
from tashilat.policy import PolicySnapshot
from tashilat.services import calendar, ledger
from tashilat.services.policy_store import KnownPolicy, PolicyStore, import_shipped
from tashilat.settings import Settings


@dataclass
class Container:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    # A fixed snapshot (a what-if or a test); None reads the stored policy.
    fixed_policy: PolicySnapshot | None = None
    policies: PolicyStore = field(default_factory=PolicyStore)

    readers: sessionmaker[Session] | None = None

    @property
    def policy(self) -> PolicySnapshot:
        """The policy in force now: see the module docstring."""
        if self.fixed_policy is not None:
            return self.fixed_policy
        return self.known_policy().snapshot

    def known_policy(self) -> KnownPolicy:
        """The current policy with the change it stands for (its version)."""
        if self.fixed_policy is not None:
            return KnownPolicy(self.fixed_policy, 0, None, stored=False)
        try:
            return self.policies.current(self.reader)
        except DBAPIError:
            # A database not migrated yet has no policy tables: the shipped YAML is the
            # policy. Any other failure (the database is down) is an error, never a silent
            # fall back to figures the bank may have replaced.
            if inspect(self.engine).has_table("policy_values"):
                raise
            return self.policies.use_shipped()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def reader(self) -> UnitOfWork:
        """A unit of work for reads only: autocommit on PostgreSQL, saving the BEGIN and
        ROLLBACK round trips of a read; a deferred transaction on SQLite, so a read (the
        policy in force, say) never waits for a writer — not even one in this thread."""
        if self.readers is None:
            self.readers = session_factory(read_only(self.engine))
        return UnitOfWork(self.readers)

    def dispose(self) -> None:
        self.engine.dispose()


def build(settings: Settings | None = None) -> Container:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    return Container(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        policies=PolicyStore(refresh_seconds=settings.policy_refresh_seconds),
    )


def migrate(container: Container) -> None:
    """Apply every migration to the container's database (the only way a schema is made)."""
    upgrade(container.settings.database_url)


def init_database(container: Container, *, business_date: date) -> None:
    """Run the migrations, create the system ledger accounts, set the business date (if
    not set yet) and record the shipped policy values the database does not hold yet. Safe
    to run again."""
    migrate(container)
    uow = container.uow()
    with uow:
        ledger.ensure_system_accounts(uow)
        uow.commit()
    calendar.initialise(container.uow(), business_date)
    import_shipped(container.uow(), container.policies.files)
    container.policies.invalidate()
