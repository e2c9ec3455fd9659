"""The unit of work the services are typed against is ``services.ports.UnitOfWork``; this
name stays while services still reach the session directly (see docs/architecture.md)."""

from __future__ import annotations

from tashilat.adapters.db.uow import SqlAlchemyUnitOfWork as UnitOfWork

__all__ = ["UnitOfWork"]
