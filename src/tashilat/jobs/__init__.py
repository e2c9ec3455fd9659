"""Jobs: long-running orchestrations over many use cases and the batch adapters.

A job sits beside the services (it calls them) and above the adapters it drives; it takes
what it needs from the wiring as a small protocol (``jobs.Target``), never the wiring
itself, so nothing below the entrypoints imports ``bootstrap``.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import Engine

from tashilat.adapters.db.uow import SqlAlchemyUnitOfWork as UnitOfWork
from tashilat.domain.decision import PolicyReader


class Target(Protocol):
    """The database a job reads and writes: its engine (for bulk reads and writes), a unit
    of work per transaction (for postings through the services) and its policy."""

    @property
    def engine(self) -> Engine: ...

    @property
    def policy(self) -> PolicyReader: ...

    def uow(self) -> UnitOfWork: ...
